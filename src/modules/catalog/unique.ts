import { AppError } from '../../platform/errors.js';

/** Unique constraints a concurrent writer can still hit after our checks, and the error each means. */
const CONSTRAINTS: Record<string, { code: string; field: string; message: string }> = {
  channel_code_key: { code: 'code_taken', field: 'code', message: 'another channel has this code' },
  category_slug_key: { code: 'slug_taken', field: 'slug', message: 'another category has this slug' },
  variant_sku_key: { code: 'sku_taken', field: 'sku', message: 'another variant has this SKU' },
  variant_barcode_key: { code: 'barcode_taken', field: 'barcode', message: 'another variant has this barcode' },
};

/** Turns a unique violation of a known constraint into its AppError; anything else is rethrown. */
export function rethrowUnique(err: unknown): never {
  const e = err as { code?: string; constraint?: string };
  const known = e?.code === '23505' && e.constraint ? CONSTRAINTS[e.constraint] : undefined;
  if (known) throw new AppError(known.code, known.message, { field: known.field });
  throw err;
}
