import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres, startTestApp, type TestApp } from '../../../tests/harness.js';
import { emitAll } from '../../platform/outbox.js';
import { MAX_ATTEMPTS } from './retry-schedule.js';

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}

// Every retry is due at once, so one worker drain plays out the whole schedule.
process.env.OMNILOOP_WEBHOOK_RETRY_BASE_MS = '0';

let t: TestApp;
let server: Server;
let base: string;
const received: Received[] = [];
/** Status the receiver answers per path, in turn; 200 once the list runs out. */
const answers = new Map<string, number[]>();

beforeAll(async () => {
  t = await startTestApp();
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers as Record<string, string>, body });
      res.statusCode = answers.get(path)?.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await t?.close();
  await new Promise((resolve) => server?.close(resolve));
});

const at = (path: string) => received.filter((r) => r.path === path);
const settle = () => t.omni.worker.drain();

async function endpoint(path: string, eventTypes: string[], extra: object = {}) {
  const res = await t.call('POST', '/v1/webhook-endpoints', { url: `${base}${path}`, eventTypes, ...extra });
  expect(res.status).toBe(201);
  return res.body as { id: string; secret: string };
}

describe('webhook endpoints', () => {
  it('issue a Standard Webhooks secret once and never list it', async () => {
    const made = await endpoint('/listing', ['order.placed'], { description: 'ERP' });
    expect(made.secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    const listed = await t.call('GET', '/v1/webhook-endpoints');
    expect(listed.body.data.find((e: any) => e.id === made.id)).toMatchObject({ eventTypes: ['order.placed'], description: 'ERP', enabled: true });
    expect(JSON.stringify(listed.body)).not.toContain(made.secret);
    const rotated = await t.call('POST', `/v1/webhook-endpoints/${made.id}/rotate-secret`);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(made.secret);
    expect((await t.call('DELETE', `/v1/webhook-endpoints/${made.id}`)).status).toBe(204);
    expect((await t.call('GET', `/v1/webhook-endpoints/${made.id}`)).status).toBe(404);
  });

  it('reject non-http URLs and malformed event types, naming the field', async () => {
    const ftp = await t.call('POST', '/v1/webhook-endpoints', { url: 'ftp://example.com/hook', eventTypes: ['*'] });
    expect(ftp.status).toBe(400);
    expect(ftp.body).toMatchObject({ code: 'validation_failed', field: 'url' });
    const junk = await t.call('POST', '/v1/webhook-endpoints', { url: 'not a url', eventTypes: ['*'] });
    expect(junk.body.field).toBe('url');
    const types = await t.call('POST', '/v1/webhook-endpoints', { url: `${base}/x`, eventTypes: ['Order Placed'] });
    expect(types.status).toBe(400);
    expect(types.body.field).toBe('eventTypes.0');
    expect((await t.call('GET', '/v1/webhook-endpoints')).body.data.some((e: any) => e.url === 'ftp://example.com/hook')).toBe(false);
  });

  it('need webhooks:write to change and webhooks:read to look', async () => {
    const reader = await t.apiKey(['webhooks:read']);
    expect((await t.call('GET', '/v1/webhook-endpoints', undefined, { token: reader })).status).toBe(200);
    const denied = await t.call('POST', '/v1/webhook-endpoints', { url: `${base}/x`, eventTypes: ['*'] }, { token: reader });
    expect(denied.status).toBe(403);
    const marketer = await t.staff('marketer');
    expect((await t.call('GET', '/v1/webhook-endpoints', undefined, { token: marketer })).status).toBe(403);
  });
});

describe('webhook delivery', () => {
  it('sends each subscribed event once, signed, and nothing to disabled or unsubscribed endpoints', async () => {
    await settle(); // events of earlier tests go out before these endpoints exist
    const keys = await endpoint('/keys', ['api_key.*']);
    const staff = await endpoint('/staff', ['staff.created']);
    await endpoint('/off', ['*'], { enabled: false });
    const key = await t.call('POST', '/v1/api-keys', { name: 'erp', scopes: ['catalog:read'] });
    await t.call('POST', '/v1/staff', { email: 'new@shop.test', name: 'New', role: 'analyst', password: 'a long password' });
    await settle();
    await settle();

    expect(at('/off')).toEqual([]);
    expect(at('/keys')).toHaveLength(1);
    expect(at('/staff')).toHaveLength(1);

    const sent = at('/keys')[0];
    const verified = new Webhook(keys.secret).verify(sent.body, sent.headers) as any;
    expect(verified).toMatchObject({ type: 'api_key.created', data: { id: key.body.id } });
    expect(Date.parse(verified.timestamp)).not.toBeNaN();
    const events = await t.call('GET', '/v1/events?type=api_key.created');
    expect(sent.headers['webhook-id']).toBe(events.body.data.find((e: any) => e.aggregateId === key.body.id).id);
    expect(() => new Webhook(staff.secret).verify(sent.body, sent.headers)).toThrow();

    const staffMsg = new Webhook(staff.secret).verify(at('/staff')[0].body, at('/staff')[0].headers) as any;
    expect(staffMsg.type).toBe('staff.created');
  });

  it('retries a failing endpoint and records every attempt until it answers 2xx', async () => {
    answers.set('/flaky', [500, 500, 200]);
    const flaky = await endpoint('/flaky', ['api_key.created']);
    await t.call('POST', '/v1/api-keys', { name: 'flaky', scopes: ['catalog:read'] });
    await settle();

    const got = at('/flaky');
    expect(got).toHaveLength(3);
    expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(1);
    for (const r of got) new Webhook(flaky.secret).verify(r.body, r.headers);

    const list = await t.call('GET', `/v1/webhook-endpoints/${flaky.id}/deliveries`);
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0]).toMatchObject({ status: 'delivered', eventType: 'api_key.created' });
    expect(list.body.data[0].attempts.map((a: any) => a.statusCode)).toEqual([500, 500, 200]);
    expect(list.body.data[0].attempts[0].error).toBe('HTTP 500');
  });

  it('gives up after the last scheduled attempt, and a manual retry sends it again', async () => {
    answers.set('/down', Array(MAX_ATTEMPTS).fill(503));
    const down = await endpoint('/down', ['staff.created']);
    await t.staff('analyst');
    await settle();
    expect(at('/down')).toHaveLength(MAX_ATTEMPTS);
    const failed = (await t.call('GET', `/v1/webhook-endpoints/${down.id}/deliveries`)).body.data[0];
    expect(failed.status).toBe('failed');
    expect(failed.attempts).toHaveLength(MAX_ATTEMPTS);

    const retry = await t.call('POST', `/v1/webhook-deliveries/${failed.id}/retry`);
    expect(retry.status).toBe(202);
    await settle();
    expect(at('/down')).toHaveLength(MAX_ATTEMPTS + 1);
    const after = (await t.call('GET', `/v1/webhook-endpoints/${down.id}/deliveries`)).body.data[0];
    expect(after.status).toBe('delivered');
    expect((await t.call('POST', '/v1/webhook-deliveries/whd_nope/retry')).status).toBe(404);
  });

  it('records an unreachable endpoint as an attempt without a status code', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const made = await t.call('POST', '/v1/webhook-endpoints', { url: `http://127.0.0.1:${port}/gone`, eventTypes: ['api_key.revoked'] });
    const key = await t.call('POST', '/v1/api-keys', { name: 'short-lived', scopes: ['catalog:read'] });
    await t.call('DELETE', `/v1/api-keys/${key.body.id}`);
    await settle();
    const d = (await t.call('GET', `/v1/webhook-endpoints/${made.body.id}/deliveries`)).body.data[0];
    expect(d.status).toBe('failed');
    expect(d.attempts[0]).toMatchObject({ statusCode: null, error: 'ECONNREFUSED' });
  });

  it('events raised while an endpoint is disabled are never sent to it, even after re-enabling', async () => {
    const paused = await endpoint('/paused', ['api_key.created']);
    await t.call('POST', '/v1/api-keys', { name: 'before-pause', scopes: ['catalog:read'] });
    await settle();
    await t.call('PATCH', `/v1/webhook-endpoints/${paused.id}`, { enabled: false });
    await t.call('POST', '/v1/api-keys', { name: 'while-paused', scopes: ['catalog:read'] });
    await settle();
    await t.call('PATCH', `/v1/webhook-endpoints/${paused.id}`, { enabled: true });
    await t.call('POST', '/v1/api-keys', { name: 'after-pause', scopes: ['catalog:read'] });
    await settle();
    const keyNames = new Map((await t.call('GET', '/v1/api-keys')).body.data.map((k: any) => [k.id, k.name]));
    expect(at('/paused').map((r) => keyNames.get(JSON.parse(r.body).data.id))).toEqual(['before-pause', 'after-pause']);
  });

  it('workers running side by side send each delivery once', async () => {
    await settle();
    await endpoint('/once', ['api_key.created']);
    for (let i = 0; i < 8; i++) await t.call('POST', '/v1/api-keys', { name: `burst-${i}`, scopes: ['catalog:read'] });
    await Promise.all([settle(), settle(), settle(), settle()]);
    const ids = at('/once').map((r) => r.headers['webhook-id']);
    expect(ids).toHaveLength(8);
    expect(new Set(ids).size).toBe(8);
  });
});

