import { createHash } from 'node:crypto';
import { inTx, tables, type Executor } from '../../platform/db.js';
import { AppError } from '../../platform/errors.js';
import { newSecret } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import type { Actor } from '../../platform/auth.js';
import type { Ctx } from '../../platform/context.js';
import type { CustomersTables } from './customers.tables.js';
import { contactOf, type Locale } from './contact.js';
import { checkSignInCode, useSignInCode } from './sign-in-codes.js';
import { verifiedCustomer, type Customer } from './customers.service.js';
import { forgetToken } from '../../platform/auth-cache.js';

const SESSION_DAYS = 30;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const q = (db: Executor) => tables<CustomersTables>(db);

export type ShopperActor = Extract<Actor, { kind: 'shopper' }>;

export interface ShopperSignIn {
  token: string;
  expiresAt: string;
  customer: Customer;
}

/**
 * Signs a shopper in with the code sent to their email or phone. The contact's customer (made at a
 * guest checkout, or new now) becomes theirs and the contact is marked verified.
 */
export async function signInShopper(ctx: Ctx, input: { email?: string; phone?: string; code: string; locale?: Locale }): Promise<ShopperSignIn> {
  const contact = contactOf(input);
  const codeHash = await checkSignInCode(ctx.db, contact, input.code);
  return inTx(ctx.db, async (tx) => {
    await useSignInCode(tx, contact, codeHash);
    const customer = await verifiedCustomer(tx, contact, input.locale);
    const token = newSecret('shs');
    const expiresAt = new Date(Date.now() + SESSION_DAYS * 86400_000);
    await q(tx).insertInto('customer_session').values({ token_hash: sha256(token), customer_id: customer.id, expires_at: expiresAt }).execute();
    await emit(tx, 'customer.signed_in', customer.id, { id: customer.id, channel: contact.channel });
    return { token, expiresAt: expiresAt.toISOString(), customer };
  });
}

export async function signOutShopper(db: Executor, token: string): Promise<void> {
  await q(db).deleteFrom('customer_session').where('token_hash', '=', sha256(token)).execute();
  forgetToken(token);
}

/** Resolves a shopper session token (`shs_…`) to the shopper it stands for. */
export async function authenticateShopper(db: Executor, token: string): Promise<Actor | null> {
  const row = await q(db)
    .selectFrom('customer_session')
    .select('customer_id')
    .where('token_hash', '=', sha256(token))
    .where('expires_at', '>', new Date())
    .executeTakeFirst();
  return row ? { kind: 'shopper', id: row.customer_id, customerId: row.customer_id, scopes: ['shopper'] } : null;
}

/** For shopper-only routes (declared `access: 'authenticated'`): the signed-in shopper, or 403. */
export function requireShopper(actor: Actor): ShopperActor {
  if (actor.kind === 'anonymous') throw new AppError('unauthenticated', 'sign in as a shopper');
  if (actor.kind !== 'shopper') throw new AppError('forbidden', 'this is for signed-in shoppers only');
  return actor;
}

export async function pruneShopperSessions(db: Executor): Promise<number> {
  const r = await q(db).deleteFrom('customer_session').where('expires_at', '<', new Date()).executeTakeFirst();
  return Number(r.numDeletedRows);
}
