import { describe, expect, it } from 'vitest';
import { START, advance, decodeCursor, encodeCursor } from './events-cursor.js';

const row = (xid: number, id: string) => ({ xid: BigInt(xid), id });

describe('events cursor', () => {
  it('remembers the transactions running below the last event listed, and only those', () => {
    const c = advance(START, '100:120:101,105,119', [row(98, 'evt_a'), row(110, 'evt_b')], false);
    expect(c.at).toEqual(row(110, 'evt_b'));
    expect(c.pending).toEqual([{ xid: 101n, after: '' }, { xid: 105n, after: '' }]);
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
  });

  it('forgets a pending transaction once it has ended and its events were listed', () => {
    const c = { at: row(110, 'evt_b'), pending: [{ xid: 101n, after: '' }, { xid: 105n, after: '' }] };
    const next = advance(c, '105:130:105', [row(101, 'evt_x'), row(112, 'evt_c')], false);
    expect(next).toEqual({ at: row(112, 'evt_c'), pending: [{ xid: 105n, after: '' }] });
  });

  it('keeps the place inside a pending transaction a full page cut short', () => {
    const c = { at: row(110, 'evt_b'), pending: [{ xid: 101n, after: '' }, { xid: 105n, after: '' }] };
    const next = advance(c, '130:130:', [row(101, 'evt_x'), row(105, 'evt_y')], true);
    expect(next).toEqual({ at: row(110, 'evt_b'), pending: [{ xid: 105n, after: 'evt_y' }] });
  });

  it('refuses a cursor it did not hand out, naming the field', () => {
    for (const bad of ['cur_bm90IGEgY3Vyc29y', 'cur_' + Buffer.from('["x","evt",[]]').toString('base64url')]) {
      expect(() => decodeCursor(bad)).toThrow(expect.objectContaining({ code: 'validation_failed', details: { field: 'after' } }));
    }
  });
});
