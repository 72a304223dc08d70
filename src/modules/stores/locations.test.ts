import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../tests/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

let seq = 0;
const store = (over: Record<string, unknown> = {}) => ({
  kind: 'store',
  code: `SH-${String(++seq).padStart(3, '0')}`,
  name: 'Nanjing Road flagship',
  address: { line1: '100 Nanjing East Rd', city: 'Shanghai', country: 'cn' },
  geo: { lat: 31.2355, lng: 121.4854 },
  timezone: 'Asia/Shanghai',
  openingHours: { mon: [{ open: '10:00', close: '22:00' }], sat: [{ open: '10:00', close: '02:00' }] },
  exceptions: [{ date: '2027-02-06', closed: true, note: 'Spring Festival' }],
  services: ['pickup', 'returns'],
  priority: 10,
  phone: '+86 21 5555 0100',
  ...over,
});

async function events(type: string, id: string) {
  const rows = await t.omni.database.db.selectFrom('outbox_event').selectAll().where('type', '=', type).where('aggregate_id', '=', id).execute();
  return rows.map((r: any) => (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload));
}

describe('locations', () => {
  it('creates a store, reads it back and records location.created', async () => {
    const made = await t.call('POST', '/v1/locations', store({ code: 'SH-FLAG' }));
    expect(made.status).toBe(201);
    expect(made.body.id).toMatch(/^loc_/);
    expect(made.body).toMatchObject({
      code: 'SH-FLAG',
      address: { line1: '100 Nanjing East Rd', line2: null, city: 'Shanghai', region: null, postalCode: null, country: 'CN' },
      geo: { lat: 31.2355, lng: 121.4854 },
      exceptions: [{ date: '2027-02-06', closed: true, hours: [], note: 'Spring Festival' }],
      services: ['pickup', 'returns'],
      priority: 10,
      partnerId: null,
      active: true,
    });
    const got = await t.call('GET', `/v1/locations/${made.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(made.body);
    expect(await events('location.created', made.body.id)).toEqual([expect.objectContaining({ id: made.body.id, code: 'SH-FLAG' })]);
  });

  it('refuses a taken code, also when many create it at once', async () => {
    const first = await t.call('POST', '/v1/locations', store({ code: 'DUP-1' }));
    expect(first.status).toBe(201);
    const again = await t.call('POST', '/v1/locations', store({ code: 'DUP-1' }));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'code_taken', field: 'code' });
    const racers = await Promise.all(Array.from({ length: 8 }, () => t.call('POST', '/v1/locations', store({ code: 'RACE-1' }))));
    expect(racers.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    const listed = await t.call('GET', '/v1/locations?limit=500');
    expect(listed.body.data.filter((l: any) => l.code === 'RACE-1')).toHaveLength(1);
  });

  it.each([
    ['geo.lat', { geo: { lat: 91, lng: 121 } }],
    ['geo.lng', { geo: { lat: 31, lng: -180.5 } }],
    ['geo.lat', { geo: { lat: '31.2', lng: 121 } }],
    ['timezone', { timezone: 'Asia/Atlantis' }],
    ['address.country', { address: { line1: 'x', city: 'y', country: 'XX' } }],
    ['address.city', { address: { line1: 'x', country: 'CN' } }],
    ['openingHours.mon.0.open', { openingHours: { mon: [{ open: '25:00', close: '26:00' }] } }],
    ['openingHours.tue.1', { openingHours: { tue: [{ open: '10:00', close: '14:00' }, { open: '13:00', close: '18:00' }] } }],
    ['openingHours.wed.0', { openingHours: { wed: [{ open: '10:00', close: '10:00' }] } }],
    ['openingHours', { openingHours: { funday: [] } }],
    ['exceptions.0.hours', { exceptions: [{ date: '2027-01-01', closed: true, hours: [{ open: '10:00', close: '12:00' }] }] }],
    ['exceptions.0.hours', { exceptions: [{ date: '2027-01-01' }] }],
    ['exceptions.1.date', { exceptions: [{ date: '2027-01-01', closed: true }, { date: '2027-01-01', closed: true }] }],
    ['exceptions.0.date', { exceptions: [{ date: '2027-02-30', closed: true }] }],
    ['services.0', { services: ['teleport'] }],
    ['kind', { kind: 'kiosk' }],
    ['priority', { priority: 1.5 }],
  ])('rejects a bad %s and stores nothing', async (field, over) => {
    const code = `BAD-${++seq}`;
    const res = await t.call('POST', '/v1/locations', store({ code, ...over }));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'validation_failed', field });
    const listed = await t.call('GET', '/v1/locations?limit=500');
    expect(listed.body.data.some((l: any) => l.code === code)).toBe(false);
  });

  it('patches fields, replaces objects whole and records location.updated', async () => {
    const made = (await t.call('POST', '/v1/locations', store())).body;
    const res = await t.call('PATCH', `/v1/locations/${made.id}`, {
      name: 'Nanjing Road (renovated)',
      services: ['pickup', 'try_on', 'pickup'],
      partnerId: 'ptn_optics',
      openingHours: { sun: [{ open: '11:00', close: '21:00' }] },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Nanjing Road (renovated)', services: ['pickup', 'try_on'], partnerId: 'ptn_optics', code: made.code, priority: 10 });
    expect(res.body.openingHours).toEqual({ sun: [{ open: '11:00', close: '21:00' }] });
    expect((await t.call('GET', `/v1/locations/${made.id}`)).body.name).toBe('Nanjing Road (renovated)');
    const [evt] = await events('location.updated', made.id);
    expect(evt.changed.sort()).toEqual(['name', 'openingHours', 'partnerId', 'services']);
    const cleared = await t.call('PATCH', `/v1/locations/${made.id}`, { partnerId: null, phone: null });
    expect(cleared.body).toMatchObject({ partnerId: null, phone: null });
  });

  it('patch errors: bad coordinates, a taken code, an unknown id; nothing changes', async () => {
    const a = (await t.call('POST', '/v1/locations', store())).body;
    const b = (await t.call('POST', '/v1/locations', store())).body;
    const badGeo = await t.call('PATCH', `/v1/locations/${a.id}`, { name: 'changed', geo: { lat: 10, lng: 200 } });
    expect(badGeo.status).toBe(400);
    expect(badGeo.body.field).toBe('geo.lng');
    const taken = await t.call('PATCH', `/v1/locations/${a.id}`, { name: 'changed', code: b.code });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ code: 'code_taken', field: 'code' });
    expect((await t.call('GET', `/v1/locations/${a.id}`)).body).toEqual(a);
    const missing = await t.call('PATCH', '/v1/locations/loc_nope', { name: 'x' });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'not_found', field: 'id' });
    expect((await t.call('GET', '/v1/locations/loc_nope')).status).toBe(404);
  });

  it('lists with filters by kind, city, partner and service, page by page', async () => {
    const tag = `P${++seq}`;
    const mk = (over: Record<string, unknown>) => t.call('POST', '/v1/locations', store({ partnerId: tag, ...over }));
    await mk({ kind: 'warehouse', address: { line1: '1 Dock Rd', city: 'Ningbo', country: 'CN' }, services: [] });
    await mk({ address: { line1: '2 Huaihai Rd', city: 'shanghai', country: 'CN' }, services: ['pickup'] });
    await mk({ address: { line1: '3 Wangfujing', city: 'Beijing', country: 'CN' }, services: ['vouchers'] });
    const codes = async (qs: string) => (await t.call('GET', `/v1/locations?partnerId=${tag}&${qs}`)).body.data.map((l: any) => l.address.city);
    expect(await codes('kind=warehouse')).toEqual(['Ningbo']);
    expect(await codes('city=SHANGHAI')).toEqual(['shanghai']);
    expect(await codes('service=vouchers')).toEqual(['Beijing']);
    expect((await codes('')).length).toBe(3);
    const page1 = await t.call('GET', `/v1/locations?partnerId=${tag}&limit=2`);
    expect(page1.body.data).toHaveLength(2);
    const page2 = await t.call('GET', `/v1/locations?partnerId=${tag}&limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.data).toHaveLength(1);
    expect(page2.body.nextCursor).toBeNull();
    expect(new Set([...page1.body.data, ...page2.body.data].map((l: any) => l.id)).size).toBe(3);
  });

  it('a storefront reads locations with a publishable key but cannot change them', async () => {
    const pk = await t.apiKey(['catalog:read'], 'publishable');
    const made = (await t.call('POST', '/v1/locations', store())).body;
    expect((await t.call('GET', '/v1/locations', undefined, { token: pk })).status).toBe(200);
    expect((await t.call('GET', `/v1/locations/${made.id}`, undefined, { token: pk })).status).toBe(200);
    expect((await t.call('POST', '/v1/locations', store(), { token: pk })).status).toBe(403);
    expect((await t.call('PATCH', `/v1/locations/${made.id}`, { name: 'x' }, { token: pk })).status).toBe(403);
    const clerk = await t.staff('clerk', [made.id]);
    expect((await t.call('PATCH', `/v1/locations/${made.id}`, { name: 'x' }, { token: clerk })).status).toBe(403);
    expect((await t.call('GET', '/v1/locations', undefined, { token: null })).status).toBe(401);
  });
});
