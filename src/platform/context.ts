import type { Actor } from './auth.js';
import type { Executor } from './db.js';

/** What every service function receives first: where to read and write, and who is acting. */
export interface Ctx {
  db: Executor;
  actor: Actor;
  requestId: string;
}

export function withDb(ctx: Ctx, db: Executor): Ctx {
  return { ...ctx, db };
}
