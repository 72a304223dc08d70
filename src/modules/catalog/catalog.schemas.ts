import { z } from 'zod';
import { amountSchema, currencySchema } from '../../platform/money.js';
import { CHANNEL_KINDS } from './channels.service.js';

/** Request and response shapes shared by the catalog routes; they are also the OpenAPI description. */

export const idParams = z.object({ id: z.string().describe('the resource id') });

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).describe('page size, 1 to 100'),
  cursor: z.string().optional().describe('nextCursor of the previous page'),
});

const slug = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9]+(?:[-_][a-z0-9]+)*$/, 'lowercase letters, digits, - and _');

export const channelSchema = z.object({
  id: z.string(),
  code: z.string().describe('unique slug, e.g. tmall-flagship'),
  name: z.string(),
  kind: z.enum(CHANNEL_KINDS),
  currency: z.string().describe('the currency the channel sells in'),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const newChannelSchema = z.object({
  code: slug.describe('unique slug, e.g. tmall-flagship'),
  name: z.string().min(1).max(200),
  kind: z.enum(CHANNEL_KINDS),
  currency: currencySchema.describe('the currency the channel sells in (ISO 4217)'),
  active: z.boolean().optional(),
});

export const categorySchema = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  name: z.string(),
  slug: z.string(),
  position: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const newCategorySchema = z.object({
  parentId: z.string().nullable().optional().describe('the parent category; none for a top-level one'),
  name: z.string().min(1).max(200),
  slug: slug,
  position: z.number().int().min(0).optional().describe('order among siblings'),
});

export const priceEntrySchema = z.object({
  currency: currencySchema,
  amount: amountSchema,
  channelId: z.string().nullable().describe('the channel of an explicit channel price; null for the default price'),
});

export const newPriceSchema = priceEntrySchema.extend({
  channelId: z.string().nullable().optional().describe('set for an explicit channel price; leave out for the default price'),
});

const optionsSchema = z.record(z.string().min(1).max(50), z.string().max(200)).describe('option values, e.g. {"size": "M", "color": "red"}');
const attributesSchema = z.record(z.string(), z.unknown()).describe('free-form product attributes');
const productStatus = z.enum(['draft', 'active', 'archived']);
const productType = z.enum(['physical', 'service']).describe('service products (e-vouchers, appointments) carry no stock');

export const mediaSchema = z.object({ url: z.string(), alt: z.string(), position: z.number().int() });
const newMediaSchema = z.object({
  url: z.string().url().max(2000),
  alt: z.string().max(500).optional(),
  position: z.number().int().min(0).optional().describe('display order; defaults to the list order'),
});

export const variantSchema = z.object({
  id: z.string(),
  sku: z.string(),
  barcode: z.string().nullable(),
  title: z.string(),
  options: z.record(z.string(), z.string()),
  position: z.number().int(),
  prices: z.array(priceEntrySchema),
});

const sku = z.string().min(1).max(100).regex(/^\S+$/, 'no spaces').describe('stock keeping unit, unique in the catalog');
const barcode = z.string().min(1).max(100).regex(/^\S+$/, 'no spaces').describe('EAN/UPC or any scannable code, unique in the catalog');

export const newVariantSchema = z.object({
  sku,
  barcode: barcode.nullable().optional(),
  title: z.string().min(1).max(200).optional().describe('defaults to the option values, e.g. "M / red"'),
  options: optionsSchema.optional(),
  prices: z.array(newPriceSchema).max(500).optional(),
});

export const variantChangesSchema = z.object({
  sku: sku.optional(),
  barcode: barcode.nullable().optional(),
  title: z.string().min(1).max(200).optional(),
  options: optionsSchema.optional(),
  position: z.number().int().min(0).optional(),
});

export const productSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  categoryId: z.string().nullable(),
  status: productStatus,
  type: productType,
  attributes: z.record(z.string(), z.unknown()),
  media: z.array(mediaSchema),
  variants: z.array(variantSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const newProductSchema = z.object({
  title: z.string().min(1).max(500),
  description: z.string().max(20000).optional(),
  categoryId: z.string().nullable().optional(),
  status: productStatus.optional().describe('draft by default'),
  type: productType.optional(),
  attributes: attributesSchema.optional(),
  media: z.array(newMediaSchema).max(50).optional(),
  variants: z.array(newVariantSchema).max(500).optional(),
  channelIds: z.array(z.string()).max(100).optional().describe('channels to list every new variant on'),
});

export const productChangesSchema = z.object({
  title: z.string().min(1).max(500).optional(),
  description: z.string().max(20000).optional(),
  categoryId: z.string().nullable().optional(),
  status: productStatus.optional(),
  attributes: attributesSchema.optional().describe('replaces the attributes'),
  media: z.array(newMediaSchema).max(50).optional().describe('replaces the media'),
});

export const effectivePriceSchema = z.object({
  amount: z.number().int(),
  currency: z.string(),
  source: z.enum(['channel', 'default']).describe('channel: an explicit channel price; default: the default price'),
});

export const page = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ data: z.array(item), nextCursor: z.string().nullable().describe('pass as cursor for the next page; null on the last') });
