import { tables, inTx, type Executor } from '../../platform/db.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import type { Money } from '../../platform/money.js';
import type { Ctx } from '../../platform/context.js';
import { getLocations } from '../stores/index.js';
import type { AppointmentTables, ServiceKind, ServiceRow } from './appointments.tables.js';
import type { WeeklyHours } from './slots.js';

const q = (db: Executor) => tables<AppointmentTables>(db);

export interface ServiceLocation {
  locationId: string;
  /** Hours this service is bookable at the store; null means the store's opening hours. */
  hours: WeeklyHours | null;
}

export interface AppointmentService {
  id: string;
  kind: ServiceKind;
  name: string;
  description: string | null;
  durationMinutes: number;
  slotMinutes: number;
  capacity: number;
  leadMinutes: number;
  horizonDays: number;
  price: Money | null;
  active: boolean;
  locations: ServiceLocation[];
  createdAt: string;
  updatedAt: string;
}

export interface NewService {
  kind: ServiceKind;
  name: string;
  description?: string | null;
  durationMinutes: number;
  /** Defaults to the duration: back-to-back appointments. */
  slotMinutes?: number;
  capacity?: number;
  leadMinutes?: number;
  horizonDays?: number;
  price?: Money | null;
  active?: boolean;
  locations: ServiceLocation[];
}

export type ServicePatch = Partial<NewService>;

const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

function toService(r: ServiceRow, locations: ServiceLocation[]): AppointmentService {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    description: r.description,
    durationMinutes: r.duration_minutes,
    slotMinutes: r.slot_minutes,
    capacity: r.capacity,
    leadMinutes: r.lead_minutes,
    horizonDays: r.horizon_days,
    price: r.price_amount === null ? null : { amount: Number(r.price_amount), currency: r.price_currency! },
    active: r.active,
    locations,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

async function locationsOf(db: Executor, serviceIds: string[]): Promise<Map<string, ServiceLocation[]>> {
  const byService = new Map<string, ServiceLocation[]>(serviceIds.map((id) => [id, []]));
  if (!serviceIds.length) return byService;
  const rows = await q(db).selectFrom('appointment_service_location').selectAll().where('service_id', 'in', serviceIds).orderBy('location_id').execute();
  for (const r of rows) byService.get(r.service_id)!.push({ locationId: r.location_id, hours: r.hours === null ? null : json<WeeklyHours>(r.hours) });
  return byService;
}

/** Stores named must exist and be stores (not warehouses), each listed once. */
async function checkLocations(ctx: Ctx, locations: ServiceLocation[]): Promise<void> {
  const found = new Map((await getLocations(ctx, locations.map((l) => l.locationId))).map((l) => [l.id, l]));
  const seen = new Set<string>();
  for (const [i, { locationId }] of locations.entries()) {
    const field = `locations.${i}.locationId`;
    if (seen.has(locationId)) throw new AppError('validation_failed', `location ${locationId} is listed twice`, { field });
    seen.add(locationId);
    const loc = found.get(locationId);
    if (!loc) throw notFound('location', locationId, field);
    if (loc.kind !== 'store') throw new AppError('validation_failed', `location ${locationId} is a ${loc.kind}, not a store`, { field });
  }
}

async function writeLocations(db: Executor, serviceId: string, locations: ServiceLocation[]): Promise<void> {
  await q(db).deleteFrom('appointment_service_location').where('service_id', '=', serviceId).execute();
  if (!locations.length) return;
  await q(db)
    .insertInto('appointment_service_location')
    .values(locations.map((l) => ({ service_id: serviceId, location_id: l.locationId, hours: (l.hours === null ? null : JSON.stringify(l.hours)) as any })))
    .execute();
}

export async function createService(ctx: Ctx, input: NewService): Promise<AppointmentService> {
  return inTx(ctx.db, async (tx) => {
    const c = { ...ctx, db: tx };
    await checkLocations(c, input.locations);
    const row = await q(tx)
      .insertInto('appointment_service')
      .values({
        id: newId('aps'),
        kind: input.kind,
        name: input.name,
        description: input.description ?? null,
        duration_minutes: input.durationMinutes,
        slot_minutes: input.slotMinutes ?? input.durationMinutes,
        capacity: input.capacity ?? 1,
        lead_minutes: input.leadMinutes ?? 0,
        horizon_days: input.horizonDays ?? 30,
        price_amount: input.price?.amount ?? null,
        price_currency: input.price?.currency ?? null,
        active: input.active ?? true,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await writeLocations(tx, row.id, input.locations);
    const service = toService(row, (await locationsOf(tx, [row.id])).get(row.id)!);
    await emit(tx, 'appointment_service.created', row.id, { id: row.id, kind: row.kind, locationIds: service.locations.map((l) => l.locationId) });
    return service;
  });
}

export async function updateService(ctx: Ctx, id: string, patch: ServicePatch): Promise<AppointmentService> {
  return inTx(ctx.db, async (tx) => {
    const c = { ...ctx, db: tx };
    const exists = await q(tx).selectFrom('appointment_service').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
    if (!exists) throw notFound('appointment service', id, 'id');
    if (patch.locations) {
      await checkLocations(c, patch.locations);
      await writeLocations(tx, id, patch.locations);
    }
    const row = await q(tx)
      .updateTable('appointment_service')
      .set({
        ...(patch.kind !== undefined && { kind: patch.kind }),
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.description !== undefined && { description: patch.description }),
        ...(patch.durationMinutes !== undefined && { duration_minutes: patch.durationMinutes }),
        ...(patch.slotMinutes !== undefined && { slot_minutes: patch.slotMinutes }),
        ...(patch.capacity !== undefined && { capacity: patch.capacity }),
        ...(patch.leadMinutes !== undefined && { lead_minutes: patch.leadMinutes }),
        ...(patch.horizonDays !== undefined && { horizon_days: patch.horizonDays }),
        ...(patch.price !== undefined && { price_amount: patch.price?.amount ?? null, price_currency: patch.price?.currency ?? null }),
        ...(patch.active !== undefined && { active: patch.active }),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await emit(tx, 'appointment_service.updated', id, { id, changed: Object.keys(patch) });
    return toService(row, (await locationsOf(tx, [id])).get(id)!);
  });
}

export async function getService(ctx: Ctx, id: string): Promise<AppointmentService> {
  const row = await q(ctx.db).selectFrom('appointment_service').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('appointment service', id, 'id');
  return toService(row, (await locationsOf(ctx.db, [id])).get(id)!);
}

export async function listServices(ctx: Ctx, filter: { locationId?: string; kind?: ServiceKind; active?: boolean } = {}): Promise<AppointmentService[]> {
  let query = q(ctx.db).selectFrom('appointment_service as s').selectAll('s');
  if (filter.kind) query = query.where('s.kind', '=', filter.kind);
  if (filter.active !== undefined) query = query.where('s.active', '=', filter.active);
  if (filter.locationId) {
    const locationId = filter.locationId;
    query = query.where((eb) =>
      eb.exists(eb.selectFrom('appointment_service_location as l').select('l.service_id').whereRef('l.service_id', '=', 's.id').where('l.location_id', '=', locationId)),
    );
  }
  const rows = await query.orderBy('s.id').execute();
  const locations = await locationsOf(ctx.db, rows.map((r) => r.id));
  return rows.map((r) => toService(r, locations.get(r.id)!));
}
