import type { FastifyInstance } from 'fastify';
import type { AnyDb } from './db.js';
import type { EventHandlers } from './outbox.js';
import type { Config } from './config.js';

/** Background work a module asks the worker to repeat; `run` returns how much it did (0 = idle). */
export interface Job {
  name: string;
  everyMs: number;
  run(db: AnyDb): Promise<number>;
  /**
   * For a job that works in batches of this size: a smaller batch means it caught up, so it runs
   * again after a short pause (to gather a batch worth a transaction) rather than at once.
   */
  batch?: number;
}

/** What a module gets when the application is assembled: where to add routes, handlers and jobs. */
export interface ModuleHost {
  app: FastifyInstance;
  db: AnyDb;
  config: Config;
  handlers: EventHandlers;
  jobs: Job[];
}
