import { sql, type Selectable } from 'kysely';
import { inTx, tables, type Executor } from '../../platform/db.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import type { CatalogTables } from './catalog.tables.js';
import { rethrowUnique } from './unique.js';

export interface Category {
  id: string;
  parentId: string | null;
  name: string;
  slug: string;
  position: number;
  createdAt: string;
  updatedAt: string;
}

export interface NewCategory {
  parentId?: string | null;
  name: string;
  slug: string;
  position?: number;
}

const q = (db: Executor) => tables<CatalogTables>(db);

const toCategory = (r: Selectable<CatalogTables['category']>): Category => ({
  id: r.id,
  parentId: r.parent_id,
  name: r.name,
  slug: r.slug,
  position: r.position,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

/** SQL for the ids of a category and all its subcategories, for `category_id IN (...)`. */
export const categoryAndDescendants = (categoryId: string) => sql`
  WITH RECURSIVE sub AS (
    SELECT id FROM category WHERE id = ${categoryId}
    UNION ALL SELECT c.id FROM category c JOIN sub ON c.parent_id = sub.id
  ) SELECT id FROM sub`;

export async function assertCategoryExists(db: Executor, id: string, field: string): Promise<void> {
  const row = await q(db).selectFrom('category').select('id').where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('category', id, field);
}

async function assertSlugFree(db: Executor, slug: string, exceptId?: string): Promise<void> {
  let query = q(db).selectFrom('category').select('id').where('slug', '=', slug);
  if (exceptId) query = query.where('id', '<>', exceptId);
  if (await query.executeTakeFirst()) throw new AppError('slug_taken', `another category has the slug ${slug}`, { field: 'slug' });
}

export async function createCategory(ctx: Ctx, input: NewCategory): Promise<Category> {
  return inTx(ctx.db, async (tx) => {
    if (input.parentId) await assertCategoryExists(tx, input.parentId, 'parentId');
    await assertSlugFree(tx, input.slug);
    const row = await q(tx)
      .insertInto('category')
      .values({ id: newId('cat'), parent_id: input.parentId ?? null, name: input.name, slug: input.slug, position: input.position ?? 0 })
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch(rethrowUnique);
    await emit(tx, 'category.created', row.id, { id: row.id, parentId: row.parent_id, slug: row.slug });
    return toCategory(row);
  });
}

export async function updateCategory(ctx: Ctx, id: string, changes: Partial<NewCategory>): Promise<Category> {
  return inTx(ctx.db, async (tx) => {
    if (changes.parentId) {
      await assertCategoryExists(tx, changes.parentId, 'parentId');
      // A category may not move under itself or one of its descendants: that would make a loop.
      const loop = await sql<{ id: string }>`
        WITH RECURSIVE up AS (
          SELECT id, parent_id FROM category WHERE id = ${changes.parentId}
          UNION ALL SELECT c.id, c.parent_id FROM category c JOIN up ON c.id = up.parent_id
        ) SELECT id FROM up WHERE id = ${id}`.execute(tx);
      if (loop.rows.length) throw new AppError('validation_failed', 'a category cannot sit under itself or its own subcategory', { field: 'parentId' });
    }
    if (changes.slug !== undefined) await assertSlugFree(tx, changes.slug, id);
    const row = await q(tx)
      .updateTable('category')
      .set({
        ...(changes.parentId !== undefined ? { parent_id: changes.parentId } : {}),
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.slug !== undefined ? { slug: changes.slug } : {}),
        ...(changes.position !== undefined ? { position: changes.position } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst()
      .catch(rethrowUnique);
    if (!row) throw notFound('category', id, 'id');
    await emit(tx, 'category.updated', id, { id, changes });
    return toCategory(row);
  });
}

export async function getCategory(ctx: Ctx, id: string): Promise<Category> {
  const row = await q(ctx.db).selectFrom('category').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('category', id, 'id');
  return toCategory(row);
}

/** Every category by position then name; clients build the tree from parentId (trees stay small). */
export async function listCategories(ctx: Ctx): Promise<Category[]> {
  const rows = await q(ctx.db).selectFrom('category').selectAll().orderBy('position').orderBy('name').orderBy('id').execute();
  return rows.map(toCategory);
}