describe('events API', () => {
  it('pages through events by cursor and filters by type or prefix', async () => {
    const reader = await t.apiKey(['events:read']);
    const first = await t.call('GET', '/v1/events?type=api_key.*&limit=2', undefined, { token: reader });
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(2);
    expect(first.body.hasMore).toBe(true);
    expect(first.body.data.every((e: any) => e.type.startsWith('api_key.'))).toBe(true);
    const rest = await t.call('GET', `/v1/events?type=api_key.*&after=${first.body.next}&limit=500`, undefined, { token: reader });
    const ids = [...first.body.data, ...rest.body.data].map((e: any) => e.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    const all = await t.call('GET', '/v1/events?type=api_key.*&limit=500', undefined, { token: reader });
    expect(ids).toEqual(all.body.data.map((e: any) => e.id));
    expect(rest.body.hasMore).toBe(false);
    const byId = await t.call('GET', `/v1/events?type=api_key.*&after=${first.body.data[1].id}&limit=500`, undefined, { token: reader });
    expect(byId.body.data.map((e: any) => e.id)).toEqual(rest.body.data.map((e: any) => e.id));
    const made = await t.call('POST', '/v1/api-keys', { name: 'after-the-end', scopes: ['catalog:read'] });
    const later = await t.call('GET', `/v1/events?type=api_key.*&after=${rest.body.next}`, undefined, { token: reader });
    expect(later.body.data.map((e: any) => e.aggregateId)).toEqual([made.body.id]);
    expect((await t.call('GET', '/v1/events', undefined, { token: await t.apiKey(['catalog:read']) })).status).toBe(403);
    const unknown = await t.call('GET', '/v1/events?after=evt_unknown', undefined, { token: reader });
    expect([unknown.status, unknown.body.code, unknown.body.field]).toEqual([404, 'not_found', 'after']);
    const forged = await t.call('GET', '/v1/events?after=cur_bm90IGEgY3Vyc29y', undefined, { token: reader });
    expect([forged.status, forged.body.code, forged.body.field]).toEqual([400, 'validation_failed', 'after']);
  });

  it.runIf(onPostgres)('a reader paging by cursor gets the events of a transaction that commits after a later one', async () => {
    const reader = await t.apiKey(['events:read']);
    const db = t.omni.database.db;
    const write = (tx: typeof db, ...names: string[]) => emitAll(tx, names.map((name) => ({ type: 'test.catch_up', aggregateId: name, payload: {} })));
    await db.transaction().execute((tx) => write(tx, 'first'));
    const seen: string[] = [];
    let cursor = '';
    const poll = async () => {
      const page = await t.call('GET', `/v1/events?type=test.catch_up&limit=2${cursor ? `&after=${cursor}` : ''}`, undefined, { token: reader });
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((e: any) => e.aggregateId));
      cursor = page.body.next;
      return page.body.data.length;
    };
    await poll();
    // The late transaction writes first (the older ids) and commits after another has.
    let wrote!: () => void;
    let release!: () => void;
    const written = new Promise<void>((ok) => (wrote = ok));
    const held = new Promise<void>((ok) => (release = ok));
    const late = db.transaction().execute(async (tx) => {
      await write(tx, 'late1', 'late2', 'late3');
      wrote();
      await held;
    });
    await written;
    await db.transaction().execute((tx) => write(tx, 'second'));
    await poll();
    expect(seen).toEqual(['first', 'second']);
    release();
    await late;
    while (await poll());
    expect(seen).toEqual(['first', 'second', 'late1', 'late2', 'late3']);
  });
});
