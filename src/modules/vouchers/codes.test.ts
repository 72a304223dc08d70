import { describe, expect, it } from 'vitest';
import { formatVoucherCode, newVoucherCode, normalizeVoucherCode } from './codes.js';

describe('voucher codes', () => {
  it('are 12 unambiguous characters, read back from grouped, lower-case or look-alike input', () => {
    const codes = Array.from({ length: 20_000 }, newVoucherCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes.slice(0, 500)) {
      expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{12}$/);
      expect(normalizeVoucherCode(formatVoucherCode(c))).toBe(c);
      expect(normalizeVoucherCode(` ${formatVoucherCode(c).toLowerCase()} `)).toBe(c);
    }
    expect(normalizeVoucherCode('ol1i-0000-1111')).toBe('0111' + '00001111');
    expect(normalizeVoucherCode('ABCD-EFGH-JKMU')).toBeNull(); // U is not in the alphabet
    expect(normalizeVoucherCode('ABCD-EFGH')).toBeNull();
  });
});
