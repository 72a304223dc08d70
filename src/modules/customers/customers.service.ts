import { sql, type Selectable } from 'kysely';
import { inTx, PREPARED, tables, type Executor } from '../../platform/db.js';
import { invalid, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import type { CustomersTables } from './customers.tables.js';
import { normalizeEmail, normalizePhone, type Contact, type Locale } from './contact.js';

const q = (db: Executor) => tables<CustomersTables>(db);

export interface Customer {
  id: string;
  email: string | null;
  phone: string | null;
  name: string | null;
  /** YYYY-MM-DD */
  birthday: string | null;
  locale: Locale | null;
  /** When the shopper proved they own the email (signed in with it); null for a guest's contact. */
  emailVerifiedAt: string | null;
  phoneVerifiedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

type Row = Selectable<CustomersTables['customer']>;
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const toCustomer = (r: Row): Customer => ({
  id: r.id,
  email: r.email,
  phone: r.phone,
  name: r.name,
  birthday: r.birthday,
  locale: r.locale,
  emailVerifiedAt: iso(r.email_verified_at),
  phoneVerifiedAt: iso(r.phone_verified_at),
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
});

// A `date` read as a Date would be shifted by the server's time zone; text is exact.
const COLUMNS = [
  'id', 'email', 'phone', 'name', 'locale', 'email_verified_at', 'phone_verified_at', 'created_at', 'updated_at',
  sql<string | null>`birthday::text`.as('birthday'),
] as const;
const select = (db: Executor) => q(db).selectFrom('customer').select(COLUMNS);

async function load(db: Executor, id: string): Promise<Customer> {
  const row = await select(db).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('customer', id, 'id');
  return toCustomer(row);
}

export const getCustomer = (ctx: Ctx, id: string): Promise<Customer> => load(ctx.db, id);

/** The customers among `ids` that exist, in id order; unknown ids are left out. */
export async function getCustomers(ctx: Ctx, ids: string[]): Promise<Customer[]> {
  if (!ids.length) return [];
  const rows = await select(ctx.db).where('id', 'in', [...new Set(ids)]).orderBy('id').execute();
  return rows.map(toCustomer);
}

async function findByContacts(db: Executor, email?: string, phone?: string): Promise<Customer | null> {
  const rows = await select(db)
    .where((eb) => eb.or([...(email ? [eb('email', '=', email)] : []), ...(phone ? [eb('phone', '=', phone)] : [])]))
    .execute();
  const row = rows.find((r) => email && r.email === email) ?? rows[0];
  return row ? toCustomer(row) : null;
}

export interface CustomerContact {
  email?: string;
  phone?: string;
  name?: string;
}

interface NewCustomer {
  email?: string;
  phone?: string;
  name?: string;
  locale?: Locale;
  source: 'guest' | 'sign_in';
}

/**
 * The customer holding one of these (already normalized) contacts, the email's first, returned as it
 * is; or a new one holding all of them. Contacts are never moved or merged between customers. Two concurrent calls for the
 * same contact meet at its unique index, and the loser reads the winner's customer.
 */
async function ensureCustomer(tx: Executor, input: NewCustomer): Promise<Customer> {
  const email = input.email ?? null;
  const phone = input.phone ?? null;
  const id = newId('cus');
  // One statement: the holder of a contact, else the new customer with its customer.created event.
  const res = await sql<Row>`${PREPARED}
    WITH found AS (
      SELECT * FROM customer WHERE email = ${email}::text OR phone = ${phone}::text
      ORDER BY email = ${email}::text DESC NULLS LAST LIMIT 1
    ), made AS (
      INSERT INTO customer (id, email, phone, name, locale)
      SELECT ${id}, ${email}::text, ${phone}::text, ${input.name ?? null}::text, ${input.locale ?? null}::text WHERE NOT EXISTS (SELECT 1 FROM found)
      ON CONFLICT DO NOTHING
      RETURNING *
    ), ev AS (
      INSERT INTO outbox_event (id, type, aggregate_id, payload)
      SELECT ${newId('evt')}, 'customer.created', id, ${JSON.stringify({ id, source: input.source })}::jsonb FROM made
    ), one AS (SELECT * FROM found UNION ALL SELECT * FROM made)
    SELECT id, email, phone, name, locale, email_verified_at, phone_verified_at, created_at, updated_at, birthday::text AS birthday FROM one`.execute(tx);
  if (res.rows[0]) return toCustomer(res.rows[0]);
  // Another call took a contact at the same moment: that customer is the one.
  const winner = await findByContacts(tx, input.email, input.phone);
  if (!winner) throw new Error('customer contact conflict without a customer holding it');
  return winner;
}

/**
 * For guest checkout: the customer this email or phone belongs to, or a new unverified one. Whoever
 * later signs in with that contact is that customer, so the guest's orders are already theirs.
 */
export async function findOrCreateCustomer(ctx: Ctx, input: CustomerContact): Promise<Customer> {
  const email = input.email === undefined ? undefined : normalizeEmail(input.email);
  const phone = input.phone === undefined ? undefined : normalizePhone(input.phone);
  if (!email && !phone) throw invalid('email', 'a customer needs an email or a phone');
  const name = input.name?.trim() || undefined;
  return inTx(ctx.db, (tx) => ensureCustomer(tx, { email, phone, name, source: 'guest' }));
}

/** The customer who just proved they own `contact`: found or created, and the contact marked verified. */
export async function verifiedCustomer(tx: Executor, contact: Contact, locale: Locale | undefined): Promise<Customer> {
  const customer = await ensureCustomer(tx, { [contact.channel]: contact.value, locale, source: 'sign_in' });
  const column = contact.channel === 'email' ? 'email_verified_at' : 'phone_verified_at';
  const verified = await q(tx)
    .updateTable('customer')
    .set({ [column]: sql`now()`, updated_at: sql`now()` })
    .where('id', '=', customer.id)
    .where(column, 'is', null)
    .returning('id')
    .executeTakeFirst();
  return verified ? load(tx, customer.id) : customer;
}

export interface ProfilePatch {
  name?: string | null;
  birthday?: string | null;
  locale?: Locale | null;
}

export async function updateProfile(ctx: Ctx, customerId: string, patch: ProfilePatch): Promise<Customer> {
  const set: Record<string, unknown> = {};
  if (patch.name !== undefined) set.name = patch.name?.trim() || null;
  if (patch.birthday !== undefined) {
    if (patch.birthday !== null && patch.birthday > new Date().toISOString().slice(0, 10)) throw invalid('birthday', 'a birthday cannot be in the future');
    set.birthday = patch.birthday;
  }
  if (patch.locale !== undefined) set.locale = patch.locale;
  const fields = Object.keys(set);
  if (!fields.length) return getCustomer(ctx, customerId);
  return inTx(ctx.db, async (tx) => {
    const row = await q(tx).updateTable('customer').set({ ...set, updated_at: sql`now()` }).where('id', '=', customerId).returning('id').executeTakeFirst();
    if (!row) throw notFound('customer', customerId, 'id');
    await emit(tx, 'customer.updated', customerId, { id: customerId, fields });
    return load(tx, customerId);
  });
}

export interface CustomerPage {
  data: Customer[];
  /** pass as `after` for the next page; null on the last one */
  next: string | null;
}

/** Staff look-up: `q` matches part of an email, phone or name; pages in id order. */
export async function searchCustomers(ctx: Ctx, input: { q?: string; limit: number; after?: string }): Promise<CustomerPage> {
  let query = select(ctx.db).orderBy('id').limit(input.limit + 1);
  const term = input.q?.trim().toLowerCase();
  if (term) {
    const like = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([eb('email', 'like', like), eb('phone', 'like', like), eb(sql`lower(name)`, 'like', like)]));
  }
  if (input.after) query = query.where('id', '>', input.after);
  const rows = await query.execute();
  const page = rows.slice(0, input.limit).map(toCustomer);
  return { data: page, next: rows.length > input.limit ? page[page.length - 1].id : null };
}
