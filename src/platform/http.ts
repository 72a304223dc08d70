import Fastify, { type FastifyInstance, type FastifyError } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import { serializerCompiler } from './serializer.js';
import { AppError, fromDatabase, statusFor } from './errors.js';
import { ANONYMOUS, requireScope, type Actor } from './auth.js';
import { newId } from './ids.js';
import { registerIdempotency } from './idempotency.js';
import type { AnyDb } from './db.js';
import type { Ctx } from './context.js';

/** Every route states what it needs: a scope such as `inventory:write`, or `public`. */
export type Access = { scope: string } | 'public' | 'authenticated';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** Shows what shoppers see: a publishable key may call it. No other scoped route is open to one. */
    storefront?: boolean;
  }
  interface FastifyRequest {
    actor: Actor;
    ctx: Ctx;
  }
}

/** The config of a route that shows what shoppers see, so storefronts' publishable keys may read it. */
export const storefrontRead = (scope: 'catalog:read' | 'inventory:read') => ({ access: { scope }, storefront: true });

export interface HttpOptions {
  db: AnyDb;
  logLevel: string;
  publicUrl: string;
  authenticate(token: string): Promise<Actor | null>;
}

function problem(status: number, code: string, title: string, detail: string, extra: Record<string, unknown>, instance: string) {
  return { type: `https://omniloop.dev/problems/${code}`, title, status, detail, code, instance, ...extra };
}

export async function createHttp(opts: HttpOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: opts.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : newId('req');
    },
    requestIdHeader: false,
    bodyLimit: 10 * 1024 * 1024,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Omniloop API',
        version: '0.1.0',
        description: 'Omnichannel O2O commerce: catalog, channels, stores, unified inventory and more. Errors are RFC 9457 problem+json with a stable `code`; `503 contention` (with Retry-After) means send the request again.',
      },
      servers: [{ url: opts.publicUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A staff session token or an API key' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
    req.actor = token ? ((await opts.authenticate(token)) ?? ANONYMOUS) : ANONYMOUS;
    req.ctx = { db: opts.db, actor: req.actor, requestId: req.id };
    if (token && req.actor === ANONYMOUS) throw new AppError('unauthenticated', 'the token is unknown, expired or revoked');
    const access = req.routeOptions.config?.access;
    if (access === 'public') return;
    // Routes of plugins (the docs page) and unknown paths carry no access: docs are public, the rest 404s.
    if (access === undefined) {
      if (req.url.startsWith('/docs') || !req.routeOptions.url) return;
      throw new AppError('forbidden', 'this route declares no access rule');
    }
    if (access === 'authenticated') {
      if (req.actor.kind === 'anonymous') throw new AppError('unauthenticated', 'sign in or send an API key as a Bearer token');
      return;
    }
    requireScope(req.actor, access.scope);
    // Publishable keys sit in storefront code anyone can read: not drafts, ledgers, partners or reports.
    if (req.actor.kind === 'api_key' && req.actor.publishable && !req.routeOptions.config?.storefront) {
      throw new AppError('forbidden', 'a publishable key reads only what the storefront shows; use a secret key or staff sign-in', { scope: access.scope });
    }
  });

  registerIdempotency(app, opts.db);

  app.setNotFoundHandler((req, reply) => {
    reply.code(404).type('application/problem+json').send(problem(404, 'route_not_found', 'Not Found', `no route ${req.method} ${req.url.split('?')[0]}`, {}, req.url));
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    reply.type('application/problem+json');
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? 'body';
      const errors = err.validation.map((v) => ({
        field: v.instancePath.replace(/^\//, '').replaceAll('/', '.') || where,
        in: where,
        message: v.message,
      }));
      const first = errors[0];
      return reply.code(400).send(problem(400, 'validation_failed', 'Invalid request', `${first.field}: ${first.message}`, { field: first.field, errors }, req.url));
    }
    const known = err instanceof AppError ? err : fromDatabase(err);
    if (known) {
      const status = statusFor(known.code);
      if (status === 503) reply.header('retry-after', '1');
      if (known !== err) req.log.warn({ err }, 'database refusal answered as %s', known.code);
      return reply.code(status).send(problem(status, known.code, known.code.replaceAll('_', ' '), known.message, known.details, req.url));
    }
    if (err.statusCode && err.statusCode < 500) {
      const code = err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported_media_type' : err.statusCode === 413 ? 'payload_too_large' : 'bad_request';
      return reply.code(err.statusCode).send(problem(err.statusCode, code, 'Bad request', err.message, {}, req.url));
    }
    req.log.error({ err }, 'unhandled error');
    return reply.code(500).send(problem(500, 'internal_error', 'Internal error', 'something went wrong on our side; the request id helps us find it', { requestId: req.id }, req.url));
  });

  return app;
}
