import type { ModuleHost } from '../../platform/module.js';
import { registerErrorStatus } from '../../platform/errors.js';
import { loyaltyRoutes } from './loyalty.routes.js';
import { confirmDuePoints, expirePoints, onLoyaltyEvents } from './earning.service.js';
import { grantBirthdayPerks } from './birthday.service.js';

/**
 * Membership and loyalty (会员积分): one member per customer on every channel, a points ledger of
 * lots (earned frozen, confirmed after the return window, spent soonest-expiring first, expired,
 * clawed back on refunds), tiers by rolling spend, birthday perks, member codes and the points mall.
 */
export function register(host: ModuleHost): void {
  registerErrorStatus({
    member_not_found: 404,
    insufficient_points: 409,
    invalid_member_code: 422,
    member_code_required: 403,
    tier_in_use: 409,
  });
  loyaltyRoutes(host.app);
  host.handlers.onBatch(onLoyaltyEvents);
  host.jobs.push(
    { name: 'loyalty.confirm-points', everyMs: 60_000, run: (db) => confirmDuePoints(db) },
    { name: 'loyalty.expire-points', everyMs: 3600_000, run: (db) => expirePoints(db) },
    { name: 'loyalty.birthday-perks', everyMs: 3600_000, run: (db) => grantBirthdayPerks(db) },
  );
}

export { getMembership, enrolMember, currentMemberCode, requireMemberPresent, type Membership, type PointsEntry } from './members.service.js';
export { quotePointsDeduction, spendPoints, refundSpentPoints, adjustPoints, type Spend } from './points.service.js';
export type { DeductionQuote } from './points-math.js';
export type { Reference } from './ledger.js';
export { tierOf, type TierView } from './tiers.service.js';
