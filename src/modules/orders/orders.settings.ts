import { z } from 'zod';
import type { PricingSettings } from './pricing.js';

/**
 * Order rules a merchant tunes. Read once from the environment at start (defaults suit a Chinese
 * B2C shop); a settings API can replace this later without touching the services.
 */
export interface OrderSettings extends PricingSettings {
  /** An unpaid order releases its stock after this many minutes. */
  paymentWindowMinutes: number;
  /** A ready pickup not collected within this many hours is a no-show: stock released, refunded. */
  pickupNoShowHours: number;
  /** A reserve-and-try hold lasts this many hours. */
  holdHours: number;
  /** Returns are accepted this many days after fulfilment; after that the order completes. */
  returnWindowDays: number;
}

const env = z.object({
  OMNILOOP_SHIPPING_DELIVERY: z.coerce.number().int().min(0).default(1000),
  OMNILOOP_SHIPPING_SHIP_FROM_STORE: z.coerce.number().int().min(0).default(1000),
  OMNILOOP_TAX_RATE_BPS: z.coerce.number().int().min(0).max(10_000).default(0),
  OMNILOOP_PAYMENT_WINDOW_MINUTES: z.coerce.number().int().min(1).default(30),
  OMNILOOP_PICKUP_NO_SHOW_HOURS: z.coerce.number().int().min(1).default(72),
  OMNILOOP_HOLD_HOURS: z.coerce.number().int().min(1).default(24),
  OMNILOOP_RETURN_WINDOW_DAYS: z.coerce.number().int().min(0).default(30),
});

export function loadOrderSettings(source: NodeJS.ProcessEnv = process.env): OrderSettings {
  const e = env.parse(source);
  return {
    shipping: { delivery: e.OMNILOOP_SHIPPING_DELIVERY, ship_from_store: e.OMNILOOP_SHIPPING_SHIP_FROM_STORE },
    taxRateBps: e.OMNILOOP_TAX_RATE_BPS,
    paymentWindowMinutes: e.OMNILOOP_PAYMENT_WINDOW_MINUTES,
    pickupNoShowHours: e.OMNILOOP_PICKUP_NO_SHOW_HOURS,
    holdHours: e.OMNILOOP_HOLD_HOURS,
    returnWindowDays: e.OMNILOOP_RETURN_WINDOW_DAYS,
  };
}

export const orderSettings: OrderSettings = loadOrderSettings();
