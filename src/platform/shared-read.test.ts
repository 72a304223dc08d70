import { describe, expect, it } from 'vitest';
import { sharedRead } from './shared-read.js';
import type { Executor } from './db.js';

/** A read whose answers the test releases one at a time; each answer says which read it was and for whom. */
function controlledRead() {
  const calls: Array<{ keys: string[]; answer(): void; fail(err: Error): void }> = [];
  const read = sharedRead<string, { read: number; keys: string[] }>((_db, keys) =>
    new Promise((resolve, reject) => {
      const n = calls.length + 1;
      calls.push({ keys: [...keys], answer: () => resolve({ read: n, keys: [...keys] }), fail: reject });
    }),
  );
  return { read, calls };
}

const db = { isTransaction: false } as unknown as Executor;
const settle = () => new Promise((r) => setImmediate(r));

describe('sharedRead', () => {
  it('runs a lone request at once, and serves everyone who arrived during a read with one next read', async () => {
    const { read, calls } = controlledRead();
    const first = read(db, 'a');
    expect(calls.map((c) => c.keys)).toEqual([['a']]);
    const waiting = [read(db, 'b'), read(db, 'c'), read(db, 'd')];
    await settle();
    // Nothing more went out while the first read was in flight.
    expect(calls).toHaveLength(1);
    calls[0].answer();
    expect(await first).toEqual({ read: 1, keys: ['a'] });
    await settle();
    expect(calls.map((c) => c.keys)).toEqual([['a'], ['b', 'c', 'd']]);
    calls[1].answer();
    for (const w of waiting) expect(await w).toEqual({ read: 2, keys: ['b', 'c', 'd'] });
  });

  it('never answers a request with a read that started before it asked', async () => {
    const { read, calls } = controlledRead();
    const early = read(db, 'early');
    const late = read(db, 'late');
    calls[0].answer();
    expect((await early).read).toBe(1);
    await settle();
    calls[1].answer();
    expect((await late).read).toBe(2);
  });

  it('gives a failed read to the requests it served only, and the next ones read again', async () => {
    const { read, calls } = controlledRead();
    const failing = read(db, 'a');
    const next = read(db, 'b');
    calls[0].fail(new Error('connection lost'));
    await expect(failing).rejects.toThrow('connection lost');
    await settle();
    calls[1].answer();
    expect(await next).toEqual({ read: 2, keys: ['b'] });
  });

  it('keeps databases apart and reads alone inside a transaction', async () => {
    const { read, calls } = controlledRead();
    const other = { isTransaction: false } as unknown as Executor;
    const tx = { isTransaction: true } as unknown as Executor;
    void read(db, 'a');
    void read(other, 'b');
    void read(tx, 'c');
    void read(tx, 'd');
    expect(calls.map((c) => c.keys)).toEqual([['a'], ['b'], ['c'], ['d']]);
  });
});
