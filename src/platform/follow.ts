import { randomUUID } from 'node:crypto';
import pg from 'pg';

/**
 * A state kept in step with PostgreSQL by notification instead of read per request.
 *
 * One connection LISTENs on the channels, then loads the whole state; from then on every
 * notification is applied as it arrives. PostgreSQL delivers notifications after their commit and
 * in commit order, so a state whose notifications carry absolute values (not deltas) is the
 * database's own, one delivery behind. Notifications that arrive while the state loads are held
 * and applied on top of it, so no commit falls between the load and the first notification.
 *
 * `current()` is null until the state has loaded and whenever the connection is lost (until it is
 * back and the state reloaded): callers then read the database themselves. `fence()` waits until
 * every notification committed before it was called has been applied: it commits a notification
 * of its own and waits for it to come back, after everything queued ahead of it.
 */
export interface Follower<S> {
  current(): S | null;
  /** True once caught up; false if the connection was lost meanwhile. */
  fence(): Promise<boolean>;
  stop(): Promise<void>;
}

export interface FollowOptions<S> {
  /** Channel names (plain identifiers). */
  channels: string[];
  /** Reads the whole state, once listening. */
  load(client: pg.Client): Promise<S>;
  /** Applies one notification to the state. */
  apply(state: S, channel: string, payload: string): void;
  /** Wait before reconnecting after the connection was lost. */
  retryMs?: number;
  /** Told when the connection fails or drops (the state is then read instead until it is back). */
  onLost?(err: unknown): void;
}

export function follow<S>(url: string, opts: FollowOptions<S>): Follower<S> {
  let state: S | null = null;
  let client: pg.Client | null = null;
  let retry: NodeJS.Timeout | null = null;
  let stopped = false;
  // Fences in flight by payload; every follower of the channel sees every fence, so payloads are unique.
  const fences = new Map<string, (caught: boolean) => void>();
  const fenceChannel = `${opts.channels[0]}_fence`;
  const self = randomUUID();
  let fenceSeq = 0;
  const dropFences = () => {
    for (const resolve of fences.values()) resolve(false);
    fences.clear();
  };

  const connect = async (): Promise<void> => {
    retry = null;
    const c = new pg.Client({ connectionString: url });
    client = c;
    let held: Array<[string, string]> | null = [];
    const lost = (err?: unknown) => {
      if (client !== c) return;
      if (!stopped) opts.onLost?.(err);
      client = null;
      state = null;
      dropFences();
      void c.end().catch(() => {});
      if (!stopped) {
        retry = setTimeout(() => void connect(), opts.retryMs ?? 1000);
        retry.unref();
      }
    };
    c.on('error', lost);
    c.on('end', () => lost(new Error('connection ended')));
    c.on('notification', (n) => {
      if (n.channel === fenceChannel) return fences.get(n.payload ?? '')?.(true);
      if (held) held.push([n.channel, n.payload ?? '']);
      else if (state) opts.apply(state, n.channel, n.payload ?? '');
    });
    try {
      await c.connect();
      for (const channel of [...opts.channels, fenceChannel]) await c.query(`LISTEN ${channel}`);
      const loaded = await opts.load(c);
      for (const [channel, payload] of held) opts.apply(loaded, channel, payload);
      held = null;
      if (client === c) state = loaded;
    } catch (err) {
      lost(err);
    }
  };
  void connect();

  return {
    current: () => state,
    fence() {
      const c = client;
      if (!c || !state) return Promise.resolve(false);
      const payload = `${self} ${++fenceSeq}`;
      return new Promise<boolean>((resolve) => {
        fences.set(payload, (caught) => {
          fences.delete(payload);
          resolve(caught);
        });
        c.query('SELECT pg_notify($1, $2)', [fenceChannel, payload]).catch(() => fences.get(payload)?.(false));
      });
    },
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = null;
      state = null;
      dropFences();
      await c?.end().catch(() => {});
    },
  };
}
