import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const MODULES = path.resolve(import.meta.dirname, '../src/modules');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('module boundaries', () => {
  it('a module imports another module only through its index.ts', () => {
    const offences: string[] = [];
    for (const mod of readdirSync(MODULES).filter((m) => statSync(path.join(MODULES, m)).isDirectory())) {
      for (const file of sourceFiles(path.join(MODULES, mod))) {
        const src = readFileSync(file, 'utf8');
        for (const [, spec] of src.matchAll(/from\s+'(\.\.\/[^']+)'/g)) {
          const target = path.resolve(path.dirname(file), spec);
          const rel = path.relative(MODULES, target);
          if (rel.startsWith('..')) continue; // platform and others outside modules/
          const [other, ...rest] = rel.split(path.sep);
          if (other !== mod && rest.join('/') !== 'index.js') offences.push(`${path.relative(MODULES, file)} → ${spec}`);
        }
      }
    }
    expect(offences).toEqual([]);
  });

  it('a module names only its own tables in hand-written SQL migrations', () => {
    const owners = new Map<string, string>();
    for (const mod of readdirSync(MODULES)) {
      const dir = path.join(MODULES, mod, 'migrations');
      let files: string[] = [];
      try {
        files = readdirSync(dir);
      } catch {
        continue;
      }
      for (const f of files) {
        for (const [, table] of readFileSync(path.join(dir, f), 'utf8').matchAll(/CREATE TABLE (?:IF NOT EXISTS )?(\w+)/gi)) {
          expect(owners.get(table), `table ${table} created by two modules`).toBeUndefined();
          owners.set(table, mod);
        }
      }
    }
    const offences: string[] = [];
    for (const mod of readdirSync(MODULES).filter((m) => statSync(path.join(MODULES, m)).isDirectory())) {
      for (const file of sourceFiles(path.join(MODULES, mod))) {
        if (file.endsWith('.test.ts')) continue;
        const src = readFileSync(file, 'utf8');
        for (const [table, owner] of owners) {
          if (owner === mod) continue;
          if (new RegExp(`(selectFrom|insertInto|updateTable|deleteFrom)\\(\\s*'${table}\\b|\\b(FROM|JOIN|INTO|UPDATE)\\s+${table}\\b`).test(src)) {
            offences.push(`${path.relative(MODULES, file)} uses ${owner}'s table ${table}`);
          }
        }
      }
    }
    expect(offences).toEqual([]);
  });
});
