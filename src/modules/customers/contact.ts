import { invalid } from '../../platform/errors.js';

/** How a shopper is reached and identified: an email address or a mobile phone number. */
export type Channel = 'email' | 'phone';
export interface Contact {
  channel: Channel;
  /** lowercased email, or E.164 phone */
  value: string;
}

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const E164 = /^\+[1-9]\d{6,14}$/;

export function normalizeEmail(email: string, field = 'email'): string {
  const v = email.trim().toLowerCase();
  if (!EMAIL.test(v) || v.length > 320) throw invalid(field, 'an email address such as name@example.com');
  return v;
}

/** E.164 only: without a country code a number is ambiguous, so none is guessed. */
export function normalizePhone(phone: string, field = 'phone'): string {
  const v = phone.trim().replace(/^00/, '+').replace(/[\s\-().]/g, '');
  if (!E164.test(v)) throw invalid(field, 'a phone number in international format with country code, such as +8613800138000');
  return v;
}

/** Exactly one of email or phone, normalized. */
export function contactOf(input: { email?: string; phone?: string }): Contact {
  if (input.email !== undefined && input.phone !== undefined) throw invalid('phone', 'send an email or a phone, not both');
  if (input.email !== undefined) return { channel: 'email', value: normalizeEmail(input.email) };
  if (input.phone !== undefined) return { channel: 'phone', value: normalizePhone(input.phone) };
  throw invalid('email', 'send an email or a phone');
}

/** The key one sign-in code and its rate limits belong to. */
export const identityOf = (c: Contact) => `${c.channel}:${c.value}`;

/** The language a request asks for: an explicit locale, else the best Accept-Language match. */
export function requestedLocale(explicit: Locale | undefined, acceptLanguage: string | undefined): Locale | undefined {
  if (explicit) return explicit;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag, q: q ? Number(q.slice(2)) || 0 : 1, i };
    })
    .filter((l) => l.tag && l.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  return undefined;
}
