import { randomBytes } from 'node:crypto';

// Crockford base32: no I, L, O, U, so ids read back unambiguously.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * 48-bit millisecond time then 80 random bits, base32 (ULID layout), monotonic within a process:
 * an id made in the same millisecond as the one before (or with the clock behind it) is that one
 * plus one, so ids sort in the order they were made. The outbox relays events in id order, and a
 * transaction often writes several in one millisecond.
 */
let lastTime = -1;
const lastRand: number[] = [];

export function ulid(now = Date.now()): string {
  if (now <= lastTime) {
    now = lastTime;
    let i = 15;
    while (i >= 0 && lastRand[i] === 31) lastRand[i--] = 0;
    if (i < 0) throw new Error('more than 2^80 ids in one millisecond');
    lastRand[i]++;
  } else {
    lastTime = now;
    for (let i = 0; i < 16; i++) lastRand[i] = randomByte() % 32;
  }
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let rand = '';
  for (let i = 0; i < 16; i++) rand += ALPHABET[lastRand[i]];
  return time + rand;
}

// Random bytes drawn 4 KiB at a time: one system call serves some 250 ids on a hot path.
let pool = Buffer.alloc(0);
let next = 0;
function randomByte(): number {
  if (next >= pool.length) {
    pool = randomBytes(4096);
    next = 0;
  }
  return pool[next++];
}

/** A prefixed id such as `ord_01JB…`: the prefix says what it is, the rest sorts by time. */
export function newId(prefix: string): string {
  return `${prefix}_${ulid()}`;
}

/** A secret token: prefix plus 32 random bytes in base64url. */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}
