import type { ColumnType, Generated } from 'kysely';

/** jsonb read as an object, written as JSON text (the same on PGlite and node-postgres). */
type Json<T> = ColumnType<T, string | undefined, string>;

export type ChannelKind = 'web' | 'app' | 'mini_program' | 'marketplace' | 'social' | 'pos' | 'locker';
export type ProductStatus = 'draft' | 'active' | 'archived';
export type ProductType = 'physical' | 'service';

export interface CatalogTables {
  channel: {
    id: string;
    code: string;
    name: string;
    kind: ChannelKind;
    currency: string;
    active: Generated<boolean>;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  category: {
    id: string;
    parent_id: string | null;
    name: string;
    slug: string;
    position: Generated<number>;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  product: {
    id: string;
    title: string;
    description: Generated<string>;
    category_id: string | null;
    status: Generated<ProductStatus>;
    type: Generated<ProductType>;
    attributes: Json<Record<string, unknown>>;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  product_media: { id: string; product_id: string; url: string; alt: Generated<string>; position: Generated<number> };
  variant: {
    id: string;
    product_id: string;
    sku: string;
    barcode: string | null;
    title: string;
    options: Json<Record<string, string>>;
    position: Generated<number>;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  variant_price: { variant_id: string; currency: string; amount: number };
  channel_price: { channel_id: string; variant_id: string; currency: string; amount: number };
  channel_listing: { channel_id: string; variant_id: string; product_id: string; created_at: Generated<Date> };
}
