/**
 * Money typed as yuan in a form goes to the API as integer minor units, converted on the digits of
 * the string so 0.1 + 0.2 style float errors never reach a payload.
 */

export function minorDigits(currency = 'CNY'): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** '12.30' → 1230 (CNY); null for anything that is not a plain non-negative amount. */
export function parseMinor(input: string | number | null | undefined, currency = 'CNY'): number | null {
  if (input === null || input === undefined) return null;
  const text = String(input).trim();
  const digits = minorDigits(currency);
  const m = /^(\d+)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] ?? '').length > digits) return null;
  const minor = Number(m[1] + (m[2] ?? '').padEnd(digits, '0'));
  return Number.isSafeInteger(minor) ? minor : null;
}

/** 1230 → '12.30', for putting a stored amount back into a form. */
export function formatMinor(amount: number | null | undefined, currency = 'CNY'): string | undefined {
  if (amount === null || amount === undefined) return undefined;
  const digits = minorDigits(currency);
  if (digits === 0) return String(amount);
  const s = String(Math.abs(amount)).padStart(digits + 1, '0');
  return `${amount < 0 ? '-' : ''}${s.slice(0, -digits)}.${s.slice(-digits)}`;
}

/** Minor units of an amount field that the form already validated. */
export function minor(input: string | number | null | undefined, currency = 'CNY'): number | undefined {
  if (input === null || input === undefined || input === '') return undefined;
  return parseMinor(input, currency) ?? undefined;
}
