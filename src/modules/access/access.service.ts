import { createHash, randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import { inTx, tables, takeTurns, type Executor } from '../../platform/db.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId, newSecret } from '../../platform/ids.js';
import { PARTNER_CLERK_SCOPES, ROLE_SCOPES, SYSTEM, hasScope, requireScope, type Actor, type Role } from '../../platform/auth.js';
import { emit } from '../../platform/outbox.js';
import { forgetActor, forgetToken } from '../../platform/auth-cache.js';
import type { Ctx } from '../../platform/context.js';
import { getLocations } from '../stores/index.js';
import type { AccessTables } from './access.tables.js';

const SESSION_DAYS = 14;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const q = (db: Executor) => tables<AccessTables>(db);

export interface StaffUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  storeIds: string[];
  createdAt: string;
}

export interface NewStaff {
  email: string;
  name: string;
  role: Role;
  storeIds?: string[];
  password: string;
}

const toStaff = (r: Selectable<AccessTables['staff_user']>): StaffUser => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role as Role,
  storeIds: r.store_ids,
  createdAt: new Date(r.created_at).toISOString(),
});

export async function createStaff(ctx: Ctx, input: NewStaff): Promise<StaffUser> {
  if (input.role === 'clerk' && !input.storeIds?.length) {
    throw new AppError('validation_failed', 'a clerk belongs to at least one store', { field: 'storeIds' });
  }
  // Nobody hands out more than they hold: only an owner adds an owner, and a key adds only roles within its scopes.
  const beyond = ROLE_SCOPES[input.role].find((s) => !hasScope(ctx.actor.scopes, s));
  if (beyond) throw new AppError('forbidden', `a ${input.role} may do more than you can (${beyond})`, { field: 'role' });
  const email = input.email.toLowerCase();
  const passwordHash = await argonHash(input.password);
  const row = await inTx(ctx.db, async (tx) => {
    await takeTurns(tx, [`staff_user.email:${email}`]);
    const exists = await q(tx).selectFrom('staff_user').select('id').where('email', '=', email).executeTakeFirst();
    if (exists) throw new AppError('already_exists', `a staff user with email ${email} exists`, { field: 'email' });
    const row = await q(tx)
      .insertInto('staff_user')
      .values({ id: newId('usr'), email, name: input.name, role: input.role, store_ids: input.storeIds ?? [], password_hash: passwordHash })
      .returningAll()
      .executeTakeFirstOrThrow();
    await emit(tx, 'staff.created', row.id, { id: row.id, role: row.role });
    return row;
  });
  return toStaff(row);
}

export async function listStaff(ctx: Ctx): Promise<StaffUser[]> {
  const rows = await q(ctx.db).selectFrom('staff_user').selectAll().where('disabled_at', 'is', null).orderBy('id').execute();
  return rows.map(toStaff);
}

