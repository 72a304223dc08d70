import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { startTestApp, type TestApp } from '../../../tests/harness.js';
import { at, createService, createStore, dayAhead, smsInbox, tillAt } from './appointments.fixtures.js';
import { addDays, localDate, offsetMinutes } from '../../platform/zoned-time.js';

let t: TestApp;
let sms: Server;
let signIn: (phone: string) => Promise<string>;
let storeA: string;
let storeB: string;
/** An order rung up at the till (for `customerId` when given): what an installation is bought with. */
let tillOrder: (customerId?: string) => Promise<{ id: string; lineId: string }>;
const date = dayAhead(2);

beforeAll(async () => {
  const inbox = await smsInbox();
  sms = inbox.server;
  t = await startTestApp({ smsProviderUrl: inbox.url, smsProviderKey: 'test-key' } as object);
  signIn = (phone) => inbox.signIn(t, phone);
  storeA = await createStore(t);
  storeB = await createStore(t);
  tillOrder = await tillAt(t, storeB);
});
afterAll(async () => {
  await t?.close();
  sms?.close();
});

const slotsOf = async (serviceId: string, locationId: string, day = date, token?: string) =>
  t.call('GET', `/v1/stores/${locationId}/appointment-slots?serviceId=${serviceId}&date=${day}`, undefined, token ? { token } : {});

async function remainingAt(serviceId: string, locationId: string, hhmm: string): Promise<number> {
  const res = await slotsOf(serviceId, locationId);
  return res.body.slots.find((s: any) => s.start === at(date, hhmm)).remaining;
}

async function events(type: string, aggregateId: string): Promise<any[]> {
  const rows = await t.omni.database.db.selectFrom('outbox_event').selectAll().where('type', '=', type).where('aggregate_id', '=', aggregateId).execute();
  return rows.map((r: any) => (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload));
}

describe('bookable services', () => {
  it('are created for stores, read back, listed per store and changed', async () => {
    const s = await createService(t, {
      kind: 'optometry',
      name: 'Eye test',
      durationMinutes: 30,
      capacity: 2,
      leadMinutes: 120,
      horizonDays: 14,
      price: { amount: 5000, currency: 'CNY' },
      locations: [{ locationId: storeA, hours: { sat: [{ open: '10:00', close: '12:00' }] } }],
    });
    expect(s).toMatchObject({ kind: 'optometry', slotMinutes: 30, capacity: 2, price: { amount: 5000, currency: 'CNY' }, active: true });
    expect((await t.call('GET', `/v1/appointment-services/${s.id}`)).body.locations).toEqual([{ locationId: storeA, hours: { sat: [{ open: '10:00', close: '12:00' }] } }]);
    const atB = await t.call('GET', `/v1/appointment-services?locationId=${storeB}`);
    expect(atB.body.data.map((x: any) => x.id)).not.toContain(s.id);
    const patched = await t.call('PATCH', `/v1/appointment-services/${s.id}`, { capacity: 4, price: null, locations: [{ locationId: storeB }] });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ capacity: 4, price: null, locations: [{ locationId: storeB, hours: null }] });
    expect((await t.call('GET', `/v1/appointment-services?locationId=${storeB}`)).body.data.map((x: any) => x.id)).toContain(s.id);
  });

  it('reject bad input naming the field, and clerks cannot manage them', async () => {
    const overlap = await t.call('POST', '/v1/appointment-services', {
      kind: 'fitting', name: 'x', durationMinutes: 30,
      locations: [{ locationId: storeA, hours: { mon: [{ open: '09:00', close: '12:00' }, { open: '11:00', close: '13:00' }] } }],
    });
    expect(overlap.status).toBe(400);
    expect(overlap.body.field).toBe('locations.0.hours.mon.1.open');
    const unknown = await t.call('POST', '/v1/appointment-services', { kind: 'fitting', name: 'x', durationMinutes: 30, locations: [{ locationId: 'loc_nope' }] });
    expect(unknown.status).toBe(404);
    expect(unknown.body.field).toBe('locations.0.locationId');
    const warehouse = await createStore(t, { kind: 'warehouse' });
    const notStore = await t.call('POST', '/v1/appointment-services', { kind: 'repair', name: 'x', durationMinutes: 30, locations: [{ locationId: warehouse }] });
    expect(notStore.status).toBe(400);
    expect(notStore.body.field).toBe('locations.0.locationId');
    const badKind = await t.call('POST', '/v1/appointment-services', { kind: 'massage', name: 'x', durationMinutes: 30 });
    expect(badKind.body.field).toBe('kind');
    const clerk = await t.staff('clerk', [storeA]);
    expect((await t.call('POST', '/v1/appointment-services', { kind: 'fitting', name: 'x', durationMinutes: 30 }, { token: clerk })).status).toBe(403);
    expect((await t.call('GET', '/v1/appointment-services')).body.data.filter((s: any) => s.name === 'x')).toEqual([]);
  });
});

