import { createScratchDatabase } from '../src/platform/db.js';
import { loadConfig, type Config } from '../src/platform/config.js';
import { createOmniloop, type Omniloop } from '../src/app.js';
import { createStaff, createApiKey, signIn } from '../src/modules/access/index.js';
import { SYSTEM, type Role } from '../src/platform/auth.js';
import type { Ctx } from '../src/platform/context.js';

export const onPostgres = Boolean(process.env.DATABASE_URL);

/** A fresh database for one test file: in-memory PGlite, or a new database on the PostgreSQL server. */
export async function freshDatabaseUrl(): Promise<{ url?: string; drop(): Promise<void> }> {
  const base = process.env.DATABASE_URL;
  return base ? createScratchDatabase(base, 'omniloop_t') : { drop: async () => {} };
}

export interface TestApp {
  omni: Omniloop;
  config: Config;
  databaseUrl?: string;
  ownerToken: string;
  /** The platform's own context (the system actor), for calling services directly. */
  ctx: Ctx;
  /** JSON request through the real HTTP stack (in-process injection); `token` defaults to the owner's. */
  call(method: string, url: string, body?: unknown, opts?: { token?: string | null; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Record<string, any> }>;
  staff(role: Role, storeIds?: string[]): Promise<string>;
  apiKey(scopes: string[], kind?: 'secret' | 'publishable'): Promise<string>;
  close(): Promise<void>;
}

export async function startTestApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  const fresh = await freshDatabaseUrl();
  const config = loadConfig({ ...process.env, DATABASE_URL: fresh.url, LOG_LEVEL: 'silent' }, { worker: false, ...overrides });
  if (!fresh.url) delete config.databaseUrl;
  const omni = await createOmniloop(config, { memory: true });
  const db = omni.database.db;
  const sys: Ctx = { db, actor: SYSTEM, requestId: 'test' };
  let n = 0;
  const staff = async (role: Role, storeIds?: string[]) => {
    const email = `${role}${++n}@test.omniloop.dev`;
    await createStaff(sys, { email, name: role, role, storeIds, password: 'correct horse battery' });
    return (await signIn(db, email, 'correct horse battery')).token;
  };
  const ownerToken = await staff('owner');
  const call: TestApp['call'] = async (method, url, body, opts = {}) => {
    const token = opts.token === undefined ? ownerToken : opts.token;
    const res = await omni.app.inject({
      method: method as any,
      url,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(opts.headers ?? {}) },
      ...(body !== undefined ? { payload: body as any } : {}),
    });
    let parsed: any = res.body;
    try {
      parsed = res.body ? JSON.parse(res.body) : null;
    } catch {
      /* not JSON: keep text */
    }
    return { status: res.statusCode, body: parsed, headers: res.headers };
  };
  return {
    omni,
    config,
    databaseUrl: fresh.url,
    ownerToken,
    ctx: sys,
    call,
    staff,
    apiKey: async (scopes, kind = 'secret') => (await createApiKey(sys, { name: 'test', kind, scopes })).token,
    async close() {
      await omni.close();
      await fresh.drop();
    },
  };
}
