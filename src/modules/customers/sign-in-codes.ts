import { randomInt } from 'node:crypto';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import { sql, type Executor } from '../../platform/db.js';
import { AppError } from '../../platform/errors.js';
import type { Ctx } from '../../platform/context.js';
import { contactOf, identityOf, type Channel, type Contact, type Locale } from './contact.js';
import { signInCodeMessage } from './code-messages.js';
import { unavailable, type CodeDelivery } from './code-delivery.js';

export const CODE_TTL_SECONDS = 600;
export const RESEND_AFTER_SECONDS = 60;
export const SENDS_PER_HOUR = 5;
export const MAX_ATTEMPTS = 5;

export interface CodeRequest {
  email?: string;
  phone?: string;
  locale: Locale;
}

export interface CodeSent {
  channel: Channel;
  expiresInSeconds: number;
  resendAfterSeconds: number;
}

/**
 * Issues a new code for the contact (replacing any earlier one) and sends it. The limits are checked
 * and the code stored in one conditional upsert, so they hold across replicas and concurrent requests.
 * Codes are stored as argon2 hashes: six digits are few enough to try them all against a fast hash.
 */
export async function requestSignInCode(ctx: Ctx, delivery: CodeDelivery, input: CodeRequest): Promise<CodeSent> {
  const contact = contactOf(input);
  if (!delivery.available(contact.channel)) throw unavailable(contact.channel);
  const identity = identityOf(contact);
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const codeHash = await argonHash(code);
  const hour = sql`c.window_started_at <= now() - interval '1 hour'`;
  const issued = await sql<{ identity: string }>`
    INSERT INTO customer_sign_in_code AS c
      (identity, code_hash, expires_at, attempts, used_at, last_sent_at, window_started_at, sent_in_window)
    VALUES (${identity}, ${codeHash}, now() + make_interval(secs => ${CODE_TTL_SECONDS}), 0, NULL, now(), now(), 1)
    ON CONFLICT (identity) DO UPDATE SET
      code_hash = EXCLUDED.code_hash,
      expires_at = EXCLUDED.expires_at,
      attempts = 0,
      used_at = NULL,
      last_sent_at = now(),
      window_started_at = CASE WHEN ${hour} THEN now() ELSE c.window_started_at END,
      sent_in_window = CASE WHEN ${hour} THEN 1 ELSE c.sent_in_window + 1 END
    WHERE c.last_sent_at <= now() - make_interval(secs => ${RESEND_AFTER_SECONDS})
      AND (c.sent_in_window < ${SENDS_PER_HOUR} OR ${hour})
    RETURNING identity`.execute(ctx.db);
  if (!issued.rows.length) throw await rateLimited(ctx.db, identity, contact.channel);
  try {
    await delivery.send(contact, signInCodeMessage(input.locale, code, CODE_TTL_SECONDS / 60));
  } catch (err) {
    // A code that never left is void, and does not make the shopper wait to ask again.
    await sql`
      UPDATE customer_sign_in_code
      SET expires_at = now(), last_sent_at = last_sent_at - make_interval(secs => ${RESEND_AFTER_SECONDS})
      WHERE identity = ${identity} AND code_hash = ${codeHash}`.execute(ctx.db);
    throw err;
  }
  return { channel: contact.channel, expiresInSeconds: CODE_TTL_SECONDS, resendAfterSeconds: RESEND_AFTER_SECONDS };
}

async function rateLimited(db: Executor, identity: string, channel: Channel): Promise<AppError> {
  const r = await sql<{ wait: number; hourly: boolean }>`
    SELECT ceil(extract(epoch FROM GREATEST(
             last_sent_at + make_interval(secs => ${RESEND_AFTER_SECONDS}) - now(),
             CASE WHEN sent_in_window >= ${SENDS_PER_HOUR} THEN window_started_at + interval '1 hour' - now() ELSE interval '0' END
           )))::int AS wait,
           sent_in_window >= ${SENDS_PER_HOUR} AND window_started_at > now() - interval '1 hour' AS hourly
    FROM customer_sign_in_code WHERE identity = ${identity}`.execute(db);
  const row = r.rows[0];
  const retryAfterSeconds = Math.max(1, Number(row?.wait ?? RESEND_AFTER_SECONDS));
  const why = row?.hourly ? `at most ${SENDS_PER_HOUR} codes an hour are sent` : 'a code was sent moments ago';
  return new AppError('rate_limited', `${why}; ask again in ${retryAfterSeconds} s`, { field: channel, retryAfterSeconds });
}

/**
 * Spends one attempt on the contact's live code and checks the code against it. The attempt is
 * counted (and committed) before the check, so concurrent guesses cannot exceed the limit. Returns
 * the hash of the matched code for useSignInCode. Runs outside a transaction, so a wrong guess stays
 * counted.
 */
export async function checkSignInCode(db: Executor, contact: Contact, code: string): Promise<string> {
  const identity = identityOf(contact);
  const claimed = await sql<{ code_hash: string; attempts: number }>`
    UPDATE customer_sign_in_code SET attempts = attempts + 1
    WHERE identity = ${identity} AND used_at IS NULL AND expires_at > now() AND attempts < ${MAX_ATTEMPTS}
    RETURNING code_hash, attempts`.execute(db);
  const live = claimed.rows[0];
  if (!live) {
    const r = await sql<{ dead: boolean }>`
      SELECT attempts >= ${MAX_ATTEMPTS} AS dead FROM customer_sign_in_code
      WHERE identity = ${identity} AND used_at IS NULL AND expires_at > now()`.execute(db);
    if (r.rows[0]?.dead) {
      throw new AppError('too_many_attempts', 'too many wrong codes; ask for a new code', { field: 'code' });
    }
    throw new AppError('code_expired', 'there is no valid code for this contact (expired or used); ask for a new code', { field: 'code' });
  }
  if (!(await argonVerify(live.code_hash, code).catch(() => false))) {
    const attemptsLeft = MAX_ATTEMPTS - live.attempts;
    throw new AppError('invalid_code', attemptsLeft ? 'the code is wrong' : 'the code is wrong; ask for a new code', { field: 'code', attemptsLeft });
  }
  return live.code_hash;
}

/** Marks the checked code used, in the sign-in transaction; of two racing sign-ins only one gets it. */
export async function useSignInCode(tx: Executor, contact: Contact, codeHash: string): Promise<void> {
  const used = await sql`
    UPDATE customer_sign_in_code SET used_at = now()
    WHERE identity = ${identityOf(contact)} AND code_hash = ${codeHash} AND used_at IS NULL AND expires_at > now()
    RETURNING identity`.execute(tx);
  if (!used.rows.length) throw new AppError('code_expired', 'this code was already used; ask for a new code', { field: 'code' });
}

/** Sign-in codes whose limits no longer matter. */
export async function pruneSignInCodes(db: Executor): Promise<number> {
  const r = await sql`
    DELETE FROM customer_sign_in_code
    WHERE expires_at < now() - interval '1 hour' AND window_started_at < now() - interval '1 hour'`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}
