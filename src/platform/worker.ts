import type { FastifyBaseLogger } from 'fastify';
import type { AnyDb } from './db.js';
import type { Job } from './module.js';

/** How long a batch job that caught up waits before it looks again. */
const CAUGHT_UP_PAUSE_MS = 20;

/** When a job that just did `n` units of work runs again. */
function nextRunIn(job: Job, n: number): number {
  if (n === 0) return job.everyMs;
  if (job.batch && n < job.batch) return Math.min(CAUGHT_UP_PAUSE_MS, job.everyMs);
  return 0;
}

/**
 * Runs each job on its own timer; a job that did work runs again at once (a batch job that caught
 * up, after a short pause), an idle one waits its interval. Every job claims rows with SKIP LOCKED
 * or conditional updates, so any number of server replicas can run workers side by side.
 */
export class Worker {
  private timers = new Map<string, NodeJS.Timeout>();
  private running = new Set<Promise<unknown>>();
  private stopped = true;

  constructor(
    private readonly db: AnyDb,
    private readonly jobs: Job[],
    private readonly log: FastifyBaseLogger,
  ) {}

  start(): void {
    this.stopped = false;
    for (const job of this.jobs) this.schedule(job, 0);
  }

  private schedule(job: Job, delay: number): void {
    if (this.stopped) return;
    this.timers.set(job.name, setTimeout(() => {
      const p = job.run(this.db).then(
        (n) => this.schedule(job, nextRunIn(job, n)),
        (err) => {
          this.log.error({ err, job: job.name }, 'background job failed');
          this.schedule(job, job.everyMs);
        },
      );
      this.running.add(p);
      p.finally(() => this.running.delete(p));
    }, delay));
  }

  /** Runs every job until none has work left; tests use it to settle background effects. */
  async drain(maxRounds = 50): Promise<void> {
    for (let i = 0; i < maxRounds; i++) {
      let did = 0;
      for (const job of this.jobs) did += await job.run(this.db);
      if (did === 0) return;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    await Promise.allSettled([...this.running]);
  }
}
