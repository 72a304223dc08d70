import nodemailer from 'nodemailer';
import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '../../platform/errors.js';
import type { MessagingConfig } from './customers.config.js';
import type { Channel, Contact } from './contact.js';
import type { CodeMessage } from './code-messages.js';
import { httpSmsProvider, type SmsProvider } from './sms-provider.js';

/** Sends a message to a contact over its channel; the message holds a secret and is never logged. */
export interface CodeDelivery {
  available(channel: Channel): boolean;
  send(to: Contact, message: CodeMessage): Promise<void>;
  close(): Promise<void>;
}

export function createCodeDelivery(config: MessagingConfig, log: FastifyBaseLogger): CodeDelivery {
  const mail = config.smtpUrl ? nodemailer.createTransport(config.smtpUrl) : null;
  const sms: SmsProvider | null =
    config.smsProviderUrl && config.smsProviderKey ? httpSmsProvider(config.smsProviderUrl, config.smsProviderKey) : null;
  return {
    available: (channel) => (channel === 'email' ? mail !== null : sms !== null),
    async send(to, message) {
      try {
        if (to.channel === 'email') {
          if (!mail) throw unavailable('email');
          await mail.sendMail({ from: config.mailFrom, to: to.value, subject: message.subject, text: message.text });
        } else {
          if (!sms) throw unavailable('phone');
          await sms.send(to.value, message.text);
        }
      } catch (err) {
        if (err instanceof AppError) throw err;
        // Only the kind of failure: the error may quote the recipient, and the message holds a code.
        const e = err as { code?: string; responseCode?: number; status?: number | null; name?: string };
        log.warn({ channel: to.channel, failure: e.code ?? e.name, responseCode: e.responseCode ?? e.status }, 'sign-in code not delivered');
        throw new AppError('delivery_failed', `the ${to.channel === 'email' ? 'email' : 'text message'} could not be sent; try again shortly`, {
          field: to.channel,
          channel: to.channel,
        });
      }
    },
    async close() {
      mail?.close();
    },
  };
}

export const unavailable = (channel: Channel) =>
  new AppError('channel_unavailable', `sign-in by ${channel === 'email' ? 'email' : 'phone'} is not set up on this server`, {
    field: channel,
    channel,
  });
