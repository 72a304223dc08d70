import { z } from 'zod';

/**
 * Waits after each failed attempt, in units of the base interval (5 s by default): 5 s, 5 min,
 * 30 min, 2 h, 5 h, 10 h, 10 h — the Standard Webhooks schedule. After the last one the delivery
 * is failed; eight attempts in all, spread over about a day and a half.
 */
const STEPS = [1, 60, 360, 1440, 3600, 7200, 7200];

export const MAX_ATTEMPTS = STEPS.length + 1;

/** Milliseconds to wait after failed attempt number `attempt` (1-based), or null when out of attempts. */
export function retryDelayMs(attempt: number, baseMs: number): number | null {
  const step = STEPS[attempt - 1];
  return step === undefined ? null : step * baseMs;
}

/**
 * The base interval comes from OMNILOOP_WEBHOOK_RETRY_BASE_MS (default 5000); tests set it to 0 so
 * every retry is due at once.
 */
export function retryBaseMs(env: NodeJS.ProcessEnv = process.env): number {
  return z.coerce.number().int().min(0).default(5000).parse(env.OMNILOOP_WEBHOOK_RETRY_BASE_MS);
}
