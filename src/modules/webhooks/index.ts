import { registerErrorStatus } from '../../platform/errors.js';
import type { ModuleHost } from '../../platform/module.js';
import { deliverDue } from './delivery-job.js';
import { queueDeliveries } from './fan-out.js';
import { retryBaseMs } from './retry-schedule.js';
import { webhooksRoutes } from './webhooks.routes.js';

/** Outgoing webhooks: endpoints, fan-out of every domain event, signed delivery with retries, events API. */
export function register(host: ModuleHost): void {
  registerErrorStatus({ delivery_in_flight: 409 });
  webhooksRoutes(host.app);
  host.handlers.onBatch(queueDeliveries);
  const baseMs = retryBaseMs();
  host.jobs.push({ name: 'webhooks.deliver', everyMs: 1000, run: (db) => deliverDue(db, baseMs) });
}
