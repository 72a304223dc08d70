import { PREPARED, sql } from '../../platform/db.js';
import { sharedRead } from '../../platform/shared-read.js';

/**
 * The stamp as a column of another module's statement (`${CATALOG_STAMP} AS catalog_stamp`): a
 * request that writes anyway reads it in that statement instead of a round trip of its own.
 */
export const CATALOG_STAMP = sql<string>`(SELECT stamp FROM catalog_version WHERE id = 1)`;

/**
 * The catalog's stamp: drawn anew by every statement that changes a channel, category, product,
 * media, variant, price or listing (triggers on those tables), never reused, even after a
 * rollback. What a server keeps in memory is kept by the stamp it was read at and used while the
 * stamp is unchanged. One primary-key read, shared by the callers that arrive while one is in flight.
 */
export const catalogStamp = sharedRead(async (db) => {
  const { rows } = await sql<{ stamp: string }>`${PREPARED}SELECT ${CATALOG_STAMP} AS stamp`.execute(db);
  return rows[0].stamp;
});
