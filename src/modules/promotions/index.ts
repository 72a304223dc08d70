import type { ModuleHost } from '../../platform/module.js';
import { registerErrorStatus } from '../../platform/errors.js';
import { promotionRoutes } from './promotions.routes.js';
import { followPromotions } from './live.js';
import { onPromotionEvents } from './usage.service.js';

/** The promotion engine: rules, conditions, stacking, limits and budgets, for carts and till sales alike. */
export function register(host: ModuleHost): void {
  registerErrorStatus({
    promotion_exhausted: 409,
    budget_exhausted: 409,
    customer_limit_reached: 409,
  });
  promotionRoutes(host.app);
  host.handlers.onBatch(onPromotionEvents);
  // On PostgreSQL, prices follow promotion changes and counters by notification (live.ts).
  if (host.config.databaseUrl) {
    const follower = followPromotions(host.db, host.config.databaseUrl, (err) =>
      host.app.log.warn({ err }, 'promotion notifications lost: prices read the database until they are back'));
    host.app.addHook('onClose', () => follower.stop());
  }
}

export { priceWithPromotions, PROMOTIONS_STAMP } from './pricing.service.js';
export { evaluatePromotions, limitedCandidates } from './evaluate.js';
export { buildSnapshot, type PromotionSnapshot } from './snapshot.js';
export { recordPromotionUse, releasePromotionUse, type PromotionUseInput } from './usage.service.js';
export { createPromotion, getPromotion, getPromotions, setPromotionStatus, updatePromotion } from './promotions.service.js';
export type { NewPromotion, PromotionChanges } from './promotions.schemas.js';
export type { Promotion, Rule, RuleType, Conditions, PricingInput, PricingLineInput, PricingResult, PriceAdjustment, NotAppliedReason, UsageCounters } from './promotion.types.js';
