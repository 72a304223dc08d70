import { registerErrorStatus } from '../../platform/errors.js';
import type { ModuleHost } from '../../platform/module.js';
import { paymentsRoutes } from './payments.routes.js';
import { configuredTestSecret } from './provider-secret.js';
import { sendTestCallbacks } from './test-provider-callbacks.js';

/** Payments through pluggable providers (manual, test), refunds, and provider webhooks. */
export function register(host: ModuleHost): void {
  registerErrorStatus({ refund_exceeds_payment: 409, refund_through_owner: 409, invalid_signature: 400 });
  configuredTestSecret(); // a malformed PAYMENTS_TEST_SECRET stops the server at start
  paymentsRoutes(host.app);
  // The public URL is read per round: it names where this server's own webhook route answers.
  host.jobs.push({ name: 'payments.test-callbacks', everyMs: 500, run: (db) => sendTestCallbacks(db, () => host.config.publicUrl) });
}

export { createPayment, getPayment, listPayments, type Payment, type NewPayment } from './payments.service.js';
export { refundPayment, type Refund } from './refunds.service.js';
export { ownPayments, type PaymentOwner } from './owners.js';
export type { PaymentProvider, ProviderNotice, ProviderStep } from './provider.js';
export type { PaymentStatus, PaymentMethod } from './payments.tables.js';
