import cluster, { type Worker as ClusterWorker } from 'node:cluster';
import { loadConfig, type Config } from '../platform/config.js';
import { createOmniloop } from '../app.js';
import { ensureOwner } from '../modules/access/index.js';

export interface ServeOptions {
  demo?: boolean;
  port?: string;
  processes?: string;
}

/**
 * `omniloop serve`. One process serves on one core; with OMNILOOP_PROCESSES (or --processes) above
 * one, a primary prepares the database once (migrations, demo data, the owner), then starts that
 * many server processes sharing the port (Node's cluster hands each new connection to the next
 * process) and restarts any that dies. The servers are stateless replicas of one PostgreSQL
 * database; only the first runs the background worker, though its jobs are safe on several.
 */
export async function serve(opts: ServeOptions): Promise<void> {
  // The demo loads its data through the API: request logs would bury the sign-in it prints.
  const env = opts.demo ? { LOG_LEVEL: 'warn', ...process.env } : process.env;
  const config = loadConfig(env, {
    ...(opts.port ? { port: Number(opts.port) } : {}),
    ...(opts.processes ? { processes: Number(opts.processes) } : {}),
  });
  if (cluster.isWorker) return runServer(config);
  if (config.processes > 1 && !config.databaseUrl) throw new Error('several server processes need a PostgreSQL server (DATABASE_URL): the embedded database lives in one process');

  // Prepare the database before any server starts, and print what a person needs once.
  const omni = await createOmniloop(config.processes > 1 ? { ...config, worker: false } : config);
  let signIn: { email: string; password: string } | null = null;
  let storefront: string | null = null;
  if (opts.demo) {
    const { seedDemo, demoStorefrontKey } = await import('./seed-demo.js');
    signIn = await seedDemo(omni, { progress: true });
    storefront = `${config.publicUrl}/shop?key=${await demoStorefrontKey(omni)}`;
  }
  const owner = await ensureOwner(omni.database.db, config.ownerEmail);
  if (owner) signIn = owner;
  const where = omni.database.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `embedded database in ${config.dataDir}`;
  let stop: () => Promise<void>;
  if (config.processes > 1) {
    await omni.close();
    stop = await startProcesses(config);
  } else {
    await omni.app.listen({ port: config.port, host: config.host });
    stop = () => omni.close();
  }
  console.log(`\nOmniloop is running at ${config.publicUrl}${config.processes > 1 ? ` (${config.processes} server processes)` : ''}`);
  console.log(`  API description: ${config.publicUrl}/openapi.json   API docs: ${config.publicUrl}/docs`);
  console.log(`  Data: ${where}`);
  console.log(`  Console: ${config.publicUrl}/console   Store clerk screen: ${config.publicUrl}/clerk`);
  if (storefront) console.log(`  Storefront: ${storefront}`);
  if (signIn) console.log(`  Sign in as ${signIn.email} with password ${signIn.password}${opts.demo ? ' (clerks: clerk.sh-njr@demo.omniloop.dev, same password)' : '  (shown once; keep it)'}`);
  const exit = async () => {
    await stop();
    process.exit(0);
  };
  process.once('SIGINT', exit);
  process.once('SIGTERM', exit);
}

/** A server process of the cluster: it listens on the primary's shared port. */
async function runServer(config: Config): Promise<void> {
  // Told to stop while still starting, it just exits; once serving, it closes first.
  let omni: Awaited<ReturnType<typeof createOmniloop>> | null = null;
  const exit = async () => {
    await omni?.close();
    process.exit(0);
  };
  process.once('SIGINT', exit);
  process.once('SIGTERM', exit);
  omni = await createOmniloop(config);
  await omni.app.listen({ port: config.port, host: config.host });
}

const STOP_GRACE_MS = 10_000;

/**
 * Node flags of a server process: the primary's, plus a young generation large enough that the
 * short-lived objects of requests in flight die there instead of being copied and promoted
 * (docs/decisions/0010-young-generation.md). A size the operator set, on the command line or in
 * NODE_OPTIONS, is kept.
 */
export function serverExecArgv(execArgv: string[], nodeOptions = ''): string[] {
  const set = [...execArgv, ...nodeOptions.split(/\s+/)].some((a) => a.startsWith('--max-semi-space-size'));
  return set ? execArgv : [...execArgv, '--max-semi-space-size=64'];
}

/** Starts the server processes, resolves when all listen, and returns how to stop them. */
async function startProcesses(config: Config): Promise<() => Promise<void>> {
  let ready = false;
  let stopping = false;
  cluster.setupPrimary({ execArgv: serverExecArgv(process.execArgv, process.env.NODE_OPTIONS) });
  const start = (first: boolean): ClusterWorker => {
    const w = cluster.fork({ OMNILOOP_WORKER: first && config.worker ? 'on' : 'off' });
    w.once('exit', (code, signal) => {
      if (stopping || !ready) return;
      console.error(`server process ${w.process.pid} exited (${signal ?? code}); starting another`);
      start(first);
    });
    return w;
  };
  const workers = Array.from({ length: config.processes }, (_, i) => start(i === 0));
  await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
    w.once('listening', () => resolve());
    w.once('exit', (code) => reject(new Error(`a server process exited with ${code} before listening`)));
  }))).catch(async (err) => {
    await stopAll();
    throw err;
  });
  ready = true;
  return stopAll;

  async function stopAll(): Promise<void> {
    stopping = true;
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is ClusterWorker => !!w && !w.isDead());
    await Promise.all(alive.map((w) => new Promise((resolve) => {
      // One that does not finish closing in time is ended.
      const kill = setTimeout(() => w.process.kill('SIGKILL'), STOP_GRACE_MS);
      w.once('exit', () => resolve(clearTimeout(kill)));
      w.process.kill('SIGTERM');
    })));
  }
}
