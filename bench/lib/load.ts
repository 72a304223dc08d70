import { Pool, type Dispatcher } from 'undici';

export interface LoadResult {
  requests: number;
  ok: number;
  statuses: Record<number, number>;
  seconds: number;
  okPerSecond: number;
  requestsPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** CPU the load generator itself spent per request, in ms: on a shared machine the server does not get it. */
  generatorCpu: number;
}

export interface Request {
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Response {
  status: number;
  body: any;
}

/**
 * One keep-alive HTTP client pool; bench clients share its connections like a load balancer's
 * pool. undici costs the load generator far less CPU per request than node:http, and on a two-core
 * machine every cycle the generator spends is one the server under test does not get.
 */
export function client(baseUrl: string, token: string, connections = 256) {
  const pool = new Pool(baseUrl, { connections, pipelining: 1, keepAliveTimeout: 1000 });
  return async function send(req: Request): Promise<Response> {
    const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
    const res = await pool.request({
      method: req.method as Dispatcher.HttpMethod,
      path: req.path,
      headers: {
        authorization: `Bearer ${token}`,
        ...(payload ? { 'content-type': 'application/json' } : {}),
        ...req.headers,
      },
      body: payload,
    });
    const text = await res.body.text();
    // Parsed only when read: a large answer nobody looks at costs the generator no parse.
    let parsed: { value: any } | null = null;
    return {
      status: res.statusCode,
      get body() {
        if (!parsed) {
          try {
            parsed = { value: text ? JSON.parse(text) : null };
          } catch {
            parsed = { value: text };
          }
        }
        return parsed.value;
      },
    };
  };
}

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0);

/**
 * `concurrency` clients each send `next()` requests back to back until `next` returns null or the
 * time limit passes. Latency is measured per request in milliseconds.
 */
export async function runLoad(opts: {
  concurrency: number;
  send: (req: Request) => Promise<Response>;
  next: (client: number, i: number) => Request | null;
  isOk?: (res: Response) => boolean;
  onResponse?: (res: Response, client: number) => boolean | void; // return true to stop this client
  maxSeconds?: number;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let ok = 0;
  const isOk = opts.isOk ?? ((r) => r.status < 300);
  const deadline = Date.now() + (opts.maxSeconds ?? 60) * 1000;
  const start = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: opts.concurrency }, async (_, c) => {
      for (let i = 0; Date.now() < deadline; i++) {
        const req = opts.next(c, i);
        if (!req) return;
        const t0 = process.hrtime.bigint();
        const res = await opts.send(req);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (isOk(res)) ok++;
        if (opts.onResponse?.(res, c)) return;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  latencies.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    requests: latencies.length,
    ok,
    statuses,
    seconds: round(seconds),
    okPerSecond: Math.round(ok / seconds),
    requestsPerSecond: Math.round(latencies.length / seconds),
    p50: round(pct(latencies, 50)),
    p90: round(pct(latencies, 90)),
    p99: round(pct(latencies, 99)),
    max: round(latencies.at(-1) ?? 0),
    generatorCpu: Math.round((cpu.user + cpu.system) / 10 / Math.max(latencies.length, 1)) / 100,
  };
}
