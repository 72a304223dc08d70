import { sql, type Tx } from '../../platform/db.js';

/**
 * Runs `fn` under a savepoint: when it throws, none of its writes stay behind, even in a caller's
 * transaction that catches the error and carries on (say, to check out without the coupon).
 */
export async function allOrNothing<R>(tx: Tx, fn: () => Promise<R>): Promise<R> {
  await sql`SAVEPOINT coupons_write`.execute(tx);
  let result: R;
  try {
    result = await fn();
  } catch (err) {
    await sql`ROLLBACK TO SAVEPOINT coupons_write`.execute(tx);
    throw err;
  }
  await sql`RELEASE SAVEPOINT coupons_write`.execute(tx);
  return result;
}
