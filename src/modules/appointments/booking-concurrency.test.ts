import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../tests/harness.js';
import { at, createService, createStore, dayAhead } from './appointments.fixtures.js';

let t: TestApp;
let storeId: string;
const date = dayAhead(3);

beforeAll(async () => {
  t = await startTestApp();
  storeId = await createStore(t);
});
afterAll(async () => t?.close());

const book = (serviceId: string, hhmm: string, name: string) =>
  t.call('POST', '/v1/appointments', { serviceId, locationId: storeId, start: at(date, hhmm), contact: { name } });

async function remaining(serviceId: string): Promise<Record<string, number>> {
  const res = await t.call('GET', `/v1/stores/${storeId}/appointment-slots?serviceId=${serviceId}&date=${date}`);
  expect(res.status).toBe(200);
  return Object.fromEntries(res.body.slots.map((s: any) => [s.start.slice(11, 16), s.remaining]));
}

/** Live appointments per local start time, as the store's day list shows them. */
async function liveByTime(serviceId: string): Promise<Record<string, number>> {
  const res = await t.call('GET', `/v1/appointments?locationId=${storeId}&date=${date}&status=booked`);
  const counts: Record<string, number> = {};
  for (const a of res.body.data.filter((a: any) => a.serviceId === serviceId)) counts[a.start.slice(11, 16)] = (counts[a.start.slice(11, 16)] ?? 0) + 1;
  return counts;
}

describe('booking under concurrency', () => {
  it('20 customers booking a slot of capacity 3 at once: exactly 3 get it', async () => {
    const service = await createService(t, { capacity: 3, locations: [{ locationId: storeId }] });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => book(service.id, '10:00', `Customer ${i}`)));
    const ok = results.filter((r) => r.status === 201);
    expect(ok).toHaveLength(3);
    expect(results.filter((r) => r.status === 409).map((r) => r.body.code)).toEqual(Array(17).fill('slot_full'));
    expect((await remaining(service.id))['10:00']).toBe(0);
    expect((await liveByTime(service.id))['10:00']).toBe(3);
  });

  it('reschedules racing for the last places of a slot: only as many move as there are places, the rest stay put', async () => {
    const service = await createService(t, { capacity: 3, locations: [{ locationId: storeId }] });
    expect((await book(service.id, '15:00', 'Already there')).status).toBe(201);
    const movers = [];
    for (const hhmm of ['09:00', '10:00', '11:00', '12:00', '13:00', '14:00']) movers.push((await book(service.id, hhmm, `From ${hhmm}`)).body);
    const results = await Promise.all(movers.map((a) => t.call('POST', `/v1/appointments/${a.id}/reschedule`, { start: at(date, '15:00') })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(2);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'slot_full' && r.body.field === 'start')).toBe(true);
    const live = await liveByTime(service.id);
    const left = await remaining(service.id);
    expect(live['15:00']).toBe(3);
    expect(left['15:00']).toBe(0);
    // Every slot's places agree with the appointments in it: moved ones freed theirs, failed ones kept theirs.
    for (const hhmm of ['09:00', '10:00', '11:00', '12:00', '13:00', '14:00']) expect(left[hhmm]).toBe(3 - (live[hhmm] ?? 0));
    expect(Object.values(live).reduce((a, b) => a + b, 0)).toBe(7);
  });

  it('two full slots swapping their appointments at once neither deadlock nor overfill', async () => {
    const service = await createService(t, { capacity: 1, locations: [{ locationId: storeId }] });
    const a = (await book(service.id, '09:00', 'A')).body;
    const b = (await book(service.id, '10:00', 'B')).body;
    const extra = Array.from({ length: 4 }, (_, i) => book(service.id, i % 2 ? '09:00' : '10:00', `Late ${i}`));
    const [toB, toA, ...late] = await Promise.all([
      t.call('POST', `/v1/appointments/${a.id}/reschedule`, { start: at(date, '10:00') }),
      t.call('POST', `/v1/appointments/${b.id}/reschedule`, { start: at(date, '09:00') }),
      ...extra,
    ]);
    expect([toB.status, toA.status]).toEqual([409, 409]);
    expect(late.every((r) => r.status === 409)).toBe(true);
    expect(await liveByTime(service.id)).toEqual({ '09:00': 1, '10:00': 1 });
    const left = await remaining(service.id);
    expect([left['09:00'], left['10:00']]).toEqual([0, 0]);
  });

  it('cancelling and booking the freed place at once never lets two customers into one place', async () => {
    const service = await createService(t, { capacity: 1, locations: [{ locationId: storeId }] });
    const first = (await book(service.id, '11:00', 'First')).body;
    const [cancel, ...bookings] = await Promise.all([
      t.call('POST', `/v1/appointments/${first.id}/cancel`, {}),
      ...Array.from({ length: 8 }, (_, i) => book(service.id, '11:00', `Next ${i}`)),
    ]);
    expect(cancel.status).toBe(200);
    expect(bookings.filter((r) => r.status === 201).length).toBeLessThanOrEqual(1);
    const live = (await liveByTime(service.id))['11:00'] ?? 0;
    expect(live).toBe(bookings.filter((r) => r.status === 201).length);
    expect((await remaining(service.id))['11:00']).toBe(1 - live);
  });
});
