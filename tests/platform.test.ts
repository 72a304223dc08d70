import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { onPostgres, startTestApp, type TestApp } from './harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

describe('platform', () => {
  it('serves an OpenAPI 3.1 description and a docs page without sign-in', async () => {
    const spec = await t.call('GET', '/openapi.json', undefined, { token: null });
    expect(spec.status).toBe(200);
    expect(spec.body.openapi).toBe('3.1.0');
    expect(Object.keys(spec.body.paths)).toContain('/v1/api-keys');
    const docs = await t.call('GET', '/docs/', undefined, { token: null });
    expect(docs.status).toBe(200);
    expect(String(docs.body)).toContain('<html');
  });

  it('is closed by default: no token is 401 problem+json, a wrong role is 403', async () => {
    const anon = await t.call('GET', '/v1/staff', undefined, { token: null });
    expect(anon.status).toBe(401);
    expect(anon.headers['content-type']).toContain('application/problem+json');
    expect(anon.body.code).toBe('unauthenticated');
    const bogus = await t.call('GET', '/v1/staff', undefined, { token: 'sk_nope' });
    expect(bogus.status).toBe(401);
    const analyst = await t.staff('analyst');
    const denied = await t.call('POST', '/v1/api-keys', { name: 'x', scopes: ['catalog:read'] }, { token: analyst });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('forbidden');
  });

  it('signs staff in with a password and rejects a wrong one', async () => {
    const made = await t.call('POST', '/v1/staff', { email: 'Op@Example.com', name: 'Op', role: 'operator', password: 'a long password' });
    expect(made.status).toBe(201);
    const bad = await t.call('POST', '/v1/auth/sessions', { email: 'op@example.com', password: 'wrong password' }, { token: null });
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('invalid_credentials');
    const ok = await t.call('POST', '/v1/auth/sessions', { email: 'op@example.com', password: 'a long password' }, { token: null });
    expect(ok.status).toBe(201);
    const me = await t.call('GET', '/v1/auth/me', undefined, { token: ok.body.token });
    expect(me.body).toMatchObject({ kind: 'staff', role: 'operator' });
    await t.call('DELETE', '/v1/auth/sessions/current', undefined, { token: ok.body.token });
    expect((await t.call('GET', '/v1/auth/me', undefined, { token: ok.body.token })).status).toBe(401);
  });

  it('validation errors name the field', async () => {
    const res = await t.call('POST', '/v1/staff', { email: 'not-an-email', name: 'x', role: 'clerk', password: 'a long password' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.field).toBe('email');
  });

  it('API keys work with their scopes only, and stop working when revoked', async () => {
    const made = await t.call('POST', '/v1/api-keys', { name: 'reader', scopes: ['access:read'] });
    expect(made.status).toBe(201);
    expect(made.body.token).toMatch(/^sk_/);
    const key = made.body.token;
    expect((await t.call('GET', '/v1/staff', undefined, { token: key })).status).toBe(200);
    expect((await t.call('POST', '/v1/api-keys', { name: 'y', scopes: ['access:read'] }, { token: key })).status).toBe(403);
    const listed = await t.call('GET', '/v1/api-keys');
    expect(JSON.stringify(listed.body)).not.toContain(key);
    await t.call('DELETE', `/v1/api-keys/${made.body.id}`);
    expect((await t.call('GET', '/v1/staff', undefined, { token: key })).status).toBe(401);
  });

  it('a change and its event commit together: when the event cannot be written, nothing changes', async () => {
    const db = t.omni.database.db;
    const kept = await t.call('POST', '/v1/api-keys', { name: 'kept', scopes: ['access:read'] });
    // The events table refuses these types for the length of the test.
    await sql`CREATE FUNCTION refuse_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.type IN ('api_key.created', 'api_key.revoked', 'staff.created', 'partner.created') THEN RAISE EXCEPTION 'event refused'; END IF; RETURN NEW; END $$`.execute(db);
    await sql`CREATE TRIGGER refuse_event BEFORE INSERT ON outbox_event FOR EACH ROW EXECUTE FUNCTION refuse_event()`.execute(db);
    try {
      expect((await t.call('POST', '/v1/api-keys', { name: 'unwritten', scopes: ['access:read'] })).status).toBe(500);
      expect((await t.call('DELETE', `/v1/api-keys/${kept.body.id}`)).status).toBe(500);
      expect((await t.call('POST', '/v1/staff', { email: 'unwritten@example.com', name: 'U', role: 'analyst', password: 'long enough pw' })).status).toBe(500);
      expect((await t.call('POST', '/v1/partners', { name: 'Unwritten', settlement: { currency: 'CNY', cycle: 'monthly', paymentDays: 30 } })).status).toBe(500);
    } finally {
      await sql`DROP TRIGGER refuse_event ON outbox_event`.execute(db);
      await sql`DROP FUNCTION refuse_event()`.execute(db);
    }
    expect((await t.call('GET', '/v1/api-keys')).body.data.map((k: any) => k.name)).not.toContain('unwritten');
    expect((await t.call('GET', '/v1/staff', undefined, { token: kept.body.token })).status).toBe(200);
    expect((await t.call('GET', '/v1/staff')).body.data.map((u: any) => u.email)).not.toContain('unwritten@example.com');
    expect((await t.call('GET', '/v1/partners')).body.data.map((p: any) => p.name)).not.toContain('Unwritten');
  });

  it('a database refusal no module expected is a clear 409 or a retryable 503, never a 500', async () => {
    const db = t.omni.database.db;
    // A rule the access module does not know about: one key of this name.
    await sql`CREATE UNIQUE INDEX api_key_one_of_a_kind ON api_key (name) WHERE name = 'one of a kind'`.execute(db);
    await sql`CREATE FUNCTION collide() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.name = 'collides' THEN RAISE EXCEPTION 'collided' USING ERRCODE = 'deadlock_detected'; END IF; RETURN NEW; END $$`.execute(db);
    await sql`CREATE TRIGGER collide BEFORE INSERT ON api_key FOR EACH ROW EXECUTE FUNCTION collide()`.execute(db);
    const key = (name: string, headers: Record<string, string> = {}) => t.call('POST', '/v1/api-keys', { name, scopes: ['catalog:read'] }, { headers });
    const headers = { 'idempotency-key': 'collides-once' };
    try {
      expect((await key('one of a kind')).status).toBe(201);
      const twice = await key('one of a kind');
      expect(twice.status).toBe(409);
      expect(twice.body).toMatchObject({ code: 'already_exists', field: 'name', constraint: 'api_key_one_of_a_kind' });
      const busy = await key('collides', headers);
      expect(busy.status).toBe(503);
      expect(busy.body).toMatchObject({ code: 'contention', retryable: true });
      expect(busy.headers['retry-after']).toBe('1');
    } finally {
      await sql`DROP TRIGGER collide ON api_key`.execute(db);
      await sql`DROP FUNCTION collide()`.execute(db);
      await sql`DROP INDEX api_key_one_of_a_kind`.execute(db);
    }
    const names = (await t.call('GET', '/v1/api-keys')).body.data.map((k: any) => k.name);
    expect(names.filter((n: string) => n === 'one of a kind')).toHaveLength(1);
    expect(names).not.toContain('collides');
    // The refusal did not spend the Idempotency-Key: sent again, the request runs.
    expect((await key('collides', headers)).status).toBe(201);
  });

  it.runIf(onPostgres)('one email, five staff users added at once: one is made, the rest are told it exists', async () => {
    const body = { email: 'Twice@Example.com', name: 'T', role: 'analyst', password: 'long enough pw' };
    const made = await Promise.all(Array.from({ length: 5 }, () => t.call('POST', '/v1/staff', body)));
    expect(made.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    for (const r of made.filter((r) => r.status === 409)) expect(r.body).toMatchObject({ code: 'already_exists', field: 'email' });
  });

  it('a publishable key reads what the storefront shows, and no back-office data', async () => {
    const pk = await t.apiKey(['catalog:read', 'inventory:read'], 'publishable');
    const channel = (await t.call('POST', '/v1/channels', { code: 'pk-web', name: 'Web', kind: 'web', currency: 'CNY' })).body.id;
    const shown = ['/v1/channels', `/v1/channels/${channel}`, `/v1/channels/${channel}/products`, '/v1/categories', '/v1/locations', '/v1/appointment-services', '/v1/stores/nearby?lat=31.2&lng=121.5'];
    const hidden = ['/v1/products', '/v1/partners', '/v1/voucher-templates', '/v1/stock/movements', '/v1/reservations/res_any', '/v1/transfers/trf_any', `/v1/channels/${channel}/locations`, `/v1/channels/${channel}/stock-feed`];
    const status = async (path: string) => [path, (await t.call('GET', path, undefined, { token: pk })).status];
    expect(await Promise.all(shown.map(status))).toEqual(shown.map((p) => [p, 200]));
    expect(await Promise.all(hidden.map(status))).toEqual(hidden.map((p) => [p, 403]));
  });

  it('staff are added with no more permissions than whoever adds them holds', async () => {
    const staffKey = await t.apiKey(['access:write', '*:read']);
    const add = (email: string, role: string, token?: string) => t.call('POST', '/v1/staff', { email, name: 'N', role, password: 'long enough pw' }, token ? { token } : {});
    for (const role of ['owner', 'operator']) expect((await add(`${role}-by-key@example.com`, role, staffKey)).body).toMatchObject({ status: 403, field: 'role' });
    expect((await add('analyst-by-key@example.com', 'analyst', staffKey)).status).toBe(201);
    expect((await add('owner-by-owner@example.com', 'owner')).status).toBe(201);
  });

  it('a replayed POST with the same Idempotency-Key returns the first response and creates nothing new', async () => {
    const headers = { 'idempotency-key': 'key-create-1' };
    const body = { name: 'once', scopes: ['catalog:read'] };
    const first = await t.call('POST', '/v1/api-keys', body, { headers });
    const again = await t.call('POST', '/v1/api-keys', body, { headers });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const other = await t.call('POST', '/v1/api-keys', { ...body, name: 'changed' }, { headers });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency_key_reused');
    const keys = (await t.call('GET', '/v1/api-keys')).body.data.filter((k: any) => k.name === 'once');
    expect(keys).toHaveLength(1);
  });

  it('unknown routes are problem+json 404s and request ids are echoed', async () => {
    const res = await t.call('GET', '/v1/nothing-here', undefined, { headers: { 'x-request-id': 'abc-123' } });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('route_not_found');
    expect(res.headers['x-request-id']).toBe('abc-123');
  });
});
