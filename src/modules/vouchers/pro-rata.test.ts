import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { refundForUnusedUses } from './pro-rata.js';

describe('refunds of unused uses', () => {
  it('refund the unused uses\' share of the price, to within a fen, never more than was paid', () => {
    expect(refundForUnusedUses(1000, 3, 3)).toBe(1000);
    expect(refundForUnusedUses(1000, 3, 2)).toBe(666);
    expect(refundForUnusedUses(1000, 3, 1)).toBe(333);
    expect(refundForUnusedUses(1000, 3, 0)).toBe(0);
    expect(refundForUnusedUses(Number.MAX_SAFE_INTEGER, 1000, 999)).toBe(Number((BigInt(Number.MAX_SAFE_INTEGER) * 999n) / 1000n));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 1, max: 50 }), fc.nat(), (paid, total, k) => {
        const left = k % (total + 1);
        const refund = refundForUnusedUses(paid, total, left);
        expect(Number.isInteger(refund)).toBe(true);
        // Within one fen below the exact share (paid * left / total), never above it.
        expect(refund * total).toBeLessThanOrEqual(paid * left);
        expect((refund + 1) * total).toBeGreaterThan(paid * left);
        if (left > 0) expect(refundForUnusedUses(paid, total, left - 1)).toBeLessThanOrEqual(refund);
      }),
    );
  });
});
