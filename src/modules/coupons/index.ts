import type { ModuleHost } from '../../platform/module.js';
import { registerErrorStatus } from '../../platform/errors.js';
import { couponRoutes } from './coupons.routes.js';

/** Coupons: public codes, batches of unique codes, wallet coupons (领券), and their use at checkout. */
export function register(host: ModuleHost): void {
  registerErrorStatus({
    coupon_not_found: 422,
    coupon_inactive: 409,
    coupon_not_yet_valid: 409,
    coupon_expired: 409,
    coupon_used_up: 409,
    coupon_out_of_stock: 409,
    coupon_not_for_channel: 422,
    coupon_not_yours: 422,
    coupon_requires_customer: 422,
    coupons_do_not_stack: 422,
    coupon_limit_reached: 409,
  });
  couponRoutes(host.app);
}

export { resolveCoupons, redeemCoupons, releaseCoupons, type ResolvedCoupon } from './redemption.service.js';
export { grantCoupon } from './wallet.service.js';
export { getTemplate as getCouponTemplate } from './templates.service.js';
export type { CouponTemplate, WalletCoupon } from './coupons.types.js';
