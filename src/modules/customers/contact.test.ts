import { describe, expect, it } from 'vitest';
import { contactOf, normalizePhone, requestedLocale } from './contact.js';

describe('contacts', () => {
  it.each([
    ['+86 138-0013-8000', '+8613800138000'],
    ['0086 13800138000', '+8613800138000'],
    ['+1 (415) 555-0100', '+14155550100'],
  ])('reads %s as %s', (raw, e164) => expect(normalizePhone(raw)).toBe(e164));

  it.each(['13800138000', '+0123456789', '+86 abc', '+1234'])('refuses %s, naming the field', (raw) => {
    expect(() => normalizePhone(raw)).toThrow(expect.objectContaining({ code: 'validation_failed', details: { field: 'phone' } }));
  });

  it('takes exactly one of email or phone', () => {
    expect(contactOf({ email: ' Ann@Example.COM ' })).toEqual({ channel: 'email', value: 'ann@example.com' });
    expect(() => contactOf({})).toThrow(expect.objectContaining({ details: { field: 'email' } }));
    expect(() => contactOf({ email: 'a@b.co', phone: '+8613800138000' })).toThrow(expect.objectContaining({ details: { field: 'phone' } }));
  });

  it.each([
    [undefined, 'zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    [undefined, 'en;q=0.5, zh-TW;q=0.9', 'zh-CN'],
    [undefined, 'fr-FR, en-GB;q=0.7, zh;q=0.3', 'en'],
    [undefined, 'fr-FR', undefined],
    [undefined, undefined, undefined],
    ['en', 'zh-CN', 'en'],
  ] as const)('locale %s with Accept-Language %s is %s', (explicit, header, want) => {
    expect(requestedLocale(explicit, header)).toBe(want);
  });
});
