/** What the one box at the counter was given: a voucher, a pickup or a member to sell to. */
export type Scanned =
  | { kind: 'pickup'; code: string; fulfillmentId?: string }
  | { kind: 'voucher'; code: string }
  | { kind: 'memberCode'; code: string }
  | { kind: 'member'; query: string }
  | { kind: 'empty' };

// Crockford base32, as voucher codes are made; O, I and L are read as the digits they resemble.
const VOUCHER = /^[0-9A-HJKMNP-TV-Z]{12}$/;

export function classify(input: string): Scanned {
  const raw = input.trim();
  if (!raw) return { kind: 'empty' };
  const qr = /^omniloop:pickup:([^:]+):(\d{6,8})$/.exec(raw);
  if (qr) return { kind: 'pickup', fulfillmentId: qr[1], code: qr[2] };
  if (/^\d{6}$|^\d{8}$/.test(raw)) return { kind: 'pickup', code: raw };
  // The rotating code in a member's app: OMM1.<member>.<signature>.
  if (/^OMM1\.[^.\s]+\.[^.\s]+$/.test(raw)) return { kind: 'memberCode', code: raw };
  const compact = raw.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (VOUCHER.test(compact)) return { kind: 'voucher', code: compact };
  return { kind: 'member', query: raw };
}
