import { Command } from 'commander';
import { loadConfig } from '../platform/config.js';
import { openDatabase } from '../platform/db.js';
import { migrate } from '../platform/migrate.js';
import { createOmniloop } from '../app.js';
import { serve } from './serve.js';

const program = new Command();
program.name('omniloop').description('Omnichannel O2O commerce and marketing platform');

program
  .command('serve')
  .description('run the API server (and its background worker)')
  .option('--demo', 'load the demo brand into an empty database first')
  .option('-p, --port <port>', 'port to listen on (default PORT or 4000)')
  .option('--processes <n>', 'server processes sharing the port, one per core (PostgreSQL only; default OMNILOOP_PROCESSES or 1)')
  .action(serve);

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
