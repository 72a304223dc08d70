import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres, startTestApp, type TestApp } from '../../tests/harness.js';
import { sql } from 'kysely';
import { EventHandlers, drainOutbox, emitAll, pruneOutbox } from './outbox.js';
import type { AnyDb } from './db.js';

let t: TestApp;
let db: AnyDb;

beforeAll(async () => {
  t = await startTestApp();
  db = t.omni.database.db;
});
afterAll(() => t.close());

/** Handlers that record the aggregate ids they were handed, and can be told to fail once. */
function recorder() {
  const seen: string[] = [];
  let failNext = false;
  const handlers = new EventHandlers();
  handlers.onBatch(async (_tx, events) => {
    if (failNext) {
      failNext = false;
      throw new Error('handler failed');
    }
    seen.push(...events.map((e) => e.aggregateId!));
  });
  return { seen, handlers, failOnce: () => (failNext = true) };
}

const write = (names: string[]) => db.transaction().execute((tx) => emitAll(tx, names.map((n) => ({ type: 'test.event', aggregateId: n, payload: { n } }))));

/** Relays until a pass finds nothing; returns the size of each pass. */
async function relayAll(handlers: EventHandlers, batch?: number): Promise<number[]> {
  const passes: number[] = [];
  for (let n = await drainOutbox(db, handlers, batch); n > 0; n = await drainOutbox(db, handlers, batch)) passes.push(n);
  return passes;
}

