import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { PGliteDialect } from './pglite-dialect.js';
import type { Config } from './config.js';

/** Modules type only their own tables (`tables<InventoryTables>(db)`), which keeps boundaries honest. */
export type AnyDb = Kysely<any>;
export type Tx = Transaction<any>;
export type Executor = AnyDb | Tx;

export interface Database {
  db: AnyDb;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

// bigint columns hold minor units and counters well inside 2^53: read them as numbers.
pg.types.setTypeParser(20, (v) => Number(v));

export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'dbPool'>, opts: { memory?: boolean } = {}): Promise<Database> {
  if (config.databaseUrl) {
    const pool = new pg.Pool({ connectionString: config.databaseUrl, max: config.dbPool });
    // An idle connection closed by the server (restart, failover, DROP DATABASE … FORCE) is dropped
    // from the pool and replaced on next use; it must not take the process down.
    pool.on('error', () => {});
    const done = { statements: 0 };
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: preparingPool(pool, done) as unknown as pg.Pool }) });
    completed.set(db, done);
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  let dataDir: string | undefined;
  if (!opts.memory) {
    mkdirSync(config.dataDir, { recursive: true });
    dataDir = config.dataDir;
  }
  const client = await PGlite.create(dataDir ? { dataDir } : {});
  const db = new Kysely<any>({ dialect: new PGliteDialect(client) });
  return { db, kind: 'pglite', close: () => db.destroy() };
}

/**
 * Put `${PREPARED}` first in a hot statement's SQL: on PostgreSQL it then runs as a named prepared
 * statement, parsed and planned once per connection instead of on every call. (A comment, so the
 * embedded database just ignores it.)
 */
export const PREPARED = sql.raw('/*prepared*/ ');
const PREPARED_MARK = '/*prepared*/ ';

const completed = new WeakMap<AnyDb, { statements: number }>();

/**
 * How many statements this process has completed on `db` (PostgreSQL): when it has not moved, this
 * process has committed nothing since. Always 0 on the embedded database.
 */
export function statementsCompleted(db: AnyDb): number {
  return completed.get(db)?.statements ?? 0;
}

function preparingPool(pool: pg.Pool, done: { statements: number }) {
  const counted = <R>(p: Promise<R>) => p.then((r) => (done.statements++, r));
  return {
    async connect() {
      const client = await pool.connect();
      return {
        query: (text: any, values?: unknown[]) =>
          counted(typeof text === 'string' && text.startsWith(PREPARED_MARK)
            ? client.query({ name: `p_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`, text, values })
            : client.query(text, values)),
        release: (err?: Error) => client.release(err),
      };
    },
    end: () => pool.end(),
  };
}

export function tables<T>(db: Executor): Kysely<T> {
  return db as unknown as Kysely<T>;
}

/** Runs `fn` in a transaction, or inside the caller's when `db` already is one. */
export async function inTx<R>(db: Executor, fn: (tx: Tx) => Promise<R>): Promise<R> {
  if (db.isTransaction) return fn(db as Tx);
  return db.transaction().execute(fn);
}

/**
 * Makes writers of the named things take turns until the transaction ends, so a check made after
 * this sees what the one before committed: for rules no constraint can hold (bundles do not nest)
 * and for checks that should answer with their own error rather than a unique violation. `shared`
 * holders go alongside each other and wait only for exclusive ones. Locks are taken in one global
 * order, so two callers naming several things never wait on each other in a cycle. Only inside a
 * transaction: outside one a turn ends with its own statement.
 */
export async function takeTurns(tx: Executor, names: string[], mode: 'exclusive' | 'shared' = 'exclusive'): Promise<void> {
  if (!names.length) return;
  const lock = mode === 'shared' ? sql`pg_advisory_xact_lock_shared(h)` : sql`pg_advisory_xact_lock(h)`;
  await sql`SELECT count(${lock}) FROM (SELECT DISTINCT hashtextextended(n, 0) AS h FROM unnest(${names}::text[]) n ORDER BY h) s`.execute(tx);
}

export { sql };

/**
 * Creates an empty database beside the one `baseUrl` names (on the same PostgreSQL server) for a
 * test file or a benchmark run, and drops it again on `drop()`.
 */
export async function createScratchDatabase(baseUrl: string, prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = async (statement: string) => {
    const c = new pg.Client({ connectionString: baseUrl });
    await c.connect();
    try {
      await c.query(statement);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
