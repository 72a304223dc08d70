import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { AnyDb } from './db.js';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Migration {
  name: string;
  file: string;
}

/**
 * Migrations are ordered SQL files named `NNNN_what.sql`, kept beside the code that owns the
 * tables: `src/platform/migrations` and `src/modules/<name>/migrations`. Names are unique across
 * the tree; they apply in name order, each in its own transaction, once.
 */
export function listMigrations(): Migration[] {
  const dirs = [path.join(SRC, 'platform', 'migrations')];
  const modules = path.join(SRC, 'modules');
  for (const m of readdirSync(modules)) {
    const dir = path.join(modules, m, 'migrations');
    if (existsSync(dir)) dirs.push(dir);
  }
  const all: Migration[] = [];
  for (const dir of dirs) {
    for (const f of readdirSync(dir)) if (f.endsWith('.sql')) all.push({ name: f, file: path.join(dir, f) });
  }
  all.sort((a, b) => a.name.localeCompare(b.name));
  const seen = new Set<string>();
  for (const m of all) {
    if (seen.has(m.name)) throw new Error(`two migrations are named ${m.name}`);
    seen.add(m.name);
  }
  return all;
}

export async function migrate(db: AnyDb, onApplied?: (name: string) => void): Promise<string[]> {
  const applied: string[] = [];
  await db.transaction().execute(async (tx) => {
    // Two servers starting at once on one database: the second waits, then finds nothing to do.
    await sql`SELECT pg_advisory_xact_lock(727274)`.execute(tx);
    await sql`CREATE TABLE IF NOT EXISTS schema_migration (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`.execute(tx);
    const done = new Set((await tx.selectFrom('schema_migration').select('name').execute()).map((r: any) => r.name));
    for (const m of listMigrations()) {
      if (done.has(m.name)) continue;
      await sql.raw(readFileSync(m.file, 'utf8')).execute(tx);
      await tx.insertInto('schema_migration').values({ name: m.name }).execute();
      applied.push(m.name);
      onApplied?.(m.name);
    }
  });
  return applied;
}
