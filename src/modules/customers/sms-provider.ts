/** Sends a text message. Providers differ; each gets an adapter with this shape. */
export interface SmsProvider {
  send(to: string, text: string): Promise<void>;
}

export class SmsDeliveryError extends Error {
  constructor(readonly status: number | null) {
    super(status === null ? 'the SMS provider could not be reached' : `the SMS provider answered ${status}`);
    this.name = 'SmsDeliveryError';
  }
}

/**
 * A provider (or a relay in front of one) that takes `POST { to, text }` as JSON with
 * `Authorization: Bearer <key>` and answers 2xx once it has accepted the message.
 */
export function httpSmsProvider(url: string, key: string, timeoutMs = 10_000): SmsProvider {
  return {
    async send(to, text) {
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ to, text }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch {
        throw new SmsDeliveryError(null);
      }
      await res.body?.cancel();
      if (!res.ok) throw new SmsDeliveryError(res.status);
    },
  };
}
