import { z } from 'zod';

/**
 * Loyalty rules a merchant tunes, read once from the environment at start. Earn rates, tiers and
 * rewards change often and live in the database (configured through the API); these change rarely.
 */
export interface LoyaltySettings {
  /** Points earned on an order are confirmed this many days after it is fulfilled (the return window). */
  confirmAfterDays: number;
  /** Points expire at the end of the calendar year this many years after they were confirmed (1 = next year). */
  expiryYears: number;
  /** How many points are worth 100 minor units (¥1) when deducted at checkout. */
  pointsPerHundredMinor: number;
  /** At most this share of an order (basis points of its subtotal) may be paid with points. */
  maxDeductionBps: number;
  /** Tiers look at spend over this many months. */
  tierWindowMonths: number;
  /** The brand's time zone: birthdays and year ends are counted in it. */
  timeZone: string;
}

const env = z.object({
  OMNILOOP_POINTS_CONFIRM_DAYS: z.coerce.number().int().min(0).default(7),
  OMNILOOP_POINTS_EXPIRY_YEARS: z.coerce.number().int().min(0).max(10).default(1),
  OMNILOOP_POINTS_PER_YUAN: z.coerce.number().int().min(1).default(100),
  OMNILOOP_POINTS_MAX_DEDUCTION_BPS: z.coerce.number().int().min(0).max(10_000).default(5000),
  OMNILOOP_TIER_WINDOW_MONTHS: z.coerce.number().int().min(1).max(120).default(12),
  OMNILOOP_BRAND_TIMEZONE: z.string().default('Asia/Shanghai'),
});

export function loadLoyaltySettings(source: NodeJS.ProcessEnv = process.env): LoyaltySettings {
  const e = env.parse(source);
  return {
    confirmAfterDays: e.OMNILOOP_POINTS_CONFIRM_DAYS,
    expiryYears: e.OMNILOOP_POINTS_EXPIRY_YEARS,
    pointsPerHundredMinor: e.OMNILOOP_POINTS_PER_YUAN,
    maxDeductionBps: e.OMNILOOP_POINTS_MAX_DEDUCTION_BPS,
    tierWindowMonths: e.OMNILOOP_TIER_WINDOW_MONTHS,
    timeZone: e.OMNILOOP_BRAND_TIMEZONE,
  };
}

export const loyaltySettings: LoyaltySettings = loadLoyaltySettings();
