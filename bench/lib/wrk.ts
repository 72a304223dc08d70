import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runLoad, type LoadResult, type Request, type Response } from './load.js';
import { childrenCpuSeconds } from './cpu.js';

/**
 * Fixed request lists driven by wrk (Debian's `wrk`, written in C) instead of this Node process.
 * On a two-core machine every cycle the load generator spends is taken from the server under test;
 * undici costs ≈ 0.2–0.4 ms of CPU per request here, wrk a small fraction of that. Each of the
 * `concurrency` connections sends its next request when the last one is answered, like undici's
 * clients; the two wrk threads take every other request of the list, cycling at its end.
 */

const LUA = `
local reqs = {}
local started, nthreads = 0, 2
-- Runs in the main state once per thread: each thread starts at its own offset (a global of its own state).
function setup(thread)
  thread:set("offset", started)
  started = started + 1
end
function init(args)
  nthreads = tonumber(args[2])
  local headers = { ["Authorization"] = "Bearer " .. args[3], ["Content-Type"] = "application/json" }
  for line in io.lines(args[1]) do
    local method, p, body = line:match("^(%S+)\\t(%S+)\\t?(.*)$")
    reqs[#reqs + 1] = wrk.format(method, p, headers, body ~= "" and body or nil)
  end
  i = offset
end
function request()
  local r = reqs[(i % #reqs) + 1]
  i = i + nthreads
  return r
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('\\nRESULT {"requests":%d,"us":%d,"non2xx":%d,"socket":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
`;

/** Whether wrk is installed (`apt-get install wrk`); asked once. */
let installed: boolean | undefined;
export function haveWrk(): boolean {
  installed ??= probeWrk();
  return installed;
}

function probeWrk(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    return (err as { code?: string }).code !== 'ENOENT'; // wrk --version exits 1 after printing it
  }
}

/**
 * Runs wrk for `seconds` with a Lua script and the files it reads (written to a scratch folder;
 * `scriptArgs` names them by `file(name)`), and returns the JSON its done() printed after
 * "RESULT ", with the CPU wrk used.
 */
export async function runWrkScript<R>(opts: { lua: string; files: Record<string, string>; threads: number; connections: number; seconds: number; baseUrl: string; scriptArgs: (file: (name: string) => string) => string[] }): Promise<{ result: R; cpuSeconds: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'omniloop-wrk-'));
  try {
    const file = (name: string) => path.join(dir, name);
    writeFileSync(file('script.lua'), opts.lua);
    for (const [name, text] of Object.entries(opts.files)) writeFileSync(file(name), text);
    const args = ['-t', String(opts.threads), '-c', String(opts.connections), '-d', `${opts.seconds}s`, '--timeout', '10s', '-s', file('script.lua'), opts.baseUrl, '--', ...opts.scriptArgs(file)];
    const cpu0 = childrenCpuSeconds();
    const out = await new Promise<string>((resolve, reject) =>
      execFile('wrk', args, { maxBuffer: 1 << 20 }, (err, stdout, stderr) => (err ? reject(new Error(`wrk failed: ${stderr || err.message}`)) : resolve(stdout))),
    );
    const cpuSeconds = childrenCpuSeconds() - cpu0;
    const line = out.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) throw new Error(`wrk printed no result:\n${out}`);
    return { result: JSON.parse(line.slice('RESULT '.length)) as R, cpuSeconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runWrk(opts: { baseUrl: string; token: string; requests: Request[]; concurrency: number; seconds: number }): Promise<LoadResult> {
  const threads = 2;
  const { result: r, cpuSeconds: used } = await runWrkScript<{ requests: number; us: number; non2xx: number; socket: number; p50: number; p90: number; p99: number; max: number }>({
    lua: LUA,
    files: { 'requests.tsv': opts.requests.map((r) => `${r.method}\t${r.path}${r.body === undefined ? '' : `\t${JSON.stringify(r.body)}`}`).join('\n') + '\n' },
    threads,
    connections: opts.concurrency,
    seconds: opts.seconds,
    baseUrl: opts.baseUrl,
    scriptArgs: (file) => [file('requests.tsv'), String(threads), opts.token],
  });
  const seconds = r.us / 1e6;
  const ok = r.requests - r.non2xx;
  const ms = (us: number) => Math.round(us / 100) / 10;
  return {
    requests: r.requests,
    ok,
    statuses: { ...(ok ? { '2xx': ok } : {}), ...(r.non2xx ? { 'other': r.non2xx } : {}), ...(r.socket ? { 'socket errors': r.socket } : {}) } as unknown as Record<number, number>,
    seconds: Math.round(seconds * 10) / 10,
    okPerSecond: Math.round(ok / seconds),
    requestsPerSecond: Math.round(r.requests / seconds),
    p50: ms(r.p50),
    p90: ms(r.p90),
    p99: ms(r.p99),
    max: ms(r.max),
    generatorCpu: Math.round((used * 1000) / Math.max(r.requests, 1) * 100) / 100,
  };
}

/** CPU seconds of this process's reaped children (wrk, once it has exited): cutime + cstime. */

/**
 * A fixed list of requests from `concurrency` clients for `seconds`: by wrk when it is installed and
 * there is one server to aim at, otherwise by this process (undici) over every server.
 */
export async function driveList(opts: { urls: string[]; token: string; requests: Request[]; concurrency: number; seconds: number; send: (req: Request) => Promise<Response> }): Promise<LoadResult & { generator: string }> {
  if (opts.urls.length === 1 && haveWrk()) return { ...(await runWrk({ baseUrl: opts.urls[0], ...opts })), generator: 'wrk' };
  let n = 0;
  const r = await runLoad({ concurrency: opts.concurrency, send: opts.send, maxSeconds: opts.seconds, next: () => opts.requests[n++ % opts.requests.length] });
  return { ...r, generator: 'undici' };
}
