import { Command } from 'commander';
import { loadConfig } from '../platform/config.js';
import { openDatabase } from '../platform/db.js';
import { migrate } from '../platform/migrate.js';
import { createOmniloop } from '../app.js';
import { ensureOwner } from '../modules/access/index.js';

const program = new Command();
program.name('omniloop').description('Omnichannel O2O commerce and marketing platform');

program
  .command('serve')
  .description('run the API server (and its background worker)')
  .option('--demo', 'load the demo brand into an empty database first')
  .option('-p, --port <port>', 'port to listen on (default PORT or 4000)')
  .action(async (opts: { demo?: boolean; port?: string }) => {
    // The demo loads its data through the API: request logs would bury the sign-in it prints.
    const env = opts.demo ? { LOG_LEVEL: 'warn', ...process.env } : process.env;
    const config = loadConfig(env, opts.port ? { port: Number(opts.port) } : {});
    const omni = await createOmniloop(config);
    const db = omni.database.db;
    let signIn: { email: string; password: string } | null = null;
    let storefront: string | null = null;
    if (opts.demo) {
      const { seedDemo, demoStorefrontKey } = await import('./seed-demo.js');
      signIn = await seedDemo(omni, { progress: true });
      storefront = `${config.publicUrl}/shop?key=${await demoStorefrontKey(omni)}`;
    }
    const owner = await ensureOwner(db, config.ownerEmail);
    if (owner) signIn = owner;
    await omni.app.listen({ port: config.port, host: config.host });
    const where = omni.database.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `embedded database in ${config.dataDir}`;
    console.log(`\nOmniloop is running at ${config.publicUrl}`);
    console.log(`  API description: ${config.publicUrl}/openapi.json   API docs: ${config.publicUrl}/docs`);
    console.log(`  Data: ${where}`);
    console.log(`  Console: ${config.publicUrl}/console   Store clerk screen: ${config.publicUrl}/clerk`);
    if (storefront) console.log(`  Storefront: ${storefront}`);
    if (signIn) console.log(`  Sign in as ${signIn.email} with password ${signIn.password}${opts.demo ? ' (clerks: clerk.sh-njr@demo.omniloop.dev, same password)' : '  (shown once; keep it)'}`);
    const stop = async () => {
      await omni.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

program
  .command('migrate')
  .description('apply database migrations and exit')
  .action(async () => {
    const config = loadConfig();
    const database = await openDatabase(config);
    const applied = await migrate(database.db, (name) => console.log(`applied ${name}`));
    console.log(applied.length ? `${applied.length} migrations applied` : 'database is up to date');
    await database.close();
  });

program
  .command('seed')
  .description('load data into the database')
  .option('--demo', 'the demo brand: stores, channels, products, stock and four weeks of trade')
  .action(async (opts: { demo?: boolean }) => {
    if (!opts.demo) program.error('say what to seed: --demo');
    const omni = await createOmniloop({ ...loadConfig({ LOG_LEVEL: 'warn', ...process.env }), worker: false });
    const { seedDemo } = await import('./seed-demo.js');
    const signIn = await seedDemo(omni, { progress: true });
    console.log(`Demo brand loaded. Sign in as ${signIn.email} with password ${signIn.password}`);
    await omni.close();
  });

await program.parseAsync(process.argv);