describe('slots', () => {
  it("follow the service's hours at the store (else the store's), with places left", async () => {
    const s = await createService(t, {
      durationMinutes: 45,
      slotMinutes: 60,
      capacity: 3,
      locations: [{ locationId: storeA, hours: Object.fromEntries(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((d) => [d, [{ open: '14:00', close: '17:00' }]])) }, { locationId: storeB }],
    });
    const a = await slotsOf(s.id, storeA);
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ timezone: 'Asia/Shanghai', date });
    expect(a.body.slots).toEqual([14, 15, 16].map((h) => ({ start: at(date, `${h}:00`), end: at(date, `${h}:45`), capacity: 3, remaining: 3 })));
    const b = await slotsOf(s.id, storeB);
    expect(b.body.slots.map((x: any) => x.start.slice(11, 16))).toEqual(['09:00', '10:00', '11:00', '12:00', '13:00', '14:00', '15:00', '16:00', '17:00']);
  });

  it("skip the store's closed dates and are empty before today or past the horizon", async () => {
    const closedDay = dayAhead(4);
    const store = await createStore(t, { exceptions: [{ date: closedDay, closed: true }] });
    const s = await createService(t, { horizonDays: 5, locations: [{ locationId: store }] });
    expect((await slotsOf(s.id, store, closedDay)).body.slots).toEqual([]);
    expect((await slotsOf(s.id, store, dayAhead(5))).body.slots).toHaveLength(9);
    expect((await slotsOf(s.id, store, dayAhead(6))).body.slots).toEqual([]);
    expect((await slotsOf(s.id, store, dayAhead(-1))).body.slots).toEqual([]);
  });

  it("are computed in the store's zone across a clock change (Berlin)", async () => {
    // The next date whose local day is not 24 hours long: a clock change.
    const today = localDate(Date.now(), 'Europe/Berlin');
    let change = today;
    for (let d = 1; d < 366; d++) {
      const day = addDays(today, d);
      const noon = Date.parse(`${day}T12:00:00Z`);
      if (offsetMinutes(noon - 86_400_000, 'Europe/Berlin') !== offsetMinutes(noon, 'Europe/Berlin')) {
        change = day;
        break;
      }
    }
    const night = [{ open: '00:00', close: '06:00' }];
    const store = await createStore(t, { timezone: 'Europe/Berlin', openingHours: Object.fromEntries(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((d) => [d, night])) });
    const s = await createService(t, { horizonDays: 366, locations: [{ locationId: store }] });
    const res = await slotsOf(s.id, store, change);
    const springForward = offsetMinutes(Date.parse(`${change}T12:00:00Z`), 'Europe/Berlin') === 120;
    const starts = res.body.slots.map((x: any) => x.start.slice(11));
    expect(starts).toEqual(
      springForward
        ? ['00:00:00+01:00', '01:00:00+01:00', '03:00:00+02:00', '04:00:00+02:00', '05:00:00+02:00']
        : ['00:00:00+02:00', '01:00:00+02:00', '02:00:00+02:00', '02:00:00+01:00', '03:00:00+01:00', '04:00:00+01:00', '05:00:00+01:00'],
    );
  });

  it('of a service the store does not offer are a 422 naming serviceId; signing in is required', async () => {
    const s = await createService(t, { locations: [{ locationId: storeA }] });
    const res = await slotsOf(s.id, storeB);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'service_not_offered', field: 'serviceId' });
    expect((await t.call('GET', `/v1/stores/${storeA}/appointment-slots?serviceId=${s.id}&date=${date}`, undefined, { token: null })).status).toBe(401);
    expect((await t.call('GET', `/v1/stores/${storeA}/appointment-slots?serviceId=${s.id}&date=2026-13-01`)).body.field).toBe('date');
  });
});

