import { PREPARED, sql, type Executor } from '../../platform/db.js';
import { sharedRead } from '../../platform/shared-read.js';

/**
 * Storefront pages kept in memory as the JSON they are sent as, each with the catalog version it
 * was built at. Serving one costs a primary-key read of catalog_version (bumped by triggers on every
 * catalog table), shared by the requests that arrive while one is in flight, instead of the three
 * queries that build it and the encoding; a page built before the last committed change is built again.
 */

const MAX_PAGES = 2000;

interface Entry {
  version: string;
  json: string;
}

/** Per database, so servers (or tests) sharing a process never see each other's pages. */
const caches = new WeakMap<object, Map<string, Entry>>();

const catalogVersion = sharedRead(async (db) => {
  const { rows } = await sql<{ version: string }>`${PREPARED}SELECT version::text AS version FROM catalog_version WHERE id = 1`.execute(db);
  return rows[0].version;
});

export async function cachedPage(db: Executor, key: string, build: () => Promise<unknown>): Promise<string> {
  const version = await catalogVersion(db, null);
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  const hit = cache.get(key);
  if (hit && hit.version === version) return hit.json;
  const json = JSON.stringify(await build());
  cache.delete(key);
  cache.set(key, { version, json });
  // Oldest first in a Map's order: drop the page least recently built.
  if (cache.size > MAX_PAGES) cache.delete(cache.keys().next().value!);
  return json;
}
