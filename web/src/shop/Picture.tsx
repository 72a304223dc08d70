import { useState } from 'react';

const COLORS = ['#0f766e', '#b45309', '#7c3aed', '#be123c', '#1d4ed8', '#4d7c0f', '#a16207', '#0e7490'];

/** The product's first image, or a coloured tile with its initials while there is none to show. */
export function Picture({ product, className }: { product: { id: string; title: string; media?: Array<{ url: string; alt?: string }> }; className: string }) {
  const [failed, setFailed] = useState(false);
  const hash = [...product.id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
  const media = product.media?.[0];
  const initials = product.title.replace(/[^A-Za-z\u4e00-\u9fff ]/g, '').split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0]).join('').toUpperCase();
  return (
    <div className={className} style={{ background: COLORS[hash % COLORS.length] }}>
      {initials}
      {media && !failed && <img src={media.url} alt={media.alt ?? product.title} loading="lazy" onError={() => setFailed(true)} />}
    </div>
  );
}
