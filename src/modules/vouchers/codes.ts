import { randomBytes } from 'node:crypto';
import QRCode from 'qrcode';

// Crockford base32: no I, L, O, U, so a code read aloud or typed from paper comes back unambiguous.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_LENGTH = 12; // 60 random bits: guessing one live code among millions stays hopeless
const GROUP = 4;

/** A new random voucher code, stored and compared in this compact form (e.g. `7K3QJ9XW2M4T`). */
export function newVoucherCode(): string {
  const bytes = randomBytes(CODE_LENGTH);
  let code = '';
  // 256 is a multiple of 32, so `% 32` picks every symbol with equal probability.
  for (const b of bytes) code += ALPHABET[b % 32];
  return code;
}

/** The code in groups for reading and typing: `7K3Q-J9XW-2M4T`. */
export function formatVoucherCode(code: string): string {
  return code.match(new RegExp(`.{1,${GROUP}}`, 'g'))!.join('-');
}

/**
 * What a clerk typed or a scanner read, in stored form: case, spaces and dashes do not matter, and
 * the look-alikes Crockford allows (O for 0, I and L for 1) are read as the digits they resemble.
 * Returns null when it cannot be a voucher code.
 */
export function normalizeVoucherCode(input: string): string | null {
  const code = input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (code.length !== CODE_LENGTH) return null;
  for (const ch of code) if (!ALPHABET.includes(ch)) return null;
  return code;
}

/** The QR a shopper shows at the counter: it holds just the code, which any POS scanner can type. */
export async function voucherQr(code: string): Promise<{ payload: string; svgDataUrl: string }> {
  const svg = await QRCode.toString(code, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { payload: code, svgDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
}
