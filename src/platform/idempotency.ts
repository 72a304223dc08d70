import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { AppError } from './errors.js';
import type { AnyDb } from './db.js';

/** A claim older than this is taken to belong to a crashed request and may be taken over. */
const STALE_CLAIM_SECONDS = 60;

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyKey?: string;
  }
}

function requestHash(req: FastifyRequest): string {
  return createHash('sha256').update(`${req.method} ${req.url}\n${JSON.stringify(req.body ?? null)}`).digest('hex');
}

/**
 * `Idempotency-Key` on POST: the first request claims the key (actor, key) in the database, so the
 * claim holds across server replicas; its response is stored; a replay gets the stored response with
 * `Idempotent-Replayed: true`; a concurrent duplicate gets 409; the same key with another body, 422.
 * Responses of 5xx are not stored, so a retry after a server fault runs again. Keys are scoped by the
 * authenticated actor.
 */
export function registerIdempotency(app: FastifyInstance, db: AnyDb): void {
  app.addHook('preHandler', async (req: FastifyRequest, reply: FastifyReply) => {
    const key = req.headers['idempotency-key'];
    // Public routes (sign-in, provider callbacks) share no actor to scope a key by, and their
    // responses may hold fresh secrets that must not be kept: they are not replayed.
    if (req.method !== 'POST' || typeof key !== 'string' || req.actor.kind === 'anonymous') return;
    if (key.length < 1 || key.length > 255) {
      throw new AppError('validation_failed', 'Idempotency-Key must be 1 to 255 characters', { field: 'Idempotency-Key' });
    }
    const actorId = req.actor.id;
    const hash = requestHash(req);
    const claimed = await sql<{ key: string }>`
      INSERT INTO idempotency_key (actor_id, key, method, path, request_hash)
      VALUES (${actorId}, ${key}, ${req.method}, ${req.url}, ${hash})
      ON CONFLICT (actor_id, key) DO UPDATE SET locked_at = now(), request_hash = EXCLUDED.request_hash
        WHERE idempotency_key.status_code IS NULL
          AND idempotency_key.locked_at < now() - make_interval(secs => ${STALE_CLAIM_SECONDS})
      RETURNING key`.execute(db);
    if (claimed.rows.length) {
      req.idempotencyKey = key;
      return;
    }
    const prior = await db.selectFrom('idempotency_key').selectAll().where('actor_id', '=', actorId).where('key', '=', key).executeTakeFirst();
    if (!prior) return; // released between our insert and read: run normally
    if (prior.request_hash !== hash) {
      throw new AppError('idempotency_key_reused', 'this Idempotency-Key was used with a different request', { field: 'Idempotency-Key' });
    }
    if (prior.status_code == null) {
      throw new AppError('idempotency_in_progress', 'a request with this Idempotency-Key is still in progress', { field: 'Idempotency-Key' });
    }
    reply.header('idempotent-replayed', 'true');
    reply.code(prior.status_code).type('application/json').send(prior.response_body);
    return reply;
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const key = req.idempotencyKey;
    if (!key) return payload;
    const where = (q: any) => q.where('actor_id', '=', req.actor.id).where('key', '=', key);
    if (reply.statusCode >= 500) {
      await where(db.deleteFrom('idempotency_key')).execute();
    } else {
      const body = typeof payload === 'string' ? payload : payload == null ? '' : String(payload);
      await where(db.updateTable('idempotency_key').set({ status_code: reply.statusCode, response_body: body })).execute();
    }
    return payload;
  });
}
