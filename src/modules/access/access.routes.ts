import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { API_SCOPES, ROLES } from '../../platform/auth.js';
import { AppError } from '../../platform/errors.js';
import * as access from './access.service.js';

const staffSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  storeIds: z.array(z.string()),
  createdAt: z.string(),
});
const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['secret', 'publishable']),
  scopes: z.array(z.string()),
  hint: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});

export function accessRoutes(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Access'];

  r.post('/v1/auth/sessions', {
    config: { access: 'public' },
    schema: {
      tags,
      summary: 'Sign in as staff with email and password',
      security: [],
      body: z.object({ email: z.string().email(), password: z.string().min(1) }),
      response: { 201: z.object({ token: z.string(), expiresAt: z.string(), user: staffSchema }) },
    },
  }, async (req, reply) => reply.code(201).send(await access.signIn(req.ctx.db, req.body.email, req.body.password)));

  r.delete('/v1/auth/sessions/current', {
    config: { access: 'authenticated' },
    schema: { tags, summary: 'Sign out the current session', response: { 204: z.null() } },
  }, async (req, reply) => {
    await access.signOut(req.ctx.db, req.headers.authorization!.slice(7).trim());
    return reply.code(204).send(null);
  });

  r.get('/v1/auth/me', {
    config: { access: 'authenticated' },
    schema: { tags, summary: 'Who the token belongs to and what it may do' },
  }, async (req) => req.actor);

  r.get('/v1/staff', {
    config: { access: { scope: 'access:read' } },
    schema: { tags, summary: 'List staff users', response: { 200: z.object({ data: z.array(staffSchema) }) } },
  }, async (req) => ({ data: await access.listStaff(req.ctx) }));

  r.post('/v1/staff', {
    config: { access: { scope: 'access:write' } },
    schema: {
      tags,
      summary: 'Add a staff user; clerks name the stores they work at',
      body: z.object({
        email: z.string().email(),
        name: z.string().min(1).max(200),
        role: z.enum(ROLES),
        storeIds: z.array(z.string()).optional(),
        password: z.string().min(10, 'at least 10 characters').max(200),
      }),
      response: { 201: staffSchema },
    },
  }, async (req, reply) => reply.code(201).send(await access.createStaff(req.ctx, req.body)));

  r.get('/v1/api-keys', {
    config: { access: { scope: 'access:read' } },
    schema: { tags, summary: 'List API keys (never their secrets)', response: { 200: z.object({ data: z.array(apiKeySchema) }) } },
  }, async (req) => ({ data: await access.listApiKeys(req.ctx) }));

  r.post('/v1/api-keys', {
    config: { access: { scope: 'access:write' } },
    schema: {
      tags,
      summary: 'Create an API key; the token is shown only in this response',
      body: z.object({
        name: z.string().min(1).max(200),
        kind: z.enum(['secret', 'publishable']).default('secret'),
        scopes: z.array(z.enum(API_SCOPES)).min(1),
      }),
      response: { 201: apiKeySchema.extend({ token: z.string() }) },
    },
  }, async (req, reply) => reply.code(201).send(await access.createApiKey(req.ctx, req.body)));

  r.delete('/v1/api-keys/:id', {
    config: { access: { scope: 'access:write' } },
    schema: { tags, summary: 'Revoke an API key', params: z.object({ id: z.string() }), response: { 200: apiKeySchema } },
  }, async (req) => {
    if (req.actor.kind === 'api_key' && req.actor.id === req.params.id) throw new AppError('invalid_state', 'a key cannot revoke itself');
    return access.revokeApiKey(req.ctx, req.params.id);
  });
}