describe('booking by staff', () => {
  let service: any;
  beforeAll(async () => {
    service = await createService(t, { kind: 'installation', name: 'TV wall mount', durationMinutes: 90, slotMinutes: 60, capacity: 2, leadMinutes: 60, horizonDays: 10, locations: [{ locationId: storeA }] });
  });

  it('books a contact into a slot, takes a place and emits appointment.booked', async () => {
    const order = await tillOrder();
    const res = await t.call('POST', '/v1/appointments', { serviceId: service.id, locationId: storeA, start: at(date, '10:00'), contact: { name: 'Li Lei', phone: '+8613800138000' }, orderId: order.id, orderLineId: order.lineId });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'booked', start: at(date, '10:00'), end: at(date, '11:30'), contact: { name: 'Li Lei' }, orderId: order.id, orderLineId: order.lineId });
    expect(await remainingAt(service.id, storeA, '10:00')).toBe(1);
    expect(await events('appointment.booked', res.body.id)).toEqual([expect.objectContaining({ id: res.body.id, locationId: storeA, start: at(date, '10:00') })]);
    const day = await t.call('GET', `/v1/appointments?locationId=${storeA}&date=${date}`);
    expect(day.body.data.map((a: any) => a.id)).toContain(res.body.id);
  });

  it('one order line gets one live appointment; after cancelling it can be booked again', async () => {
    const order = await tillOrder();
    const body = { serviceId: service.id, locationId: storeA, start: at(date, '12:00'), contact: { name: 'Han Meimei' }, orderId: order.id, orderLineId: order.lineId };
    const first = await t.call('POST', '/v1/appointments', body);
    expect(first.status).toBe(201);
    const again = await t.call('POST', '/v1/appointments', { ...body, start: at(date, '13:00') });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'order_line_already_booked', field: 'orderLineId' });
    expect(await remainingAt(service.id, storeA, '13:00')).toBe(2);
    await t.call('POST', `/v1/appointments/${first.body.id}/cancel`, { reason: 'customer called' });
    expect((await t.call('POST', '/v1/appointments', { ...body, start: at(date, '13:00') })).status).toBe(201);
  });

  const bad: Array<{ name: string; body: () => Record<string, unknown>; status: number; code: string; field: string }> = [
    { name: 'a slot in the past', body: () => ({ start: at(dayAhead(-1), '10:00') }), status: 422, code: 'slot_too_soon', field: 'start' },
    { name: 'a slot inside the lead time', body: () => ({ start: new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000).toISOString() }), status: 422, code: 'slot_too_soon', field: 'start' },
    { name: 'a time off the slot grid', body: () => ({ start: at(date, '10:30') }), status: 422, code: 'slot_not_offered', field: 'start' },
    { name: 'a slot running past closing', body: () => ({ start: at(date, '17:00') }), status: 422, code: 'slot_not_offered', field: 'start' },
    { name: 'a slot past the horizon', body: () => ({ start: at(dayAhead(11), '10:00') }), status: 422, code: 'slot_beyond_horizon', field: 'start' },
    { name: 'a store not offering the service', body: () => ({ locationId: storeB }), status: 422, code: 'service_not_offered', field: 'locationId' },
    { name: 'an unknown service', body: () => ({ serviceId: 'aps_nope' }), status: 404, code: 'not_found', field: 'serviceId' },
    { name: 'nobody to book for', body: () => ({ contact: undefined }), status: 400, code: 'validation_failed', field: 'customerId' },
    { name: 'an unknown customer', body: () => ({ contact: undefined, customerId: 'cus_nope' }), status: 404, code: 'not_found', field: 'customerId' },
    { name: 'an order line without its order', body: () => ({ orderLineId: 'line_x' }), status: 400, code: 'validation_failed', field: 'orderId' },
    { name: 'an unknown order', body: () => ({ orderId: 'ord_nope' }), status: 404, code: 'not_found', field: 'orderId' },
    { name: 'a start without offset', body: () => ({ start: `${date}T10:00:00` }), status: 400, code: 'validation_failed', field: 'start' },
  ];
  for (const c of bad) {
    it(`refuses ${c.name} with problem+json naming ${c.field}, changing nothing`, async () => {
      const before = (await t.call('GET', `/v1/appointments?locationId=${storeA}&date=${date}`)).body.data.length;
      const res = await t.call('POST', '/v1/appointments', { serviceId: service.id, locationId: storeA, start: at(date, '11:00'), contact: { name: 'X' }, ...c.body() });
      expect(res.status).toBe(c.status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toMatchObject({ code: c.code, field: c.field });
      expect((await t.call('GET', `/v1/appointments?locationId=${storeA}&date=${date}`)).body.data.length).toBe(before);
      expect(await remainingAt(service.id, storeA, '11:00')).toBe(2);
    });
  }

  it('reschedules: the place moves from the old slot to the new one', async () => {
    const a = (await t.call('POST', '/v1/appointments', { serviceId: service.id, locationId: storeA, start: at(date, '14:00'), contact: { name: 'Mover' } })).body;
    const res = await t.call('POST', `/v1/appointments/${a.id}/reschedule`, { start: at(date, '15:00') });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ start: at(date, '15:00'), end: at(date, '16:30'), status: 'booked' });
    expect(await remainingAt(service.id, storeA, '14:00')).toBe(2);
    expect(await remainingAt(service.id, storeA, '15:00')).toBe(1);
    expect(await events('appointment.rescheduled', a.id)).toEqual([expect.objectContaining({ previousStart: at(date, '14:00'), start: at(date, '15:00') })]);
    const offGrid = await t.call('POST', `/v1/appointments/${a.id}/reschedule`, { start: at(date, '15:30') });
    expect(offGrid.body).toMatchObject({ code: 'slot_not_offered', field: 'start' });
    expect((await t.call('GET', `/v1/appointments/${a.id}`)).body.start).toBe(at(date, '15:00'));
  });

  it('a cancelled appointment cannot be rescheduled, cancelled or checked in again', async () => {
    const a = (await t.call('POST', '/v1/appointments', { serviceId: service.id, locationId: storeA, start: at(date, '16:00'), contact: { name: 'Gone' } })).body;
    const cancelled = await t.call('POST', `/v1/appointments/${a.id}/cancel`, { reason: 'ill' });
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: 'ill' });
    expect(await remainingAt(service.id, storeA, '16:00')).toBe(2);
    expect(await events('appointment.cancelled', a.id)).toHaveLength(1);
    for (const [path, body] of [['reschedule', { start: at(date, '09:00') }], ['cancel', {}], ['check-in', undefined]] as const) {
      const res = await t.call('POST', `/v1/appointments/${a.id}/${path}`, body);
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'appointment_not_active', field: 'id', status: 'cancelled' });
    }
    expect(await remainingAt(service.id, storeA, '09:00')).toBe(2);
    expect(await remainingAt(service.id, storeA, '16:00')).toBe(2);
  });

  it('a clerk books, lists and checks in at their store only', async () => {
    const clerkA = await t.staff('clerk', [storeA]);
    const clerkB = await t.staff('clerk', [storeB]);
    const a = await t.call('POST', '/v1/appointments', { serviceId: service.id, locationId: storeA, start: at(date, '09:00'), contact: { name: 'Walk-in' } }, { token: clerkA });
    expect(a.status).toBe(201);
    const foreign = await t.call('POST', `/v1/appointments/${a.body.id}/check-in`, undefined, { token: clerkB });
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe('store_out_of_scope');
    expect((await t.call('GET', `/v1/appointments?locationId=${storeA}&date=${date}`, undefined, { token: clerkB })).status).toBe(403);
    expect((await t.call('POST', `/v1/appointments/${a.body.id}/cancel`, {}, { token: clerkB })).status).toBe(403);
    expect((await t.call('GET', `/v1/appointments/${a.body.id}`)).body.status).toBe('booked');
    const checked = await t.call('POST', `/v1/appointments/${a.body.id}/check-in`, undefined, { token: clerkA });
    expect(checked.status).toBe(200);
    expect(checked.body.status).toBe('checked_in');
    expect(checked.body.checkedInAt).not.toBeNull();
    expect(await events('appointment.checked_in', a.body.id)).toHaveLength(1);
    expect((await t.call('POST', `/v1/appointments/${a.body.id}/cancel`, {}, { token: clerkA })).body.code).toBe('appointment_not_active');
  });

  it('a no-show is marked only once the appointment has started', async () => {
    const a = (await t.call('POST', '/v1/appointments', { serviceId: service.id, locationId: storeA, start: at(date, '11:00'), contact: { name: 'Absent' } })).body;
    const early = await t.call('POST', `/v1/appointments/${a.id}/no-show`);
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('appointment_not_started');
    // Let the appointment's time pass.
    await t.omni.database.db.updateTable('appointment').set({ slot_start: new Date(Date.now() - 3_600_000) }).where('id', '=', a.id).execute();
    const res = await t.call('POST', `/v1/appointments/${a.id}/no-show`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('no_show');
    expect(await events('appointment.no_show', a.id)).toHaveLength(1);
  });
});

