import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FastifyBaseLogger } from 'fastify';
import type { AnyDb } from './db.js';
import { Worker } from './worker.js';

/** A job that reports the given amounts of work, one per run, then idles; records when it ran. */
function scripted(amounts: number[], job: { everyMs: number; batch?: number }) {
  const ranAt: number[] = [];
  const run = async () => {
    ranAt.push(Date.now());
    return amounts.shift() ?? 0;
  };
  return { ranAt, job: { name: 'scripted', run, ...job } };
}

const log = { error: () => {} } as unknown as FastifyBaseLogger;

describe('background worker', () => {
  afterEach(() => vi.useRealTimers());

  it('runs a job again at once while it works, waits its interval when idle, and pauses a batch job that caught up', async () => {
    vi.useFakeTimers({ now: 0 });
    const plain = scripted([3, 1, 0], { everyMs: 1000 });
    const batched = scripted([500, 120, 0], { everyMs: 1000, batch: 500 });
    const worker = new Worker({} as AnyDb, [plain.job, batched.job], log);
    worker.start();
    await vi.advanceTimersByTimeAsync(1500);
    await worker.stop();
    // Work found: again at once (a timer of 0 fires after 1 ms), until idle; then the interval.
    expect(plain.ranAt).toEqual([0, 1, 2, 1002]);
    // A full batch: again at once; a partial one (caught up): after a short pause; idle: the interval.
    expect(batched.ranAt).toEqual([0, 1, 21, 1021]);
  });
});
