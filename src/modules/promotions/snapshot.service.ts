import { tables, type Executor } from '../../platform/db.js';
import type { PromotionsTables } from './promotions.tables.js';
import { buildSnapshot, type PromotionSnapshot } from './snapshot.js';
import { toPromotion } from './promotions.service.js';

/**
 * The per-process snapshots of active promotions, by version stamp. The one-row promotion_version
 * gets a new random stamp in every transaction that changes a promotion, so a stamp names one
 * committed state: a rolled-back change never aliases a committed one, and snapshots of different
 * databases in one process never mix. The last KEEP built are kept; a load in flight is shared by
 * the callers that arrive meanwhile.
 */
const ready = new Map<string, PromotionSnapshot>();
const loading = new Map<string, Promise<PromotionSnapshot>>();
const KEEP = 8;
let latest: PromotionSnapshot | null = null;

const q = (db: Executor) => tables<PromotionsTables>(db);

async function load(db: Executor, stamp: string): Promise<PromotionSnapshot> {
  const rows = await q(db)
    .selectFrom('promotion')
    .selectAll()
    .where('status', '=', 'active')
    .where((e) => e.or([e('ends_at', 'is', null), e('ends_at', '>', new Date())]))
    .execute();
  return buildSnapshot(rows.map(toPromotion), stamp);
}

/** Keeps a built snapshot as the latest and by its stamp, dropping the oldest beyond KEEP. */
function keep(built: PromotionSnapshot): PromotionSnapshot {
  latest = built;
  ready.set(built.stamp, built);
  if (ready.size > KEEP) ready.delete(ready.keys().next().value!);
  return built;
}

/**
 * The snapshot of the state named by `stamp` (just read from promotion_version). One built inside
 * a transaction is kept too (cart changes price in theirs): it holds that state or a later one, and
 * a stamp written by a transaction that rolls back is never read again.
 */
export async function snapshotFor(db: Executor, stamp: string): Promise<PromotionSnapshot> {
  const built = ready.get(stamp);
  if (built) return built;
  // A transaction never waits on a load running outside it: that load may be queued behind this
  // very transaction for a connection (the embedded database has one, a pool can run dry).
  if (db.isTransaction) return keep(await load(db, stamp));
  let snap = loading.get(stamp);
  if (!snap) {
    // Kept once built; a failed load is forgotten, so the next call retries.
    snap = load(db, stamp)
      .then(keep)
      .finally(() => loading.delete(stamp));
    loading.set(stamp, snap);
  }
  return snap;
}

/** The snapshot built last, a guess to check against the stamp (null before the first pricing). */
export function latestSnapshot(): PromotionSnapshot | null {
  return latest;
}
