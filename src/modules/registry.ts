import type { ModuleHost } from '../platform/module.js';
import type { Actor } from '../platform/auth.js';
import type { Executor } from '../platform/db.js';
import { authenticate as authenticateStaffOrKey } from './access/index.js';
import { register as registerCatalog } from './catalog/index.js';
import { register as registerStores } from './stores/index.js';
import { register as registerInventory } from './inventory/index.js';
import { register as registerCustomers, authenticateShopper } from './customers/index.js';
import { register as registerOrders } from './orders/index.js';
import { register as registerPayments } from './payments/index.js';
import { register as registerVouchers } from './vouchers/index.js';
import { register as registerAppointments } from './appointments/index.js';
import { register as registerPromotions } from './promotions/index.js';
import { register as registerCoupons } from './coupons/index.js';
import { register as registerLoyalty } from './loyalty/index.js';
import { register as registerDeals } from './deals/index.js';
import { register as registerWebhooks } from './webhooks/index.js';

/** Every domain module's `register`, in the order their routes appear in the API description. */
export const modules: Array<(host: ModuleHost) => void> = [
  registerCatalog,
  registerStores,
  registerInventory,
  registerCustomers,
  registerOrders,
  registerPayments,
  registerVouchers,
  registerAppointments,
  registerPromotions,
  registerCoupons,
  registerLoyalty,
  registerDeals,
  registerWebhooks,
];

/** Who resolves a Bearer token, by its prefix: staff sessions, API keys, shopper sessions. */
export const authenticators: Array<{ prefix: string; authenticate(db: Executor, token: string): Promise<Actor | null> }> = [
  { prefix: 'oss_', authenticate: authenticateStaffOrKey },
  { prefix: 'sk_', authenticate: authenticateStaffOrKey },
  { prefix: 'pk_', authenticate: authenticateStaffOrKey },
  { prefix: 'shs_', authenticate: authenticateShopper },
];
