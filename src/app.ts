import type { FastifyInstance } from 'fastify';
import type { Config } from './platform/config.js';
import { openDatabase, type Database } from './platform/db.js';
import { migrate } from './platform/migrate.js';
import { createHttp } from './platform/http.js';
import { EventHandlers, OUTBOX_BATCH, PRUNE_BATCH, drainOutbox, pruneOutbox } from './platform/outbox.js';
import { Worker } from './platform/worker.js';
import type { Job, ModuleHost } from './platform/module.js';
import { accessRoutes } from './modules/access/index.js';
import { authenticators, modules } from './modules/registry.js';
import { cachedActor } from './platform/auth-cache.js';

export interface Omniloop {
  app: FastifyInstance;
  database: Database;
  worker: Worker;
  config: Config;
  close(): Promise<void>;
}

/** Assembles the product: database (migrated), HTTP API with every module, and the worker. */
export async function createOmniloop(config: Config, opts: { memory?: boolean; database?: Database } = {}): Promise<Omniloop> {
  const database = opts.database ?? (await openDatabase(config, opts));
  await migrate(database.db);
  const db = database.db;
  const app = await createHttp({
    db,
    logLevel: config.logLevel,
    publicUrl: config.publicUrl,
    authenticate: (token) => {
      const by = authenticators.find((a) => token.startsWith(a.prefix));
      return by ? cachedActor(token, () => by.authenticate(db, token)) : Promise.resolve(null);
    },
  });
  const handlers = new EventHandlers();
  const jobs: Job[] = [
    { name: 'outbox', everyMs: 200, batch: OUTBOX_BATCH, run: (d) => drainOutbox(d, handlers) },
    { name: 'outbox.prune', everyMs: 600_000, batch: PRUNE_BATCH, run: (d) => pruneOutbox(d, config.eventRetentionDays) },
  ];
  const host: ModuleHost = { app, db, config, handlers, jobs };
  accessRoutes(app);
  for (const register of modules) register(host);
  await (await import('./platform/web.js')).webApp(app);
  await app.ready();
  const worker = new Worker(db, jobs, app.log);
  if (config.worker) worker.start();
  return {
    app,
    database,
    worker,
    config,
    async close() {
      await worker.stop();
      await app.close();
      await database.close();
    },
  };
}
