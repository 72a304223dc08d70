import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { tables, type Executor } from '../../platform/db.js';
import type { PaymentsTables } from './payments.tables.js';

const envSecret = z.string().regex(/^whsec_[A-Za-z0-9+/=]+$/, 'a Standard Webhooks secret: whsec_ and base64').optional();

/** PAYMENTS_TEST_SECRET when set; throws at start when it is not a Standard Webhooks secret. */
export function configuredTestSecret(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return envSecret.parse(env.PAYMENTS_TEST_SECRET || undefined);
}

/** Per database: once stored, the secret never changes, so a process reads it once. */
const stored = new WeakMap<Executor, Promise<string>>();

/**
 * The test provider's webhook secret: PAYMENTS_TEST_SECRET when set, otherwise one generated on
 * first use and kept in the database so every replica signs and verifies with the same one.
 */
export async function testProviderSecret(db: Executor, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const configured = configuredTestSecret(env);
  if (configured) return configured;
  if (db.isTransaction) return storedSecret(db);
  let secret = stored.get(db);
  if (!secret) {
    secret = storedSecret(db);
    stored.set(db, secret);
    secret.catch(() => stored.delete(db));
  }
  return secret;
}

async function storedSecret(db: Executor): Promise<string> {
  const t = tables<PaymentsTables>(db);
  await t
    .insertInto('payment_provider_secret')
    .values({ provider: 'test', secret: `whsec_${randomBytes(24).toString('base64')}` })
    .onConflict((oc) => oc.column('provider').doNothing())
    .execute();
  const row = await t.selectFrom('payment_provider_secret').select('secret').where('provider', '=', 'test').executeTakeFirstOrThrow();
  return row.secret;
}
