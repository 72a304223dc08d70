import type { ModuleHost } from '../../platform/module.js';
import { registerErrorStatus } from '../../platform/errors.js';
import { registerOfferProvider } from '../orders/index.js';
import { flashSaleRoutes, groupBuyRoutes } from './deals.routes.js';
import { flashSaleOffers } from './flash-sale-offer.js';
import { groupBuyOffers } from './group-buy-offer.js';
import { failExpiredGroups, onGroupCompleted, onOrdersPaid } from './groups.service.js';

/**
 * Deals: flash sales (秒杀), a limited allotment at a special price, and group buys (拼团), a group
 * price once enough shoppers have paid. Both are offers a cart line is bought under.
 */
export function register(host: ModuleHost): void {
  registerErrorStatus({
    flash_sale_not_running: 409,
    flash_sale_sold_out: 409,
    flash_sale_requires_sign_in: 422,
    flash_sale_limit_reached: 409,
    group_buy_not_running: 409,
    group_buy_closed: 409,
    group_buy_full: 409,
    group_buy_requires_sign_in: 422,
    group_buy_already_joined: 409,
    group_buy_limit_reached: 422,
    offer_not_for_variant: 422,
    offer_not_for_channel: 422,
  });
  registerOfferProvider(flashSaleOffers);
  registerOfferProvider(groupBuyOffers);
  flashSaleRoutes(host.app);
  groupBuyRoutes(host.app);
  host.handlers.onBatch(onOrdersPaid);
  host.handlers.on('group_buy.completed', onGroupCompleted);
  host.jobs.push({ name: 'deals.fail-expired-groups', everyMs: 30_000, run: (db) => failExpiredGroups(db) });
}

export { failExpiredGroups } from './groups.service.js';
export type { FlashSale } from './flash-sales.service.js';
export type { GroupBuyDeal } from './group-deals.service.js';
export type { GroupView } from './groups.service.js';
