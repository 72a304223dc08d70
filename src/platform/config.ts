import { z } from 'zod';
import path from 'node:path';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().url().optional(),
  OMNILOOP_DATA_DIR: z.string().default(path.join(process.cwd(), '.omniloop', 'data')),
  OMNILOOP_DB_POOL: z.coerce.number().int().min(1).max(500).default(20),
  OMNILOOP_WORKER: z.enum(['on', 'off']).default('on'),
  OMNILOOP_EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  OMNILOOP_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
  OMNILOOP_PUBLIC_URL: z.string().url().optional(),
  OMNILOOP_OWNER_EMAIL: z.string().email().default('owner@omniloop.local'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = {
  port: number;
  host: string;
  databaseUrl?: string;
  dataDir: string;
  dbPool: number;
  worker: boolean;
  /** Days a relayed event is kept for the events API before the worker deletes it. */
  eventRetentionDays: number;
  /** Server processes `omniloop serve` runs on one port (PostgreSQL only). */
  processes: number;
  publicUrl: string;
  ownerEmail: string;
  logLevel: string;
};

/** Reads and validates configuration from the environment once, at start. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const config: Config = {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.OMNILOOP_DATA_DIR,
    dbPool: e.OMNILOOP_DB_POOL,
    worker: e.OMNILOOP_WORKER === 'on',
    eventRetentionDays: e.OMNILOOP_EVENT_RETENTION_DAYS,
    processes: e.OMNILOOP_PROCESSES,
    publicUrl: e.OMNILOOP_PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`,
    ownerEmail: e.OMNILOOP_OWNER_EMAIL,
    logLevel: e.LOG_LEVEL,
    ...overrides,
  };
  return config;
}
