import { inTx, sql, tables, type Executor, type Tx } from '../../platform/db.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import type { CouponsTables } from './coupons.tables.js';
import { toBatch, type CouponBatch } from './coupons.types.js';
import { normalizeCode, PREFIX_PATTERN, randomCodes } from './codes.js';
import { getTemplateRow } from './templates.service.js';
import { allOrNothing } from './savepoint.js';

const q = (db: Executor) => tables<CouponsTables>(db);

export const MAX_BATCH = 1_000_000;
/** Codes per INSERT: one text[] parameter, so the statement size, not a parameter cap, sets it. */
const CHUNK = 50_000;
const SEQ_DIGITS = 7;

/**
 * Makes `count` unique single-use codes for a unique_codes template, in the request and in one
 * transaction: a million take seconds on PostgreSQL, and a failed batch leaves nothing behind.
 * Codes go in as large INSERT … SELECT FROM unnest($codes) chunks.
 */
export async function generateBatch(ctx: Ctx, templateId: string, input: { count: number; prefix?: string | null }): Promise<CouponBatch> {
  const prefix = input.prefix ? normalizeCode(input.prefix) : '';
  if (prefix && !PREFIX_PATTERN.test(prefix)) throw invalid('prefix', 'a prefix is 1 to 8 of the code symbols 2-9 and A-Z without I, L, O, U');
  if (!Number.isInteger(input.count) || input.count < 1 || input.count > MAX_BATCH) throw invalid('count', `between 1 and ${MAX_BATCH} codes per batch`);
  return inTx(ctx.db, async (tx) => {
    const t = await sql<{ id: string }>`
      UPDATE coupon_template SET issued = issued + ${input.count}, updated_at = now()
       WHERE id = ${templateId} AND kind = 'unique_codes' AND status = 'active'
         AND (total_limit IS NULL OR issued + ${input.count} <= total_limit)
   RETURNING id`.execute(tx);
    if (!t.rows.length) await explainNoBatch(tx, templateId, input.count);
    const batchId = newId('cpb');
    const batch = await q(tx)
      .insertInto('coupon_batch')
      .values({ id: batchId, template_id: templateId, prefix, count: input.count, created_by: ctx.actor.id })
      .returningAll()
      .executeTakeFirstOrThrow();
    const { base } = batchIdRange(batchId);
    let made = 0;
    let seq = 0;
    while (made < input.count) {
      const codes = randomCodes(Math.min(CHUNK, input.count - made), prefix);
      made += await insertCodes(tx, { codes, seq, idBase: base, templateId, batchId });
      seq += codes.length;
    }
    await emit(tx, 'coupon_batch.generated', batchId, { id: batchId, templateId, count: input.count, prefix });
    return toBatch(batch);
  });
}

/**
 * A batch's coupon ids are its own (time-sortable) id plus a zero-padded sequence number, so they
 * lie in one contiguous range of the primary key: the export walks that range and needs no index
 * of its own.
 */
function batchIdRange(batchId: string) {
  const base = `cpn_${batchId.slice(4)}`;
  return { base, at: (seq: number) => base + String(seq).padStart(SEQ_DIGITS, '0'), end: `${base}~` }; // '~' sorts after every digit
}

/**
 * Inserts one chunk and returns how many codes went in. The plain INSERT is the fast path; a code
 * already taken (about one chance in ten million per chunk) rolls back to the savepoint and the
 * chunk goes again skipping taken codes, the caller making up the shortfall with fresh ones.
 */
async function insertCodes(tx: Tx, c: { codes: string[]; seq: number; idBase: string; templateId: string; batchId: string }): Promise<number> {
  // Codes are plain letters and digits, so the array literal needs no quoting: cheaper than a JS array parameter.
  const literal = `{${c.codes.join(',')}}`;
  // Sorted by code, and numbered in that order, both unique indexes are filled sequentially
  // rather than at random places (half the time of inserting in generation order).
  const insert = (onConflict: boolean) => sql`
    INSERT INTO coupon (id, code, template_id, batch_id, source, max_uses)
    SELECT ${c.idBase} || lpad((${c.seq}::int + row_number() OVER (ORDER BY code COLLATE "C"))::text, ${SEQ_DIGITS}, '0'),
           code, ${c.templateId}, ${c.batchId}, 'batch', 1
      FROM unnest(${literal}::text[]) AS u(code)
     ORDER BY code COLLATE "C"
    ${onConflict ? sql`ON CONFLICT (code) DO NOTHING` : sql``}`.execute(tx);
  try {
    return Number((await allOrNothing(tx, () => insert(false))).numAffectedRows ?? 0n);
  } catch (err) {
    if ((err as { code?: string }).code !== '23505') throw err;
    return Number((await insert(true)).numAffectedRows ?? 0n);
  }
}

async function explainNoBatch(db: Executor, templateId: string, count: number): Promise<never> {
  const t = await getTemplateRow(db, templateId);
  if (t.kind !== 'unique_codes') throw invalid('id', `template ${templateId} is ${t.kind}; batches of codes are for unique_codes templates`);
  if (t.status !== 'active') throw new AppError('coupon_inactive', 'the template is archived', { field: 'id' });
  throw invalid('count', `the template's total limit allows ${t.total_limit! - t.issued} more codes, not ${count}`);
}

export async function getBatch(ctx: Ctx, id: string): Promise<CouponBatch> {
  const row = await q(ctx.db).selectFrom('coupon_batch').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('coupon batch', id, 'id');
  return toBatch(row);
}

export async function listBatches(ctx: Ctx, templateId: string): Promise<CouponBatch[]> {
  await getTemplateRow(ctx.db, templateId);
  const rows = await q(ctx.db).selectFrom('coupon_batch').selectAll().where('template_id', '=', templateId).orderBy('id', 'desc').execute();
  return rows.map(toBatch);
}

const EXPORT_PAGE = 20_000;

/**
 * The batch's codes as CSV lines, read page by page as slices of its sequence numbers: each page
 * is a bounded range of the primary key (cheap whatever the planner's statistics say right after
 * a million-row insert), memory stays flat, and the first bytes go out before the last page is read.
 */
export async function* batchCodesCsv(ctx: Ctx, batchId: string): AsyncGenerator<string> {
  yield 'code,status\n';
  const ids = batchIdRange(batchId);
  const last = await q(ctx.db).selectFrom('coupon').select((eb) => eb.fn.max('id').as('id')).where('id', '>', ids.base).where('id', '<', ids.end).executeTakeFirst();
  if (!last?.id) return;
  const lastSeq = Number(last.id.slice(ids.base.length));
  for (let from = 0; from <= lastSeq; from += EXPORT_PAGE) {
    const rows = await q(ctx.db)
      .selectFrom('coupon')
      .select(['code', 'uses'])
      .where('id', '>=', ids.at(from))
      .where('id', '<', ids.at(from + EXPORT_PAGE))
      .where('batch_id', '=', batchId)
      .orderBy('id')
      .execute();
    let chunk = '';
    for (const r of rows) chunk += r.uses > 0 ? `${r.code},used\n` : `${r.code},available\n`;
    if (chunk) yield chunk;
  }
}
