import type { ModuleHost } from '../../platform/module.js';
import { registerErrorStatus } from '../../platform/errors.js';
import { voucherRoutes } from './vouchers.routes.js';
import { partnerRoutes } from './partners.routes.js';

/** E-vouchers (电子凭证): templates, issue, redemption at stores, partner merchants and their settlement. */
export function register(host: ModuleHost): void {
  registerErrorStatus({
    voucher_expired: 409,
    voucher_used_up: 409,
    voucher_voided: 409,
    voucher_not_valid_here: 422,
    voucher_template_expired: 409,
    currency_mismatch: 422,
  });
  voucherRoutes(host.app);
  partnerRoutes(host.app);
}

export { issueVouchers, issuePromoVouchers, type OrderLineVouchers, type PromoVouchers } from './issue.service.js';
export { voidVouchersForOrderLine } from './void.service.js';
export { redeemVoucher, lookupVoucher, type Redemption, type VoucherLookup } from './redeem.service.js';
export { findVoucherTemplateForVariant } from './templates.service.js';
export { getPartner } from './partners.service.js';
export type { Voucher, VoucherTemplate, Partner } from './vouchers.types.js';
