import { useEffect, useState } from 'react';
import QRCode from 'qrcode';

/** A QR image of a payload the counter scans (a pickup code); vouchers bring their own from the API. */
export function Qr({ payload, src }: { payload?: string; src?: string }) {
  const [url, setUrl] = useState<string | undefined>(src);
  useEffect(() => {
    if (!src && payload) QRCode.toDataURL(payload, { margin: 1, width: 360 }).then(setUrl, () => setUrl(undefined));
  }, [payload, src]);
  return url ? <img className="qr" src={url} alt={payload ?? 'QR'} /> : null;
}
