import type { Lang } from './i18n';

/** Amounts travel as integer minor units; only the display divides. */
export function money(amount: number | null | undefined, currency = 'CNY', lang: Lang = 'zh-CN'): string {
  if (amount === null || amount === undefined) return '—';
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return new Intl.NumberFormat(lang, { style: 'currency', currency }).format(amount / 10 ** digits);
}

/** A money input (yuan with decimals) back to minor units. */
export function toMinor(value: number | string, currency = 'CNY'): number {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return Math.round(Number(value) * 10 ** digits);
}

export function dateTime(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

export function time(iso: string, lang: Lang, timeZone?: string): string {
  return new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', timeZone }).format(new Date(iso));
}

/** YYYY-MM-DD of a moment in the browser's zone. */
export function localDay(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
