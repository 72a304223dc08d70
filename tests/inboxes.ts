import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A received email, decoded enough to read: recipients, subject and plain-text body. */
export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
}

const decodeWords = (s: string) =>
  s.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_, enc: string, data: string) =>
    enc.toLowerCase() === 'b' ? Buffer.from(data, 'base64').toString('utf8') : decodeQp(data.replaceAll('_', ' ')),
  );
const decodeQp = (s: string) =>
  Buffer.from(s.replace(/=\r?\n/g, '').replace(/=([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');

function parseMail(raw: string, to: string[]): ReceivedMail {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const header = (name: string) => head.match(new RegExp(`^${name}: (.*)$`, 'mi'))?.[1] ?? '';
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  const text = encoding === 'base64' ? Buffer.from(body, 'base64').toString('utf8') : encoding === 'quoted-printable' ? decodeQp(body) : body;
  return { to, subject: decodeWords(header('Subject')), text };
}

/** A real SMTP server on loopback that keeps every message it accepts. */
export async function startSmtpInbox(): Promise<{ url: string; mails: ReceivedMail[]; close(): Promise<void> }> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push(parseMail(Buffer.concat(chunks).toString('utf8'), session.envelope.rcptTo.map((r) => r.address)));
        done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** An SMS provider on loopback: records each POST and answers with `status` (set it to fail). */
export async function startSmsInbox(): Promise<{
  url: string;
  messages: Array<{ authorization?: string; body: { to: string; text: string } }>;
  status: number;
  close(): Promise<void>;
}> {
  const inbox = {
    url: '',
    messages: [] as Array<{ authorization?: string; body: { to: string; text: string } }>,
    status: 202,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      if (inbox.status < 300) inbox.messages.push({ authorization: req.headers.authorization, body: JSON.parse(data) });
      res.writeHead(inbox.status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  inbox.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/messages`;
  return inbox;
}

/** The six-digit code in a message. */
export function codeIn(text: string): string {
  const m = text.match(/\b(\d{6})\b/);
  if (!m) throw new Error(`no code in: ${text}`);
  return m[1];
}

/**
 * A loopback SMTP inbox that the next app started receives its sign-in mails in (through SMTP_URL
 * and MAIL_FROM); close() stops it and unsets them.
 */
export async function mailInbox(from = 'Omniloop Shop <no-reply@shop.test>'): Promise<Awaited<ReturnType<typeof startSmtpInbox>>> {
  const inbox = await startSmtpInbox();
  process.env.SMTP_URL = inbox.url;
  process.env.MAIL_FROM = from;
  return {
    ...inbox,
    async close() {
      await inbox.close();
      delete process.env.SMTP_URL;
      delete process.env.MAIL_FROM;
    },
  };
}
