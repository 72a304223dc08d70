import type { Executor } from '../../platform/db.js';
import { catalogStamp } from './catalog-stamp.js';

/**
 * Storefront pages kept in memory as the JSON they are sent as, each with the catalog stamp it
 * was built at. Serving one costs the stamp's read (catalog-stamp.ts) instead of the three
 * queries that build it and the encoding; a page built before the last committed change is built again.
 */

const MAX_PAGES = 2000;

interface Entry {
  stamp: string;
  json: string;
}

/** Per database, so servers (or tests) sharing a process never see each other's pages. */
const caches = new WeakMap<object, Map<string, Entry>>();

export async function cachedPage(db: Executor, key: string, build: () => Promise<unknown>): Promise<string> {
  const stamp = await catalogStamp(db, null);
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  const hit = cache.get(key);
  if (hit && hit.stamp === stamp) return hit.json;
  const json = JSON.stringify(await build());
  cache.delete(key);
  cache.set(key, { stamp, json });
  // Oldest first in a Map's order: drop the page least recently built.
  if (cache.size > MAX_PAGES) cache.delete(cache.keys().next().value!);
  return json;
}
