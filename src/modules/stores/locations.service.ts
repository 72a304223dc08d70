import { sql } from 'kysely';
import type { z } from 'zod';
import { inTx, PREPARED, tables, type Executor } from '../../platform/db.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { forgetEveryone } from '../../platform/auth-cache.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import type { HoursException, WeeklyHours } from './opening-hours.js';
import type { GeoPoint } from './geo.js';
import {
  locationPatchSchema,
  newLocationSchema,
  type Address,
  type LocationKind,
  type LocationPatch,
  type Service,
} from './stores.schemas.js';
import type { LocationRow, StoresTables } from './stores.tables.js';

export interface Location {
  id: string;
  kind: LocationKind;
  code: string;
  name: string;
  address: Address;
  geo: GeoPoint;
  timezone: string;
  openingHours: WeeklyHours;
  exceptions: HoursException[];
  services: Service[];
  /** Allocation order: lower numbers are drawn on first. */
  priority: number;
  partnerId: string | null;
  active: boolean;
  phone: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface LocationFilter {
  kind?: LocationKind;
  partnerId?: string;
  service?: Service;
  ids?: string[];
  city?: string;
  active?: boolean;
}

export const q = (db: Executor) => tables<StoresTables>(db);
const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

export function toLocation(r: LocationRow): Location {
  return {
    id: r.id,
    kind: r.kind,
    code: r.code,
    name: r.name,
    address: json(r.address),
    geo: { lat: r.lat, lng: r.lng },
    timezone: r.timezone,
    openingHours: json(r.opening_hours),
    exceptions: json(r.exceptions),
    services: r.services as Service[],
    priority: r.priority,
    partnerId: r.partner_id,
    active: r.active,
    phone: r.phone,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/** Validates input for callers other than the HTTP layer too; the first problem names its field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const res = schema.safeParse(input);
  if (res.success) return res.data;
  const issue = res.error.issues[0];
  const field = issue.path.join('.');
  throw new AppError('validation_failed', `${field}: ${issue.message}`, { field });
}

const codeTaken = (code: string) => new AppError('code_taken', `another location has the code ${code}`, { field: 'code' });

function columns(p: LocationPatch) {
  return {
    ...(p.kind !== undefined && { kind: p.kind }),
    ...(p.code !== undefined && { code: p.code }),
    ...(p.name !== undefined && { name: p.name }),
    ...(p.address !== undefined && { address: JSON.stringify(p.address) }),
    ...(p.geo !== undefined && { lat: p.geo.lat, lng: p.geo.lng }),
    ...(p.timezone !== undefined && { timezone: p.timezone }),
    ...(p.openingHours !== undefined && { opening_hours: JSON.stringify(p.openingHours) }),
    ...(p.exceptions !== undefined && { exceptions: JSON.stringify(p.exceptions) }),
    ...(p.services !== undefined && { services: p.services }),
    ...(p.priority !== undefined && { priority: p.priority }),
    ...(p.partnerId !== undefined && { partner_id: p.partnerId }),
    ...(p.active !== undefined && { active: p.active }),
    ...(p.phone !== undefined && { phone: p.phone }),
  };
}

export async function createLocation(ctx: Ctx, input: z.input<typeof newLocationSchema>): Promise<Location> {
  const data = parseInput(newLocationSchema, input);
  return inTx(ctx.db, async (tx) => {
    // ON CONFLICT keeps a caller's transaction usable when the code is taken (also under a race).
    const row = await q(tx)
      .insertInto('location')
      .values({ id: newId('loc'), ...columns(data) } as any)
      .onConflict((oc) => oc.column('code').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) throw codeTaken(data.code);
    const location = toLocation(row);
    await emit(tx, 'location.created', location.id, location);
    return location;
  });
}

export async function updateLocation(ctx: Ctx, id: string, patch: z.input<typeof locationPatchSchema>): Promise<Location> {
  const data = parseInput(locationPatchSchema, patch);
  const changed = Object.keys(data).filter((k) => data[k as keyof LocationPatch] !== undefined);
  const updated = await inTx(ctx.db, async (tx) => {
    if (data.code !== undefined) {
      const other = await q(tx).selectFrom('location').select('id').where('code', '=', data.code).where('id', '!=', id).executeTakeFirst();
      if (other) throw codeTaken(data.code);
    }
    if (!changed.length) return getLocation({ ...ctx, db: tx }, id);
    let row: LocationRow | undefined;
    try {
      row = await q(tx)
        .updateTable('location')
        .set({ ...columns(data), updated_at: sql<Date>`now()` } as any)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    } catch (err) {
      // Another writer took the code between our check and this update.
      if ((err as { code?: string }).code === '23505') throw codeTaken(data.code!);
      throw err;
    }
    if (!row) throw notFound('location', id, 'id');
    const location = toLocation(row);
    await emit(tx, 'location.updated', location.id, { changed, location });
    return location;
  });
  // Whether a store's clerks work for a partner decides what they may do (see PARTNER_CLERK_SCOPES).
  if (changed.includes('partnerId')) forgetEveryone();
  return updated;
}

export async function getLocation(ctx: Ctx, id: string): Promise<Location> {
  const row = await q(ctx.db).selectFrom('location').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('location', id, 'id');
  return toLocation(row);
}

/** The locations with these ids, in the order asked; unknown ids are left out. */
export async function getLocations(ctx: Ctx, ids: string[]): Promise<Location[]> {
  if (!ids.length) return [];
  const wanted = [...new Set(ids)];
  // Checkouts and voucher redemptions read their stores here on every request: planned once per connection.
  const { rows } = await sql<LocationRow>`${PREPARED}SELECT * FROM location WHERE id = ANY(${wanted}::text[])`.execute(ctx.db);
  const byId = new Map(rows.map((r) => [r.id, toLocation(r)]));
  return wanted.flatMap((id) => byId.get(id) ?? []);
}

function filtered(db: Executor, f: LocationFilter) {
  let query = q(db).selectFrom('location').selectAll();
  if (f.kind) query = query.where('kind', '=', f.kind);
  if (f.partnerId) query = query.where('partner_id', '=', f.partnerId);
  if (f.service) query = query.where(sql<boolean>`services @> ARRAY[${f.service}]::text[]`);
  if (f.ids) query = query.where('id', 'in', f.ids.length ? f.ids : ['']);
  if (f.city) query = query.where(sql<string>`lower(address->>'city')`, '=', f.city.toLowerCase());
  if (f.active !== undefined) query = query.where('active', '=', f.active);
  return query;
}

/** Every location matching the filter, in allocation order (priority, then code). */
export async function listLocations(ctx: Ctx, filter: LocationFilter = {}): Promise<Location[]> {
  const rows = await filtered(ctx.db, filter).orderBy('priority').orderBy('code').execute();
  return rows.map(toLocation);
}

/** One page of locations in id order; `nextCursor` continues after the last one. */
export async function pageLocations(ctx: Ctx, filter: LocationFilter, page: { limit: number; after?: string }): Promise<{ data: Location[]; nextCursor: string | null }> {
  let query = filtered(ctx.db, filter).orderBy('id').limit(page.limit + 1);
  if (page.after) query = query.where('id', '>', page.after);
  const rows = await query.execute();
  const data = rows.slice(0, page.limit).map(toLocation);
  return { data, nextCursor: rows.length > page.limit ? data.at(-1)!.id : null };
}
