import { Webhook } from 'standardwebhooks';
import { sql, tables, type AnyDb } from '../../platform/db.js';
import { newId } from '../../platform/ids.js';
import { retryDelayMs } from './retry-schedule.js';
import type { WebhooksTables } from './webhooks.tables.js';

const TIMEOUT_MS = 10_000;
/** Longer than a request can take, so a lease only lapses when its sender crashed. */
const LEASE_SECONDS = 60;
const BATCH = 20;

interface Claimed {
  id: string;
  event_id: string;
  body: string;
  attempts: number;
  url: string;
  secret: string;
}

/**
 * Takes a lease on due deliveries of enabled endpoints. The claim transaction ends before any request
 * goes out, so a slow endpoint holds no locks; the lease keeps other workers off the row meanwhile.
 */
async function claimDue(db: AnyDb): Promise<Claimed[]> {
  const res = await sql<Claimed>`
    WITH due AS (
      SELECT d.id FROM webhook_delivery d JOIN webhook_endpoint e ON e.id = d.endpoint_id
      WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND e.enabled
        AND (d.locked_until IS NULL OR d.locked_until < now())
      ORDER BY d.next_attempt_at
      LIMIT ${BATCH}
      FOR UPDATE OF d SKIP LOCKED
    )
    UPDATE webhook_delivery d
    SET locked_until = now() + make_interval(secs => ${LEASE_SECONDS}), attempts = d.attempts + 1
    FROM due, webhook_endpoint e
    WHERE d.id = due.id AND e.id = d.endpoint_id
    RETURNING d.id, d.event_id, d.body, d.attempts, e.url, e.secret`.execute(db);
  return res.rows;
}

interface Outcome {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** POSTs the stored body, signed per Standard Webhooks with the endpoint's secret. */
async function send(d: Claimed): Promise<Outcome> {
  const started = Date.now();
  const at = new Date();
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Omniloop-Webhooks/1',
    'webhook-id': d.event_id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(d.secret).sign(d.event_id, at, d.body),
  };
  try {
    const res = await fetch(d.url, { method: 'POST', headers, body: d.body, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
    await res.body?.cancel();
    const ok = res.status >= 200 && res.status < 300;
    return { statusCode: res.status, error: ok ? null : `HTTP ${res.status}`, durationMs: Date.now() - started };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const error = e.name === 'TimeoutError' ? `no response within ${TIMEOUT_MS / 1000} s` : (e.cause?.code ?? e.message);
    return { statusCode: null, error, durationMs: Date.now() - started };
  }
}

/** Records the attempt and moves the delivery on: delivered, due again later, or failed for good. */
async function record(db: AnyDb, d: Claimed, o: Outcome, retryBaseMs: number): Promise<void> {
  const delay = o.error === null ? null : retryDelayMs(d.attempts, retryBaseMs);
  const status = o.error === null ? 'delivered' : delay === null ? 'failed' : 'pending';
  await db.transaction().execute(async (tx) => {
    const t = tables<WebhooksTables>(tx);
    await t
      .insertInto('webhook_attempt')
      .values({ id: newId('wha'), delivery_id: d.id, attempt: d.attempts, status_code: o.statusCode, error: o.error, duration_ms: o.durationMs })
      .execute();
    await t
      .updateTable('webhook_delivery')
      .set({
        status,
        locked_until: null,
        last_status_code: o.statusCode,
        last_error: o.error,
        ...(status === 'delivered' ? { delivered_at: new Date() } : {}),
        ...(delay !== null ? { next_attempt_at: new Date(Date.now() + delay) } : {}),
      })
      // Only the holder of this attempt's lease moves the row on.
      .where('id', '=', d.id)
      .where('attempts', '=', d.attempts)
      .execute();
  });
}

/** One round of the delivery job: returns how many deliveries it attempted. */
export async function deliverDue(db: AnyDb, retryBaseMs: number): Promise<number> {
  const claimed = await claimDue(db);
  await Promise.all(claimed.map(async (d) => record(db, d, await send(d), retryBaseMs)));
  return claimed.length;
}
