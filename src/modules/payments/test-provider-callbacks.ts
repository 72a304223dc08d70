import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { sql, type AnyDb } from '../../platform/db.js';
import { testProviderSecret } from './provider-secret.js';
import type { testWebhookBody } from './test-provider.js';
import type { z } from 'zod';

const TIMEOUT_MS = 10_000;
const LEASE_SECONDS = 60;
const MAX_ATTEMPTS = 5;
/** Notifications in one round's call-back, as a gateway batches them: a request per round, not per payment. */
const ROUND = 200;

interface Due {
  payment_id: string;
  outcome: 'captured' | 'failed';
  attempts: number;
  provider_ref: string;
  amount: number;
  currency: string;
}

/**
 * One round of the test provider's call-backs: leases due ones (the claim commits before the
 * request, since it lands on this same server and database), POSTs them signed, as one batch, to
 * `<publicUrl>/v1/payments/webhooks/test`, and records the outcome. Returns how many it sent.
 */
export async function sendTestCallbacks(db: AnyDb, publicUrl: () => string): Promise<number> {
  const due = await sql<Due>`
    WITH due AS (
      SELECT payment_id FROM payment_test_callback
      WHERE status = 'pending' AND due_at <= now() AND (locked_until IS NULL OR locked_until < now())
      ORDER BY due_at LIMIT ${ROUND}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE payment_test_callback c
    SET locked_until = now() + make_interval(secs => ${LEASE_SECONDS}), attempts = c.attempts + 1
    FROM due, payment p
    WHERE c.payment_id = due.payment_id AND p.id = c.payment_id
    RETURNING c.payment_id, c.outcome, c.attempts, p.provider_ref, p.amount, p.currency`.execute(db);
  if (!due.rows.length) return 0;
  const notifications = due.rows.map((c) => ({
    type: c.outcome === 'captured' ? 'payment.succeeded' as const : 'payment.failed' as const,
    providerRef: c.provider_ref,
    amount: c.amount,
    currency: c.currency,
    ...(c.outcome === 'failed' ? { reason: 'declined by the test provider' } : {}),
  }));
  const now = new Date();
  const message: z.infer<typeof testWebhookBody> = { type: 'payment.batch', timestamp: now.toISOString(), data: { notifications } };
  const body = JSON.stringify(message);
  const msgId = `msg_${randomUUID()}`;
  let error: string | null = null;
  try {
    const res = await fetch(`${publicUrl()}/v1/payments/webhooks/test`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': msgId,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': new Webhook(await testProviderSecret(db)).sign(msgId, now, body),
      },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await res.body?.cancel();
    if (!res.ok) error = `HTTP ${res.status}`;
  } catch (err) {
    error = (err as Error).message;
  }
  const outcomes = due.rows.map((c) => ({
    payment_id: c.payment_id,
    attempts: c.attempts,
    status: error === null ? 'sent' : c.attempts >= MAX_ATTEMPTS ? 'abandoned' : 'pending',
    last_error: error,
    due_at: new Date(Date.now() + c.attempts * 2000),
  }));
  // Every outcome of the round in one statement; a lease taken over meanwhile (attempts moved on) is left alone.
  await sql`
    UPDATE payment_test_callback c
    SET status = x.status, locked_until = NULL, last_error = x.last_error, due_at = x.due_at
    FROM jsonb_to_recordset(${JSON.stringify(outcomes)}::jsonb) AS x(payment_id text, attempts int, status text, last_error text, due_at timestamptz)
    WHERE c.payment_id = x.payment_id AND c.attempts = x.attempts`.execute(db);
  return due.rows.length;
}
