import { registerErrorStatus } from '../../platform/errors.js';
import type { ModuleHost } from '../../platform/module.js';
import { loadMessagingConfig } from './customers.config.js';
import { createCodeDelivery } from './code-delivery.js';
import { customersRoutes } from './customers.routes.js';
import { pruneSignInCodes } from './sign-in-codes.js';
import { pruneShopperSessions } from './shopper-sessions.js';

export function register(host: ModuleHost): void {
  registerErrorStatus({
    channel_unavailable: 503,
    delivery_failed: 502,
    invalid_code: 401,
    code_expired: 401,
    too_many_attempts: 429,
  });
  const delivery = createCodeDelivery(loadMessagingConfig(host.config), host.app.log);
  host.app.addHook('onClose', () => delivery.close());
  customersRoutes(host.app, delivery);
  host.jobs.push({
    name: 'customers.prune',
    everyMs: 3600_000,
    run: async (db) => (await pruneShopperSessions(db)) + (await pruneSignInCodes(db)),
  });
}

export { authenticateShopper, requireShopper, type ShopperActor } from './shopper-sessions.js';
export { findOrCreateCustomer, getCustomer, getCustomers, type Customer, type CustomerContact } from './customers.service.js';
export type { MessagingConfig } from './customers.config.js';
export type { SmsProvider } from './sms-provider.js';
