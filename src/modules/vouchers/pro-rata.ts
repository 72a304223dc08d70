/**
 * What is refundable for a voucher paid `paid` with `usesTotal` uses of which `usesLeft` remain:
 * the unused uses' share of the price, rounded down to the fen (the merchant keeps less than one
 * fen at most). Integer arithmetic in BigInt, so no product of price and uses can lose precision.
 */
export function refundForUnusedUses(paid: number, usesTotal: number, usesLeft: number): number {
  if (usesLeft <= 0) return 0;
  return Number((BigInt(paid) * BigInt(usesLeft)) / BigInt(usesTotal));
}
