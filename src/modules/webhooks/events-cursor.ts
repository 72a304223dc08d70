import { z } from 'zod';
import { invalid } from '../../platform/errors.js';

/**
 * Where a reader of the events API stands. Events are listed in (xid, id) order, but a
 * transaction commits when it ends, not in xid order: when a page is read, transactions still
 * running below its last event may yet commit events that sort before it. The cursor names them,
 * so the next read lists their events once they are visible and the reader never passes over one.
 */
export interface EventCursor {
  /** Every event at or before this (xid, id) has been listed, except those of `pending`. */
  at: { xid: bigint; id: string };
  /** Transactions below `at` that were running at the last read, each with the last id listed of it ('' for none). */
  pending: Array<{ xid: bigint; after: string }>;
}

export const START: EventCursor = { at: { xid: 0n, id: '' }, pending: [] };

const PREFIX = 'cur_';
const digits = z.string().regex(/^\d{1,20}$/);
const wire = z.tuple([digits, z.string().max(100), z.array(z.tuple([digits, z.string().max(100)])).max(10_000)]);

export function encodeCursor(c: EventCursor): string {
  const body = [String(c.at.xid), c.at.id, c.pending.map((p) => [String(p.xid), p.after])];
  return PREFIX + Buffer.from(JSON.stringify(body)).toString('base64url');
}

export function isCursorToken(s: string): boolean {
  return s.startsWith(PREFIX);
}

export function decodeCursor(token: string): EventCursor {
  let parsed: z.infer<typeof wire>;
  try {
    parsed = wire.parse(JSON.parse(Buffer.from(token.slice(PREFIX.length), 'base64url').toString('utf8')));
  } catch {
    throw invalid('after', 'after is not a cursor this API handed out: pass the `next` of a page, or an event id');
  }
  const [xid, id, pending] = parsed;
  return { at: { xid: BigInt(xid), id }, pending: pending.map(([x, after]) => ({ xid: BigInt(x), after })) };
}

/**
 * The cursor after a page read under `snapshot` (pg_snapshot text, `xmin:xmax:xip,…`). Pending
 * transactions sort before `at`, so a page lists their events first; `full` says the page was cut
 * at its limit.
 */
export function advance(c: EventCursor, snapshot: string, rows: Array<{ xid: bigint; id: string }>, full: boolean): EventCursor {
  const running = new Set((snapshot.split(':')[2] ?? '').split(',').filter(Boolean).map(BigInt));
  const known = new Set(c.pending.map((p) => p.xid));
  const last = rows.at(-1);
  const at = last && !known.has(last.xid) ? last : c.at;
  // A page cut inside the pending transactions' events leaves the rest of them, from there on, to list.
  const cutAt = full && last && known.has(last.xid) ? last.xid : null;
  const listed = new Map(rows.filter((r) => known.has(r.xid)).map((r) => [r.xid, r.id]));
  const pending = c.pending.flatMap((p) => {
    if (running.has(p.xid)) return [p];
    if (cutAt !== null && p.xid >= cutAt) return [{ xid: p.xid, after: listed.get(p.xid) ?? p.after }];
    return [];
  });
  for (const xid of running) if (xid < at.xid && !known.has(xid)) pending.push({ xid, after: '' });
  pending.sort((a, b) => (a.xid < b.xid ? -1 : a.xid > b.xid ? 1 : 0));
  return { at: { xid: at.xid, id: at.id }, pending };
}
