/**
 * Availability rules as pure functions over snapshots: the services load rows, call these, and
 * write. Quantities are integer units.
 */

/** What one location may promise a channel: its available stock, limited by the store's online cap (POS ignores caps). */
export function promisable(available: number, cap: number | null, online: boolean): number {
  const limited = online && cap !== null ? Math.min(available, cap) : available;
  return Math.max(0, limited);
}

/** Available-to-promise for a channel: what the serving locations may promise, minus safety stock, never below 0. */
export function channelAtp(perLocation: number[], safetyStock: number): number {
  return Math.max(0, perLocation.reduce((a, b) => a + b, 0) - safetyStock);
}

/** A bundle is available as often as its scarcest component allows. */
export function bundleAvailability(components: Array<{ quantity: number; available: number }>): number {
  if (!components.length) return 0;
  return Math.max(0, Math.min(...components.map((c) => Math.floor(c.available / c.quantity))));
}

/** A variant-specific row overrides the '' (all variants) row of a per-key setting. */
export function settingFor<T>(rows: Map<string, T>, variantId: string): T | undefined {
  return rows.get(variantId) ?? rows.get('');
}

/**
 * Splits `quantity` over candidate locations in the order given, taking what each may promise.
 * Returns null when together they cannot cover it.
 */
export function splitLine(quantity: number, candidates: Array<{ locationId: string; promisable: number }>): Array<{ locationId: string; quantity: number }> | null {
  const parts: Array<{ locationId: string; quantity: number }> = [];
  let left = quantity;
  for (const c of candidates) {
    if (left === 0) break;
    const take = Math.min(left, c.promisable);
    if (take > 0) {
      parts.push({ locationId: c.locationId, quantity: take });
      left -= take;
    }
  }
  return left === 0 ? parts : null;
}

/** Expands bundle lines into their components (quantity × component quantity), remembering the bundle. */
export function expandBundles<L extends { variantId: string; quantity: number }>(
  lines: L[],
  components: Map<string, Array<{ variantId: string; quantity: number }>>,
): Array<L & { bundleVariantId: string | null }> {
  const out: Array<L & { bundleVariantId: string | null }> = [];
  for (const line of lines) {
    const parts = components.get(line.variantId);
    if (!parts) out.push({ ...line, bundleVariantId: null });
    else for (const p of parts) out.push({ ...line, variantId: p.variantId, quantity: line.quantity * p.quantity, bundleVariantId: line.variantId });
  }
  return out;
}
