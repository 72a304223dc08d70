import { useI18n } from '../shared/i18n';
import { dateTime, money } from '../shared/format';
import type { Location } from '../shared/lookups';

/** A till receipt, laid out for an 80 mm printer (see clerk.css @media print). */
export function Receipt({ order, store }: { order: any; store: Location }) {
  const { t, lang } = useI18n();
  const m = (v: number) => money(v, order.currency, lang);
  return (
    <div className="receipt" data-testid="receipt">
      <div style={{ textAlign: 'center', fontWeight: 700 }}>{store.name}</div>
      <div style={{ textAlign: 'center' }}>{store.address.line1}</div>
      <div style={{ textAlign: 'center' }}>{dateTime(order.createdAt, lang)}</div>
      <div style={{ textAlign: 'center' }}>{t('Order')} {order.id}</div>
      <hr />
      {order.lines.map((l: any) => (
        <div key={l.id}>
          <div>{l.title}{l.priceSource === 'gift' && ` (${t('Gift')})`}</div>
          <div className="row"><span>{l.quantity} × {m(l.unitPrice)}</span><span>{m(l.subtotal)}</span></div>
          {l.adjustments.map((a: any, i: number) => (
            <div key={i} className="row" data-testid="receipt-discount"><span style={{ paddingLeft: 12 }}>{a.code === 'points' ? t('Points') : a.description}</span><span>−{m(a.amount)}</span></div>
          ))}
        </div>
      ))}
      <hr />
      {order.discountTotal > 0 && <div className="row"><span>{t('Subtotal')}</span><span>{m(order.subtotal)}</span></div>}
      {order.discountTotal > 0 && <div className="row"><span>{t('You saved')}</span><span data-testid="receipt-saved">−{m(order.discountTotal)}</span></div>}
      {order.couponCodes.length > 0 && <div className="row" data-testid="receipt-coupons"><span>{t('Coupons')}</span><span>{order.couponCodes.join(', ')}</span></div>}
      {order.pointsSpent > 0 && <div className="row" data-testid="receipt-points"><span>{t('Points used')}</span><span>{order.pointsSpent}</span></div>}
      <div className="row"><strong>{t('Total')}</strong><strong>{m(order.grandTotal)}</strong></div>
      <div className="row"><span>{t('Paid by')} {t(order.paymentMethod ?? '')}</span><span>{m(order.paidAmount)}</span></div>
      {order.tendered !== null && <div className="row"><span>{t('Cash received')}</span><span>{m(order.tendered)}</span></div>}
      {order.change !== null && <div className="row"><span>{t('Change')}</span><span>{m(order.change)}</span></div>}
      {order.taxIncluded > 0 && <div className="row"><span>{t('Tax included')}</span><span>{m(order.taxIncluded)}</span></div>}
      <hr />
      <div style={{ textAlign: 'center' }}>{t('Thank you')}</div>
    </div>
  );
}
