import type { Actor } from './auth.js';
import type { Executor } from './db.js';

/** What every service function receives first: where to read and write, and who is acting. */
export interface Ctx {
  db: Executor;
  actor: Actor;
  requestId: string;
  /**
   * In a transaction that prices before it writes any promotion or counter (a cart change, a
   * checkout): the database it was opened on, whose followed promotions such a price may use.
   */
  pricesOutside?: Executor;
}

export function withDb(ctx: Ctx, db: Executor): Ctx {
  return { ...ctx, db };
}

/** The ctx of work in `tx` that prices before it writes any promotion or counter (see pricesOutside). */
export function pricingIn(ctx: Ctx, tx: Executor): Ctx {
  return { ...ctx, db: tx, pricesOutside: ctx.pricesOutside ?? ctx.db };
}