export async function countStaff(db: Executor): Promise<number> {
  const r = await q(db).selectFrom('staff_user').select((e) => e.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** On a database without staff, creates the owner and returns the one-time password to print. */
export async function ensureOwner(db: Executor, email: string, password?: string): Promise<{ email: string; password: string } | null> {
  if ((await countStaff(db)) > 0) return null;
  const pw = password ?? randomBytes(12).toString('base64url');
  const ctx: Ctx = { db, actor: { kind: 'system', id: 'system', scopes: ['*'] }, requestId: 'bootstrap' };
  await createStaff(ctx, { email, name: 'Owner', role: 'owner', password: pw });
  return { email, password: pw };
}

export async function signIn(db: Executor, email: string, password: string): Promise<{ token: string; expiresAt: string; user: StaffUser }> {
  const row = await q(db).selectFrom('staff_user').selectAll().where('email', '=', email.toLowerCase()).where('disabled_at', 'is', null).executeTakeFirst();
  // Verify against a hash even for unknown emails, so timing does not reveal which emails exist.
  const ok = await argonVerify(row?.password_hash ?? DUMMY_HASH, password).catch(() => false);
  if (!row || !ok) throw new AppError('invalid_credentials', 'email or password is wrong', { field: 'password' });
  const token = newSecret('oss');
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 86400_000);
  await q(db).insertInto('staff_session').values({ token_hash: sha256(token), user_id: row.id, expires_at: expiresAt }).execute();
  return { token, expiresAt: expiresAt.toISOString(), user: toStaff(row) };
}

export async function signOut(db: Executor, token: string): Promise<void> {
  await q(db).deleteFrom('staff_session').where('token_hash', '=', sha256(token)).execute();
  forgetToken(token);
}

async function worksForPartner(db: Executor, storeIds: string[]): Promise<boolean> {
  const stores = await getLocations({ db, actor: SYSTEM, requestId: 'authenticate' }, storeIds);
  return stores.length > 0 && stores.every((l) => l.partnerId);
}

const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$aVVLZMCsUNDRakyDhRiQiw$Kks1o/jd450bKPKOBYC1SIWeGyK06SKBGA0EiDEyqjY';

/** Resolves a Bearer token (staff session or API key) to the actor it stands for. */
export async function authenticate(db: Executor, token: string): Promise<Actor | null> {
  const h = sha256(token);
  if (token.startsWith('oss_')) {
    const row = await q(db)
      .selectFrom('staff_session as s')
      .innerJoin('staff_user as u', 'u.id', 's.user_id')
      .select(['u.id', 'u.role', 'u.store_ids'])
      .where('s.token_hash', '=', h)
      .where('s.expires_at', '>', new Date())
      .where('u.disabled_at', 'is', null)
      .executeTakeFirst();
    if (!row) return null;
    const role = row.role as Role;
    const scopes = role === 'clerk' && (await worksForPartner(db, row.store_ids)) ? PARTNER_CLERK_SCOPES : ROLE_SCOPES[role];
    return { kind: 'staff', id: row.id, role, storeIds: row.store_ids, scopes };
  }
  if (token.startsWith('sk_') || token.startsWith('pk_')) {
    const row = await q(db).selectFrom('api_key').select(['id', 'scopes', 'kind']).where('token_hash', '=', h).where('revoked_at', 'is', null).executeTakeFirst();
    if (!row) return null;
    return { kind: 'api_key', id: row.id, scopes: row.scopes, publishable: row.kind === 'publishable' };
  }
  return null;
}

export interface ApiKey {
  id: string;
  name: string;
  kind: 'secret' | 'publishable';
  scopes: string[];
  hint: string;
  createdAt: string;
  revokedAt: string | null;
}

const toKey = (r: Selectable<AccessTables['api_key']>): ApiKey => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  scopes: r.scopes,
  hint: r.token_hint,
  createdAt: new Date(r.created_at).toISOString(),
  revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
});

/** Publishable keys are for storefronts and tracking: they carry read scopes only. */
const PUBLISHABLE_SCOPES = new Set(['catalog:read', 'inventory:read']);

export async function createApiKey(ctx: Ctx, input: { name: string; kind: 'secret' | 'publishable'; scopes: string[] }): Promise<ApiKey & { token: string }> {
  for (const s of input.scopes) {
    requireScope(ctx.actor, s === '*' ? 'access:write' : s); // nobody hands out more than they hold
    if (input.kind === 'publishable' && !PUBLISHABLE_SCOPES.has(s)) {
      throw new AppError('validation_failed', `a publishable key cannot carry ${s}`, { field: 'scopes' });
    }
  }
  if (input.scopes.includes('*') && !(ctx.actor.scopes.includes('*'))) {
    throw new AppError('forbidden', 'only an owner can create a key with every scope', { field: 'scopes' });
  }
  const token = newSecret(input.kind === 'secret' ? 'sk' : 'pk');
  const row = await inTx(ctx.db, async (tx) => {
    const row = await q(tx)
      .insertInto('api_key')
      .values({
        id: newId('key'),
        name: input.name,
        kind: input.kind,
        token_hash: sha256(token),
        token_hint: `${token.slice(0, 7)}…${token.slice(-4)}`,
        scopes: input.scopes,
        created_by: ctx.actor.id,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await emit(tx, 'api_key.created', row.id, { id: row.id, scopes: row.scopes });
    return row;
  });
  return { ...toKey(row), token };
}

export async function listApiKeys(ctx: Ctx): Promise<ApiKey[]> {
  return (await q(ctx.db).selectFrom('api_key').selectAll().orderBy('id').execute()).map(toKey);
}

export async function revokeApiKey(ctx: Ctx, id: string): Promise<ApiKey> {
  const row = await inTx(ctx.db, async (tx) => {
    const row = await q(tx).updateTable('api_key').set({ revoked_at: new Date() }).where('id', '=', id).where('revoked_at', 'is', null).returningAll().executeTakeFirst();
    if (!row) throw notFound('API key', id, 'id');
    await emit(tx, 'api_key.revoked', row.id, { id: row.id });
    return row;
  });
  forgetActor(row.id);
  return toKey(row);
}
