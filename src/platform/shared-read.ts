import type { Executor } from './db.js';

/**
 * One read shared by every caller that asked for it while the previous one was in flight.
 *
 * Hot requests (a storefront page, a cart price) each need a small read that must not be older than
 * the request: a version stamp, a few live counters. A read that *starts* after a caller asked sees
 * every change committed before it asked, so callers that arrive while a read is running wait for the
 * next one and share it: under load a server sends one read per round trip instead of one per
 * request, and a lone request still runs at once. Each caller passes a key (what it needs read); the
 * shared read gets the keys of everyone it serves.
 *
 * Inside a transaction a read must see that transaction's own writes, so it runs alone there.
 */
export function sharedRead<K, R>(read: (db: Executor, keys: K[]) => Promise<R>): (db: Executor, key: K) => Promise<R> {
  interface Batch {
    keys: K[];
    done: Promise<R>;
    resolve(r: R): void;
    reject(err: unknown): void;
  }
  interface State {
    running: boolean;
    next: Batch | null;
  }
  // Per database, so servers (or tests) sharing a process never share a read.
  const states = new WeakMap<Executor, State>();

  const run = async (db: Executor, state: State): Promise<void> => {
    state.running = true;
    while (state.next) {
      const batch = state.next;
      state.next = null;
      try {
        batch.resolve(await read(db, batch.keys));
      } catch (err) {
        batch.reject(err);
      }
    }
    state.running = false;
  };

  return (db, key) => {
    if (db.isTransaction) return read(db, [key]);
    let state = states.get(db);
    if (!state) states.set(db, (state = { running: false, next: null }));
    let batch = state.next;
    if (!batch) {
      let resolve!: (r: R) => void;
      let reject!: (err: unknown) => void;
      const done = new Promise<R>((res, rej) => ((resolve = res), (reject = rej)));
      batch = state.next = { keys: [], done, resolve, reject };
    }
    batch.keys.push(key);
    if (!state.running) void run(db, state);
    return batch.done;
  };
}