describe('outbox relay', () => {
  it('hands each committed event on once, in the order written; a batch whose handler fails comes again', async () => {
    const r = recorder();
    await relayAll(r.handlers); // whatever setting the app up wrote
    r.seen.length = 0;
    await write(['a1', 'a2', 'a3']);
    await write(['b1']);
    r.failOnce();
    await expect(drainOutbox(db, r.handlers)).rejects.toThrow('handler failed');
    expect(r.seen).toEqual([]);
    expect(await relayAll(r.handlers)).toEqual([4]);
    expect(r.seen).toEqual(['a1', 'a2', 'a3', 'b1']);
    expect(await drainOutbox(db, r.handlers)).toBe(0);
  });

  it('continues a round that filled its batch where it stopped, then takes what came meanwhile', async () => {
    const r = recorder();
    await relayAll(r.handlers);
    r.seen.length = 0;
    await write(['c1', 'c2', 'c3', 'c4', 'c5']);
    expect(await drainOutbox(db, r.handlers, 2)).toBe(2);
    await write(['d1']);
    expect(await relayAll(r.handlers, 2)).toEqual([2, 1, 1]);
    expect(r.seen).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'd1']);
  });

  it('deletes relayed events past retention; younger ones and those not yet relayed stay', async () => {
    const r = recorder();
    await relayAll(r.handlers);
    await write(['old1', 'old2', 'young']);
    await relayAll(r.handlers);
    await write(['waiting']);
    const age = (names: string[], days: number) =>
      db.updateTable('outbox_event').set({ created_at: sql`now() - make_interval(days => ${days}::int)` }).where('aggregate_id', 'in', names).execute();
    await age(['old1', 'old2', 'waiting'], 31);
    await age(['young'], 29);
    expect(await pruneOutbox(db, 30)).toBe(2);
    expect(await pruneOutbox(db, 30)).toBe(0);
    const left = await db.selectFrom('outbox_event').select('aggregate_id').where('aggregate_id', 'in', ['old1', 'old2', 'young', 'waiting']).orderBy('aggregate_id').execute();
    expect(left.map((e) => e.aggregate_id)).toEqual(['waiting', 'young']);
    r.seen.length = 0;
    await relayAll(r.handlers);
    expect(r.seen).toEqual(['waiting']);
    expect(await pruneOutbox(db, 30)).toBe(1);
  });

  it.runIf(onPostgres)('deletes relayed events past retention while a long transaction runs elsewhere', async () => {
    const r = recorder();
    // A transaction holding an id from before the events were written keeps the server's horizon behind them.
    let began!: () => void;
    let release!: () => void;
    const begun = new Promise<void>((ok) => (began = ok));
    const held = new Promise<void>((ok) => (release = ok));
    const long = db.transaction().execute(async (tx) => {
      await sql`SELECT pg_current_xact_id()`.execute(tx);
      began();
      await held;
    });
    await begun;
    await write(['held1', 'held2']);
    await relayAll(r.handlers);
    await db.updateTable('outbox_event').set({ created_at: sql`now() - make_interval(days => 31)` }).where('aggregate_id', 'in', ['held1', 'held2']).execute();
    const deleted = await pruneOutbox(db, 30);
    release();
    await long;
    expect(deleted).toBe(2);
    expect(await db.selectFrom('outbox_event').select('id').where('aggregate_id', 'in', ['held1', 'held2']).execute()).toEqual([]);
  });

  it.runIf(onPostgres)('relays an event whose transaction commits after later ones, neither skipped nor twice', async () => {
    const r = recorder();
    await relayAll(r.handlers);
    r.seen.length = 0;
    // The late transaction writes first (so it holds the older transaction id) and commits last.
    let wrote!: () => void;
    let release!: () => void;
    const written = new Promise<void>((ok) => (wrote = ok));
    const held = new Promise<void>((ok) => (release = ok));
    const late = db.transaction().execute(async (tx) => {
      await emitAll(tx, [{ type: 'test.event', aggregateId: 'late', payload: {} }]);
      wrote();
      await held;
    });
    await written;
    await write(['e1', 'e2']);
    // A round under way (batch of one) while the late transaction is open, then it commits mid-round.
    expect(await drainOutbox(db, r.handlers, 1)).toBe(1);
    release();
    await late;
    expect(await relayAll(r.handlers, 1)).toEqual([1, 1]);
    expect(r.seen).toEqual(['e1', 'e2', 'late']);
  });

  it.runIf(onPostgres)('an event a handler writes is relayed next round, even when later transactions commit during the round', async () => {
    // A reaction's event is written in the relay's own transaction: the round must not count that
    // transaction as finished, though other transactions that began after it have committed.
    const seen: string[] = [];
    const handlers = new EventHandlers();
    handlers.onBatch(async (tx, events) => {
      seen.push(...events.map((e) => e.aggregateId!));
      const reactions = events.filter((e) => e.type === 'test.event').map((e) => ({ type: 'test.reaction', aggregateId: `${e.aggregateId}-reaction`, payload: {} }));
      await emitAll(tx, reactions);
    });
    await relayAll(handlers);
    seen.length = 0;
    let busy = true;
    const others = Array.from({ length: 3 }, async () => {
      while (busy) await db.transaction().execute((tx) => sql`SELECT pg_current_xact_id()`.execute(tx));
    });
    const names = Array.from({ length: 40 }, (_, i) => `r${i}`);
    for (const n of names) {
      await write([n]);
      await drainOutbox(db, handlers);
    }
    busy = false;
    await Promise.all(others);
    await relayAll(handlers);
    expect(seen.filter((n) => n.endsWith('-reaction')).sort()).toEqual(names.map((n) => `${n}-reaction`).sort());
  });

  it.runIf(onPostgres)('relays run by several servers at once hand each event on exactly once', async () => {
    const r = recorder();
    await relayAll(r.handlers);
    r.seen.length = 0;
    const names = Array.from({ length: 1200 }, (_, i) => `f${String(i).padStart(4, '0')}`);
    // Written by 12 transactions at once while 4 relays run side by side.
    let writing = true;
    const writers = Promise.all(Array.from({ length: 12 }, (_, w) => write(names.filter((_, i) => i % 12 === w)))).finally(() => (writing = false));
    await Promise.all([
      writers,
      ...Array.from({ length: 4 }, async () => {
        do await drainOutbox(db, r.handlers, 50);
        while (writing);
      }),
    ]);
    await relayAll(r.handlers, 50);
    expect(r.seen).toHaveLength(names.length);
    expect([...r.seen].sort()).toEqual(names);
  });
});