describe('booking by shoppers', () => {
  let service: any;
  beforeAll(async () => {
    service = await createService(t, { kind: 'experience', name: 'VR demo', durationMinutes: 30, capacity: 1, locations: [{ locationId: storeA }] });
  });

  it("a shopper ties a booking to a line of their own order only; staff to the booked customer's", async () => {
    const carol = await signIn('+8613800000003');
    const dave = await signIn('+8613800000004');
    const idOf = async (token: string) => (await t.call('GET', '/v1/shopper/me', undefined, { token })).body.id as string;
    const [carolId, daveId] = [await idOf(carol), await idOf(dave)];
    const carols = await tillOrder(carolId);
    const daves = await tillOrder(daveId);
    const book = (body: object, opts: object) => t.call('POST', '/v1/shopper/appointments', { serviceId: service.id, locationId: storeA, start: at(date, '15:00'), ...body }, opts);
    expect((await book({ orderId: daves.id, orderLineId: daves.lineId }, { token: carol })).body).toMatchObject({ status: 404, field: 'orderId' });
    expect((await book({ orderId: carols.id, orderLineId: daves.lineId }, { token: carol })).body).toMatchObject({ status: 404, field: 'orderLineId' });
    const staff = await t.call('POST', '/v1/appointments', { serviceId: service.id, locationId: storeA, start: at(date, '15:00'), customerId: carolId, orderId: daves.id });
    expect(staff.body).toMatchObject({ status: 400, code: 'validation_failed', field: 'orderId' });
    const mine = await book({ orderId: carols.id, orderLineId: carols.lineId }, { token: carol });
    expect(mine.body).toMatchObject({ status: 'booked', customerId: carolId, orderId: carols.id, orderLineId: carols.lineId });
  });

  it('a shopper books for themselves, sees only their own appointments, reschedules and cancels them', async () => {
    const alice = await signIn('+8613800000001');
    const bob = await signIn('+8613800000002');
    const aliceId = (await t.call('GET', '/v1/shopper/me', undefined, { token: alice })).body.id;
    const slots = await slotsOf(service.id, storeA, date, alice);
    expect(slots.status).toBe(200);
    const booked = await t.call('POST', '/v1/shopper/appointments', { serviceId: service.id, locationId: storeA, start: at(date, '10:00'), customerId: 'cus_someone_else' }, { token: alice });
    expect(booked.status).toBe(201);
    expect(booked.body).toMatchObject({ customerId: aliceId, status: 'booked' });
    const taken = await t.call('POST', '/v1/shopper/appointments', { serviceId: service.id, locationId: storeA, start: at(date, '10:00') }, { token: bob });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ code: 'slot_full', field: 'start' });

    expect((await t.call('GET', '/v1/shopper/appointments', undefined, { token: alice })).body.data.map((a: any) => a.id)).toEqual([booked.body.id]);
    expect((await t.call('GET', '/v1/shopper/appointments', undefined, { token: bob })).body.data).toEqual([]);
    expect((await t.call('GET', `/v1/shopper/appointments/${booked.body.id}`, undefined, { token: bob })).status).toBe(404);
    expect((await t.call('POST', `/v1/shopper/appointments/${booked.body.id}/cancel`, {}, { token: bob })).status).toBe(404);
    expect((await t.call('POST', `/v1/appointments/${booked.body.id}/check-in`, undefined, { token: alice })).status).toBe(403);

    const moved = await t.call('POST', `/v1/shopper/appointments/${booked.body.id}/reschedule`, { start: at(date, '10:30') }, { token: alice });
    expect(moved.body.start).toBe(at(date, '10:30'));
    const cancelled = await t.call('POST', `/v1/shopper/appointments/${booked.body.id}/cancel`, {}, { token: alice });
    expect(cancelled.body.status).toBe('cancelled');
    expect((await t.call('GET', '/v1/shopper/appointments?upcoming=true&status=booked', undefined, { token: alice })).body.data).toEqual([]);
    expect(await remainingAt(service.id, storeA, '10:30')).toBe(1);
  });

  it('shopper routes are for shoppers; staff book through /v1/appointments', async () => {
    const res = await t.call('POST', '/v1/shopper/appointments', { serviceId: service.id, locationId: storeA, start: at(date, '11:00') });
    expect(res.status).toBe(403);
  });
});
