import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { storefrontRead } from '../../platform/http.js';
import {
  categorySchema,
  idParams,
  newCategorySchema,
  newPriceSchema,
  newProductSchema,
  newVariantSchema,
  page,
  pageQuery,
  priceEntrySchema,
  productChangesSchema,
  productSchema,
  variantChangesSchema,
} from './catalog.schemas.js';
import { createCategory, getCategory, listCategories, updateCategory } from './categories.service.js';
import { getVariantPrices, setVariantPrices } from './prices.service.js';
import { createProduct, getProduct, listProducts, updateProduct } from './products.service.js';
import { addVariant, updateVariant } from './variants.service.js';

const read = { access: { scope: 'catalog:read' } };
const shown = storefrontRead('catalog:read');
const write = { access: { scope: 'catalog:write' } };
const pricesBody = z.object({ prices: z.array(newPriceSchema).max(500).describe('the full price list: default prices and explicit channel prices') });
const pricesResponse = z.object({ variantId: z.string(), prices: z.array(priceEntrySchema) });

export function productRoutes(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Catalog'];

  r.post('/v1/categories', {
    config: write,
    schema: { tags, summary: 'Create a category', body: newCategorySchema, response: { 201: categorySchema } },
  }, async (req, reply) => reply.code(201).send(await createCategory(req.ctx, req.body)));

  r.get('/v1/categories', {
    config: shown,
    schema: { tags, summary: 'List every category (build the tree from parentId)', response: { 200: z.object({ data: z.array(categorySchema) }) } },
  }, async (req) => ({ data: await listCategories(req.ctx) }));

  r.get('/v1/categories/:id', {
    config: shown,
    schema: { tags, summary: 'Get a category', params: idParams, response: { 200: categorySchema } },
  }, async (req) => getCategory(req.ctx, req.params.id));

  r.patch('/v1/categories/:id', {
    config: write,
    schema: { tags, summary: 'Rename, move or reorder a category', params: idParams, body: newCategorySchema.partial(), response: { 200: categorySchema } },
  }, async (req) => updateCategory(req.ctx, req.params.id, req.body));

  r.post('/v1/products', {
    config: write,
    schema: {
      tags,
      summary: 'Create a product, optionally with its variants, prices, media and channel listings',
      description: 'All or nothing: if any part is invalid (a SKU taken, an unknown channel or category), nothing is written.',
      body: newProductSchema,
      response: { 201: productSchema },
    },
  }, async (req, reply) => reply.code(201).send(await createProduct(req.ctx, req.body)));

  r.get('/v1/products', {
    config: read,
    schema: {
      tags,
      summary: 'List products with their variants and prices',
      querystring: pageQuery.extend({
        q: z.string().min(1).max(200).optional().describe('matches a title anywhere or a SKU from its start'),
        category: z.string().optional().describe('a category id; its subcategories are included'),
        status: z.enum(['draft', 'active', 'archived']).optional(),
      }),
      response: { 200: page(productSchema) },
    },
  }, async (req) => listProducts(req.ctx, { limit: req.query.limit, cursor: req.query.cursor, q: req.query.q, categoryId: req.query.category, status: req.query.status }));

  r.get('/v1/products/:id', {
    config: read,
    schema: { tags, summary: 'Get a product with its media, variants and prices', params: idParams, response: { 200: productSchema } },
  }, async (req) => getProduct(req.ctx, req.params.id));

  r.patch('/v1/products/:id', {
    config: write,
    schema: { tags, summary: 'Change a product (title, description, category, status, attributes, media)', params: idParams, body: productChangesSchema, response: { 200: productSchema } },
  }, async (req) => updateProduct(req.ctx, req.params.id, req.body));

  r.post('/v1/products/:id/variants', {
    config: write,
    schema: { tags, summary: 'Add a variant (with its prices) to a product', description: 'Returns the product with all its variants.', params: idParams, body: newVariantSchema, response: { 201: productSchema } },
  }, async (req, reply) => {
    await addVariant(req.ctx, req.params.id, req.body);
    return reply.code(201).send(await getProduct(req.ctx, req.params.id));
  });

  r.patch('/v1/variants/:id', {
    config: write,
    schema: { tags, summary: "Change a variant's SKU, barcode, title, options or position", description: 'Returns the product with all its variants.', params: idParams, body: variantChangesSchema, response: { 200: productSchema } },
  }, async (req) => getProduct(req.ctx, await updateVariant(req.ctx, req.params.id, req.body)));

  r.get('/v1/variants/:id/prices', {
    config: read,
    schema: { tags, summary: "A variant's default prices and explicit channel prices", params: idParams, response: { 200: pricesResponse } },
  }, async (req) => ({ variantId: req.params.id, prices: await getVariantPrices(req.ctx, req.params.id) }));

  r.put('/v1/variants/:id/prices', {
    config: write,
    schema: {
      tags,
      summary: "Set a variant's prices: one default per currency, and explicit channel prices where a channel differs",
      description: 'Replaces the whole list; a price left out is removed. Amounts are integers in minor units (fen, cent).',
      params: idParams,
      body: pricesBody,
      response: { 200: pricesResponse },
    },
  }, async (req) => ({ variantId: req.params.id, prices: await setVariantPrices(req.ctx, req.params.id, req.body.prices) }));
}
