import { sql } from 'kysely';
import { newId } from './ids.js';
import type { Executor } from './db.js';

export interface DomainEvent<P = Record<string, unknown>> {
  id: string;
  type: string;
  aggregateId: string | null;
  payload: P;
  createdAt: string;
}

/**
 * Writes a domain event in the caller's transaction: it exists exactly when the change it describes
 * commits. Handlers (webhooks, projections, messages) run later from the worker.
 */
export async function emit(tx: Executor, type: string, aggregateId: string | null, payload: object): Promise<string> {
  return (await emitAll(tx, [{ type, aggregateId, payload }]))[0];
}

/** Writes several domain events in one statement, in the order given (their ids sort that way). */
export async function emitAll(tx: Executor, events: Array<{ type: string; aggregateId: string | null; payload: object }>): Promise<string[]> {
  if (!events.length) return [];
  const rows = events.map((e) => ({ id: newId('evt'), type: e.type, aggregate_id: e.aggregateId, payload: JSON.stringify(e.payload) }));
  await tx.insertInto('outbox_event').values(rows).execute();
  return rows.map((r) => r.id);
}

export type EventHandler = (tx: Executor, event: DomainEvent) => Promise<void>;
/** Sees every claimed event of a batch at once, so it can answer all of them with one query. */
export type BatchHandler = (tx: Executor, events: DomainEvent[]) => Promise<void>;

const matches = (pattern: string, type: string) =>
  pattern === '*' || pattern === type || (pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1)));

/** In-process registry of outbox handlers; the worker runs them inside the claim transaction. */
export class EventHandlers {
  private readonly handlers: Array<{ pattern: string; fn: EventHandler }> = [];
  private readonly batchHandlers: BatchHandler[] = [];
  on(pattern: string, fn: EventHandler): void {
    this.handlers.push({ pattern, fn });
  }
  onBatch(fn: BatchHandler): void {
    this.batchHandlers.push(fn);
  }
  async run(tx: Executor, events: DomainEvent[]): Promise<void> {
    for (const event of events) {
      for (const h of this.handlers) if (matches(h.pattern, event.type)) await h.fn(tx, event);
    }
    for (const fn of this.batchHandlers) await fn(tx, events);
  }
}

/** Events relayed per transaction. */
export const OUTBOX_BATCH = 500;

/**
 * Claims a batch of pending events with FOR UPDATE SKIP LOCKED (so replicas share the work without
 * waiting on each other), marks them processed and runs their handlers, all in one transaction.
 * Returns how many events were processed.
 */
export async function drainOutbox(db: Executor, handlers: EventHandlers, batch = OUTBOX_BATCH): Promise<number> {
  return db.transaction().execute(async (tx) => {
    // Claim and mark in one statement; if a handler throws, the transaction rolls the marks back.
    const { rows } = await sql<{ id: string; type: string; aggregate_id: string | null; payload: unknown; created_at: Date }>`
      UPDATE outbox_event SET processed_at = now()
      WHERE id IN (SELECT id FROM outbox_event WHERE processed_at IS NULL ORDER BY id LIMIT ${batch} FOR UPDATE SKIP LOCKED)
      RETURNING id, type, aggregate_id, payload, created_at`.execute(tx);
    const events: DomainEvent[] = rows
      .map((r) => ({
        id: r.id,
        type: r.type,
        aggregateId: r.aggregate_id,
        payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>,
        createdAt: new Date(r.created_at).toISOString(),
      }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    await handlers.run(tx, events);
    return events.length;
  });
}
