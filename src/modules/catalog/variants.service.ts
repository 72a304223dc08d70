import { inTx, tables, type Executor } from '../../platform/db.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import type { CatalogTables, ProductType } from './catalog.tables.js';
import { validatePrices, writePrices, type NewPrice } from './prices.service.js';
import { rethrowUnique } from './unique.js';

/** A variant as other modules see it: enough to sell, scan, stock or book it. */
export interface Variant {
  id: string;
  productId: string;
  sku: string;
  barcode: string | null;
  title: string;
  productTitle: string;
  productType: ProductType;
  /** The product's category, which promotions may be limited to. */
  categoryId: string | null;
  options: Record<string, string>;
}

export interface NewVariant {
  sku: string;
  barcode?: string | null;
  title?: string;
  options?: Record<string, string>;
  prices?: NewPrice[];
}

export interface VariantChanges {
  sku?: string;
  barcode?: string | null;
  title?: string;
  options?: Record<string, string>;
  position?: number;
}

const q = (db: Executor) => tables<CatalogTables>(db);

/** Joins the parts of a field path that are set: ('variants', 0, 'sku') → variants.0.sku. */
const fieldPath = (...parts: Array<string | number | undefined>) => parts.filter((p) => p !== '' && p !== undefined).join('.');

/** "Red / M" from {color: Red, size: M}; a variant without options is the product's "Default". */
const titleFromOptions = (options: Record<string, string>) => Object.values(options).join(' / ') || 'Default';

/** SKUs and barcodes must be unique in the request and in the catalog; `field` names where each sits ('' = top level). */
async function assertCodesFree(db: Executor, items: Array<{ sku?: string; barcode?: string | null; field: string; exceptId?: string }>): Promise<void> {
  for (const kind of ['sku', 'barcode'] as const) {
    const seen = new Map<string, string>();
    for (const it of items) {
      const code = it[kind];
      if (!code) continue;
      if (seen.has(code)) throw new AppError(`${kind}_taken`, `${kind} ${code} appears twice`, { field: fieldPath(it.field, kind) });
      seen.set(code, it.field);
    }
    if (!seen.size) continue;
    const taken = await q(db).selectFrom('variant').select(['id', kind]).where(kind, 'in', [...seen.keys()]).execute();
    const clash = taken.find((r) => !items.some((it) => it.exceptId === r.id && it[kind] === r[kind]));
    if (clash) throw new AppError(`${kind}_taken`, `another variant has ${kind} ${clash[kind]}`, { field: fieldPath(seen.get(clash[kind]!), kind) });
  }
}

/**
 * Inserts variants (with their prices) under a product, in the caller's transaction; validates all of
 * them before writing any. `field` is where the list sits in the request, e.g. `variants`.
 */
export async function insertVariants(tx: Executor, productId: string, variants: NewVariant[], field: string, firstPosition = 0): Promise<string[]> {
  // A single variant added on its own sits at the top of the request: its fields are `sku`, `prices`.
  const at = (i: number) => (field ? fieldPath(field, i) : '');
  await assertCodesFree(tx, variants.map((v, i) => ({ sku: v.sku, barcode: v.barcode, field: at(i) })));
  for (const [i, v] of variants.entries()) await validatePrices(tx, v.prices ?? [], fieldPath(at(i), 'prices'));
  const ids: string[] = [];
  for (const [i, v] of variants.entries()) {
    const id = newId('var');
    const options = v.options ?? {};
    await q(tx)
      .insertInto('variant')
      .values({ id, product_id: productId, sku: v.sku, barcode: v.barcode ?? null, title: v.title ?? titleFromOptions(options), options: JSON.stringify(options), position: firstPosition + i })
      .execute()
      .catch(rethrowUnique);
    await writePrices(tx, id, v.prices ?? []);
    ids.push(id);
  }
  return ids;
}

/** Adds one variant to an existing product; returns its id. */
export async function addVariant(ctx: Ctx, productId: string, input: NewVariant): Promise<string> {
  return inTx(ctx.db, async (tx) => {
    const product = await q(tx).selectFrom('product').select('id').where('id', '=', productId).forUpdate().executeTakeFirst();
    if (!product) throw notFound('product', productId, 'id');
    const last = await q(tx).selectFrom('variant').select((e) => e.fn.max('position').as('p')).where('product_id', '=', productId).executeTakeFirst();
    const [id] = await insertVariants(tx, productId, [input], '', last?.p == null ? 0 : Number(last.p) + 1);
    await emit(tx, 'variant.created', id, { id, productId, sku: input.sku });
    return id;
  });
}

/** Changes a variant's codes, title, options or position; returns its product's id. */
export async function updateVariant(ctx: Ctx, id: string, changes: VariantChanges): Promise<string> {
  return inTx(ctx.db, async (tx) => {
    await assertCodesFree(tx, [{ sku: changes.sku, barcode: changes.barcode, field: '', exceptId: id }]);
    const row = await q(tx)
      .updateTable('variant')
      .set({
        ...(changes.sku !== undefined ? { sku: changes.sku } : {}),
        ...(changes.barcode !== undefined ? { barcode: changes.barcode } : {}),
        ...(changes.title !== undefined ? { title: changes.title } : {}),
        ...(changes.options !== undefined ? { options: JSON.stringify(changes.options) } : {}),
        ...(changes.position !== undefined ? { position: changes.position } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .returning(['id', 'product_id'])
      .executeTakeFirst()
      .catch(rethrowUnique);
    if (!row) throw notFound('variant', id, 'id');
    await emit(tx, 'variant.updated', id, { id, productId: row.product_id, changes });
    return row.product_id;
  });
}

function variantQuery(db: Executor) {
  return q(db)
    .selectFrom('variant as v')
    .innerJoin('product as p', 'p.id', 'v.product_id')
    .select(['v.id', 'v.product_id', 'v.sku', 'v.barcode', 'v.title', 'v.options', 'p.title as product_title', 'p.type as product_type', 'p.category_id']);
}

type VariantRow = Awaited<ReturnType<ReturnType<typeof variantQuery>['executeTakeFirstOrThrow']>>;

const toVariant = (r: VariantRow): Variant => ({
  id: r.id,
  productId: r.product_id,
  sku: r.sku,
  barcode: r.barcode,
  title: r.title,
  productTitle: r.product_title,
  productType: r.product_type,
  categoryId: r.category_id,
  options: r.options,
});

/** The variants with these ids, in the order asked; ids that are no variant are left out. */
export async function getVariants(ctx: Ctx, ids: string[]): Promise<Variant[]> {
  if (!ids.length) return [];
  const rows = await variantQuery(ctx.db).where('v.id', 'in', [...new Set(ids)]).execute();
  const byId = new Map(rows.map((r) => [r.id, toVariant(r)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** The variant a scanned or typed code stands for: its SKU, else its barcode. */
export async function findVariantByCode(ctx: Ctx, code: string): Promise<Variant | null> {
  const rows = await variantQuery(ctx.db).where((e) => e.or([e('v.sku', '=', code), e('v.barcode', '=', code)])).execute();
  const row = rows.find((r) => r.sku === code) ?? rows[0];
  return row ? toVariant(row) : null;
}
