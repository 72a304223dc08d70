/**
 * Splits `amount` over `weights` so the parts sum exactly to `amount` and no part exceeds its
 * weight when amount ≤ Σweights: largest remainder, ties to the earlier index — the same result as
 * allocate() in platform/money.ts, without its per-call sorting, since pricing runs it hundreds of
 * times per cart.
 */
export function allocateExact(amount: number, weights: number[]): number[] {
  const n = weights.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += weights[i];
  const parts = new Array<number>(n);
  if (sum === 0) {
    for (let i = 0; i < n; i++) parts[i] = i === 0 ? amount : 0;
    return parts;
  }
  const frac = new Array<number>(n);
  let rest = amount;
  for (let i = 0; i < n; i++) {
    const raw = (amount * weights[i]) / sum;
    parts[i] = Math.floor(raw);
    frac[i] = raw - parts[i];
    rest -= parts[i];
  }
  // At most n − 1 units are left; each goes to the largest remaining fraction.
  for (; rest > 0; rest--) {
    let best = 0;
    for (let i = 1; i < n; i++) if (frac[i] > frac[best]) best = i;
    parts[best]++;
    frac[best] = -1;
  }
  return parts;
}
