import { z } from 'zod';

/** Money is an integer count of the currency's minor unit (fen, cent) and an ISO 4217 code. */
export interface Money {
  amount: number;
  currency: string;
}

export const currencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as CNY')
  .describe('ISO 4217 currency code');

export const amountSchema = z
  .number()
  .int('an integer amount in minor units')
  .min(0)
  .max(Number.MAX_SAFE_INTEGER)
  .describe('amount in minor units (e.g. fen)');

export const moneySchema = z.object({ amount: amountSchema, currency: currencySchema });

/**
 * Splits `total` over `weights` so the parts sum exactly to `total` (largest remainder method,
 * ties to the earlier index). Used to spread a discount over lines without losing a fen.
 */
export function allocate(total: number, weights: number[]): number[] {
  if (!Number.isInteger(total)) throw new Error('allocate: total must be an integer');
  const sum = weights.reduce((a, b) => a + b, 0);
  if (weights.length === 0) return [];
  if (sum === 0) return weights.map((_, i) => (i === 0 ? total : 0));
  const raw = weights.map((w) => (total * w) / sum);
  const parts = raw.map(Math.floor);
  let rest = total - parts.reduce((a, b) => a + b, 0);
  const order = raw
    .map((r, i) => ({ i, frac: r - Math.floor(r) }))
    .sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (let k = 0; rest > 0; k = (k + 1) % order.length, rest--) parts[order[k].i]++;
  return parts;
}
