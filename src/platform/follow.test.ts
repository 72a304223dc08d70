import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabaseUrl, onPostgres } from '../../tests/harness.js';
import { follow, type Follower } from './follow.js';

/** A state of counters by name, followed through the `counter_changed` channel. */
type Counters = Map<string, number>;

let url: string;
let drop: () => Promise<void>;
let admin: pg.Client;

const until = async (what: () => boolean, ms = 5000) => {
  for (const end = Date.now() + ms; !what(); ) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

const followCounters = () =>
  follow<Counters>(url, {
    channels: ['counter_changed'],
    retryMs: 300,
    async load(c) {
      const { rows } = await c.query<{ name: string; value: number }>('SELECT name, value FROM counter');
      return new Map(rows.map((r) => [r.name, r.value]));
    },
    apply(state, _channel, payload) {
      const [name, value] = payload.split(' ');
      state.set(name, Number(value));
    },
  });

describe.skipIf(!onPostgres)('following a state by notification (PostgreSQL)', () => {
  beforeAll(async () => {
    const fresh = await freshDatabaseUrl();
    url = fresh.url!;
    drop = fresh.drop;
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`
      CREATE TABLE counter (name text PRIMARY KEY, value int NOT NULL);
      INSERT INTO counter VALUES ('a', 1), ('b', 2);
      CREATE FUNCTION counter_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('counter_changed', NEW.name || ' ' || NEW.value); RETURN NULL; END $$;
      CREATE TRIGGER counter_changed AFTER INSERT OR UPDATE ON counter FOR EACH ROW EXECUTE FUNCTION counter_notify();`);
  });
  afterAll(async () => {
    await admin.end();
    await drop();
  });

  it('loads the state, then applies every commit in order; a fence returns once all earlier commits are in', async () => {
    const f = followCounters();
    try {
      await until(() => f.current() !== null);
      expect([...f.current()!]).toEqual([['a', 1], ['b', 2]]);
      // Many commits from another connection, the last of each counter wins.
      for (let i = 2; i <= 50; i++) await admin.query('UPDATE counter SET value = $1 WHERE name = $2', [i, i % 2 ? 'a' : 'b']);
      await admin.query(`INSERT INTO counter VALUES ('c', 7)`);
      expect(await f.fence()).toBe(true);
      expect([...f.current()!]).toEqual([['a', 49], ['b', 50], ['c', 7]]);
    } finally {
      await f.stop();
    }
  });

  it('gives no state while its connection is lost, then reconnects and reloads what changed meanwhile', async () => {
    const f = followCounters();
    try {
      await until(() => f.current() !== null);
      // Only the follower and this test connect to the database.
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
      await until(() => f.current() === null);
      expect(await f.fence()).toBe(false);
      // Committed before the follower is back (it retries after 300 ms): the reload must bring it.
      await admin.query(`UPDATE counter SET value = 100 WHERE name = 'a'`);
      await until(() => f.current()?.get('a') === 100);
      expect(await f.fence()).toBe(true);
    } finally {
      await f.stop();
    }
    expect(f.current()).toBeNull();
  });
});
