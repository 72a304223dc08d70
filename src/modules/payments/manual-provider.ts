import { invalid } from '../../platform/errors.js';
import type { PaymentProvider } from './provider.js';

/**
 * Money a clerk took in person (cash, card terminal, QR code): it is already in hand, so authorize
 * and capture both succeed at once and a refund is handed back the same way.
 */
export const manualProvider: PaymentProvider = {
  id: 'manual',
  async authorize(_ctx, input) {
    if (!input.method) throw invalid('method', 'a manual payment names its method: cash, card or qr');
    return { status: 'authorized', providerRef: input.externalReference ?? null };
  },
  async capture() {
    return { status: 'captured' };
  },
  async refund() {
    return { status: 'succeeded' };
  },
};
