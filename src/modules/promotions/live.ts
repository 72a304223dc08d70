import { statementsCompleted, type AnyDb, type Executor } from '../../platform/db.js';
import { sharedRead } from '../../platform/shared-read.js';
import { follow, type Follower } from '../../platform/follow.js';
import type { UsageCounters } from './promotion.types.js';

/**
 * What a cart price needs from the database besides the snapshot: the version stamp of the
 * promotions and the live counters of every limited one, followed by notification
 * (migration 1700) so a price needs no round trip. Per-customer uses are not followed: a cart of
 * an identified customer that may use a promotion limited per customer reads them.
 */
export interface LivePromotions {
  stamp: string;
  /** Counters of the promotions with a usage limit or a budget (customerUsed is not followed). */
  counters: UsageCounters;
}

interface Following {
  follower: Follower<LivePromotions>;
  /** Statements of this process known to be covered by the followed state (see livePromotions). */
  covered: number;
}

const following = new WeakMap<AnyDb, Following>();

/** One fence for every pricing that asked while the previous one was in flight. */
const fence = sharedRead<null, boolean>((db) => following.get(db as AnyDb)!.follower.fence());

/** Starts following the promotions of the PostgreSQL database at `url`, which `db` queries. */
export function followPromotions(db: AnyDb, url: string, onLost?: (err: unknown) => void): Follower<LivePromotions> {
  const f = follow<LivePromotions>(url, {
    channels: ['promotion_version', 'promotion_counters'],
    onLost,
    async load(client) {
      const { rows } = await client.query<{ stamp: string; counters: Array<[string, number, number]> | null }>(`
        SELECT v.stamp,
          (SELECT json_agg(json_build_array(p.id, p.used, p.spent)) FROM promotion p
            WHERE p.usage_limit IS NOT NULL OR p.budget IS NOT NULL) AS counters
        FROM promotion_version v WHERE v.id = 1`);
      const counters: UsageCounters = new Map((rows[0].counters ?? []).map(([id, used, spent]) => [id, { used, spent: Number(spent), customerUsed: 0 }]));
      return { stamp: rows[0].stamp, counters };
    },
    apply(state, channel, payload) {
      if (channel === 'promotion_version') {
        state.stamp = payload;
        return;
      }
      const [id, used, spent] = payload.split(' ');
      state.counters.set(id, { used: Number(used), spent: Number(spent), customerUsed: 0 });
    },
  });
  following.set(db, { follower: f, covered: 0 });
  return f;
}

/**
 * The followed state for a pricing on `db`, or null where it must read instead: inside a
 * transaction (which must see its own writes), on the embedded database, or while the
 * notification connection is down. Once this process has completed a statement since the last
 * fence (it may have changed a promotion or a counter), the state is fenced first, so a change
 * this process answered for shows in its next price. Another server's change shows one
 * notification delivery after its commit.
 */
export async function livePromotions(db: Executor): Promise<LivePromotions | null> {
  if (db.isTransaction) return null;
  const f = following.get(db as AnyDb);
  if (!f?.follower.current()) return null;
  const done = statementsCompleted(db as AnyDb);
  if (done > f.covered) {
    if (!(await fence(db, null))) return null;
    f.covered = Math.max(f.covered, done);
  }
  return f.follower.current();
}
