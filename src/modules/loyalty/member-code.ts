import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The rotating member code a clerk scans: the member id and an HMAC of it with the current
 * 30-second step (TOTP-like), under a server secret. A code is good in its step and the one
 * before, so a screenshot stops working within a minute.
 */
export const CODE_STEP_SECONDS = 30;
const PREFIX = 'OMM1';

const stepOf = (at: number) => Math.floor(at / 1000 / CODE_STEP_SECONDS);
const mac = (secret: string, memberId: string, step: number) => createHmac('sha256', secret).update(`${memberId}:${step}`).digest('base64url').slice(0, 16);

export function memberCode(secret: string, memberId: string, at = Date.now()): { code: string; expiresAt: Date } {
  const step = stepOf(at);
  return { code: `${PREFIX}.${memberId}.${mac(secret, memberId, step)}`, expiresAt: new Date((step + 1) * CODE_STEP_SECONDS * 1000) };
}

/** The member id a code stands for, or null when it is malformed, forged or too old. */
export function verifyMemberCode(secret: string, code: string, at = Date.now()): string | null {
  const [prefix, memberId, given, ...rest] = code.trim().split('.');
  if (prefix !== PREFIX || !memberId || !given || rest.length) return null;
  const step = stepOf(at);
  for (const s of [step, step - 1]) {
    const expected = Buffer.from(mac(secret, memberId, s));
    const actual = Buffer.from(given);
    if (actual.length === expected.length && timingSafeEqual(actual, expected)) return memberId;
  }
  return null;
}
