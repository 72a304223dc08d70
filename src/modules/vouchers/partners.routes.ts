import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { idParams, newPartnerSchema, partnerSchema, statementSchema } from './vouchers.schemas.js';
import { createPartner, getPartner, listPartners } from './partners.service.js';
import { partnerStatement, statementCsv } from './statement.service.js';

export function partnerRoutes(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Partners'];

  r.post('/v1/partners', {
    config: { access: { scope: 'catalog:write' } },
    schema: {
      tags,
      summary: 'Add a partner merchant (its stores are locations with this partnerId)',
      body: newPartnerSchema,
      response: { 201: partnerSchema },
    },
  }, async (req, reply) => reply.code(201).send(await createPartner(req.ctx, req.body)));

  r.get('/v1/partners', {
    config: { access: { scope: 'catalog:read' } },
    schema: { tags, summary: 'List partner merchants', response: { 200: z.object({ data: z.array(partnerSchema) }) } },
  }, async (req) => ({ data: await listPartners(req.ctx) }));

  r.get('/v1/partners/:id', {
    config: { access: { scope: 'catalog:read' } },
    schema: { tags, summary: 'Get a partner merchant', params: idParams, response: { 200: partnerSchema } },
  }, async (req) => getPartner(req.ctx, req.params.id, 'id'));

  r.get('/v1/partners/:id/statement', {
    config: { access: { scope: 'orders:read' } },
    schema: {
      tags,
      summary: 'What the partner is owed for redemptions in a period, as JSON or CSV',
      description: 'CSV with `Accept: text/csv` or `?format=csv`: one row per ledger entry, then a `total` row equal to their sum.',
      params: idParams,
      querystring: z.object({
        from: z.iso.datetime({ offset: true }).or(z.iso.date()).describe('start of the period, inclusive'),
        to: z.iso.datetime({ offset: true }).or(z.iso.date()).describe('end of the period, exclusive'),
        format: z.enum(['json', 'csv']).optional(),
      }),
      response: {
        200: {
          description: 'the statement',
          content: { 'application/json': { schema: statementSchema }, 'text/csv': { schema: z.string() } },
        },
      },
    },
  }, async (req, reply) => {
    const s = await partnerStatement(req.ctx, req.params.id, { from: new Date(req.query.from), to: new Date(req.query.to) });
    const csv = req.query.format === 'csv' || (req.query.format !== 'json' && /\btext\/csv\b/.test(req.headers.accept ?? ''));
    if (!csv) return s;
    const file = `statement-${s.partnerId}-${s.from.slice(0, 10)}-${s.to.slice(0, 10)}.csv`;
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${file}"`).send(statementCsv(s));
  });
}
