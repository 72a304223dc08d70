import { randomBytes } from 'node:crypto';

/**
 * Code symbols: digits and capitals without the look-alikes 0/O, 1/I/L (and U, which reads as V),
 * so a code read off a poster or a receipt is typed back right. 12 of 30 symbols: ~59 random bits,
 * so guessing a live code among millions stays hopeless.
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_LENGTH = 12;
export const MAX_PREFIX = 8;

const SYMBOLS = Buffer.from(CODE_ALPHABET, 'latin1');
// 240 is the largest multiple of 30 below 256: bytes at or above it are skipped so every symbol is equally likely.
const UNBIASED = 240;

/**
 * `count` random codes. Symbols for all of them come from a few large randomBytes buffers and the
 * codes are sliced from one string: a million codes take a fraction of a second. Duplicates are
 * astronomically rare (~1e-6 per million) and are left to the unique index on insert.
 */
export function randomCodes(count: number, prefix = ''): string[] {
  const out = Buffer.allocUnsafe(count * CODE_LENGTH);
  let o = 0;
  while (o < out.length) {
    const bytes = randomBytes(Math.ceil((out.length - o) * 1.08) + 16);
    for (let i = 0; i < bytes.length && o < out.length; i++) {
      if (bytes[i] < UNBIASED) out[o++] = SYMBOLS[bytes[i] % 30];
    }
  }
  const all = out.toString('latin1');
  const codes = new Array<string>(count);
  for (let i = 0; i < count; i++) codes[i] = prefix + all.slice(i * CODE_LENGTH, (i + 1) * CODE_LENGTH);
  return codes;
}

/** What a shopper or clerk typed, in stored form: case, spaces and dashes do not matter. */
export function normalizeCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '');
}

/** Public codes (WELCOME10) are chosen by people: letters and digits, any of them. */
export const PUBLIC_CODE_PATTERN = /^[A-Z0-9]{3,32}$/;
/** Batch prefixes come before the random part, from the same unambiguous symbols. */
export const PREFIX_PATTERN = new RegExp(`^[${CODE_ALPHABET}]{1,${MAX_PREFIX}}$`);
