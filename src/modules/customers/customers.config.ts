import { z } from 'zod';
import type { Config } from '../../platform/config.js';

/** Where sign-in codes are sent from. A channel left unset is simply unavailable. */
export interface MessagingConfig {
  /** e.g. smtp://user:pass@mail.example.com:587 or smtps://…:465 */
  smtpUrl?: string;
  /** the From header, e.g. "Brand <no-reply@brand.example>" */
  mailFrom?: string;
  /** SMS provider endpoint that takes POST { to, text } as JSON with a Bearer key */
  smsProviderUrl?: string;
  smsProviderKey?: string;
}

const unsetIfEmpty = (v: unknown) => (v === '' ? undefined : v);
const envSchema = z.object({
  SMTP_URL: z.preprocess(unsetIfEmpty, z.url({ protocol: /^smtps?$/ }).optional()),
  MAIL_FROM: z.preprocess(unsetIfEmpty, z.string().optional()),
  SMS_PROVIDER_URL: z.preprocess(unsetIfEmpty, z.url({ protocol: /^https?$/ }).optional()),
  SMS_PROVIDER_KEY: z.preprocess(unsetIfEmpty, z.string().optional()),
});

/**
 * Fields set on the application config win (so a caller can configure an app in code); the rest
 * come from the environment. Validated once, at start: a half-configured channel is an error.
 */
export function loadMessagingConfig(config: Config & MessagingConfig, env: NodeJS.ProcessEnv = process.env): MessagingConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const m: MessagingConfig = {
    smtpUrl: config.smtpUrl ?? e.SMTP_URL,
    mailFrom: config.mailFrom ?? e.MAIL_FROM,
    smsProviderUrl: config.smsProviderUrl ?? e.SMS_PROVIDER_URL,
    smsProviderKey: config.smsProviderKey ?? e.SMS_PROVIDER_KEY,
  };
  if (m.smtpUrl && !m.mailFrom) throw new Error('Invalid configuration:\n  MAIL_FROM: required when SMTP_URL is set');
  if (m.smsProviderUrl && !m.smsProviderKey) throw new Error('Invalid configuration:\n  SMS_PROVIDER_KEY: required when SMS_PROVIDER_URL is set');
  return m;
}
