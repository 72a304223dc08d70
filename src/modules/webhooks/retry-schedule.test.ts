import { describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS, retryBaseMs, retryDelayMs } from './retry-schedule.js';

describe('webhook retry schedule', () => {
  it('backs off 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then gives up', () => {
    const waits = Array.from({ length: MAX_ATTEMPTS }, (_, i) => retryDelayMs(i + 1, 5000));
    expect(waits).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000, null]);
  });

  it('reads the base interval from the environment and rejects nonsense', () => {
    expect(retryBaseMs({})).toBe(5000);
    expect(retryBaseMs({ OMNILOOP_WEBHOOK_RETRY_BASE_MS: '0' })).toBe(0);
    expect(() => retryBaseMs({ OMNILOOP_WEBHOOK_RETRY_BASE_MS: 'soon' })).toThrow();
  });
});
