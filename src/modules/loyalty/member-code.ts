import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The rotating member code a clerk scans: the member id and an HMAC of it with the current
 * 30-second step (TOTP-like), under a server secret. A code is good in its step and the one
 * before, so a screenshot stops working within a minute.
 */
export const CODE_STEP_SECONDS = 30;
const PREFIX = 'OMM1';

const stepOf = (at: number) => Math.floor(at / 1000 / CODE_STEP_SECONDS);
const mac = (secret: string, memberId: string, step: number | string) => createHmac('sha256', secret).update(`${memberId}:${step}`).digest('base64url').slice(0, 16);
const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export function memberCode(secret: string, memberId: string, at = Date.now()): { code: string; expiresAt: Date } {
  const step = stepOf(at);
  return { code: `${PREFIX}.${memberId}.${mac(secret, memberId, step)}`, expiresAt: new Date((step + 1) * CODE_STEP_SECONDS * 1000) };
}

/** The member id a code stands for, or null when it is malformed, forged or too old. */
export function verifyMemberCode(secret: string, code: string, at = Date.now()): string | null {
  const [prefix, memberId, given, ...rest] = code.trim().split('.');
  if (prefix !== PREFIX || !memberId || !given || rest.length) return null;
  const step = stepOf(at);
  return [step, step - 1].some((s) => same(given, mac(secret, memberId, s))) ? memberId : null;
}

/**
 * What a scanned code gives the till: proof that the member showed it, good for one sale's length
 * (PASS_SECONDS) after the code itself has rotated. Points are spent at the till only with it.
 */
export const PASS_SECONDS = 15 * 60;
const PASS_PREFIX = 'OMP1';

export function memberPass(secret: string, memberId: string, at = Date.now()): { pass: string; expiresAt: Date } {
  const until = Math.floor(at / 1000) + PASS_SECONDS;
  return { pass: `${PASS_PREFIX}.${memberId}.${until}.${mac(secret, memberId, `pass:${until}`)}`, expiresAt: new Date(until * 1000) };
}

/** The member id a pass stands for, or null when it is malformed, forged or expired. */
export function verifyMemberPass(secret: string, pass: string, at = Date.now()): string | null {
  const [prefix, memberId, until, given, ...rest] = pass.trim().split('.');
  if (prefix !== PASS_PREFIX || !memberId || !/^\d+$/.test(until ?? '') || !given || rest.length) return null;
  if (Number(until) * 1000 <= at) return null;
  return same(given, mac(secret, memberId, `pass:${until}`)) ? memberId : null;
}
