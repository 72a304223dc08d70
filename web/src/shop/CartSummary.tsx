import { Alert, Card, Tag, Typography } from 'antd';
import { useI18n } from '../shared/i18n';
import { money } from '../shared/format';

/** What a cart line and the cart's totals say about their discounts, as the server priced them. */

interface Adjustment { code: string; description: string; amount: number }

/** A promotion's name as the shopper knows it; points are named in the shopper's language. */
function useAdjustmentLabel() {
  const { t } = useI18n();
  return (a: Adjustment) => (a.code === 'points' ? t('Points') : a.description);
}

export function LineDetails({ line, currency }: { line: any; currency: string }) {
  const { t, lang } = useI18n();
  const label = useAdjustmentLabel();
  const m = (v: number) => money(v, currency, lang);
  return (
    <div data-testid="cart-line-details">
      <div>
        {line.title || line.sku} · {line.giftOf ? <Tag color="magenta" data-testid="gift-line">{t('Gift')}</Tag> : m(line.unitPrice)}
        {line.offer && <Tag color="volcano" style={{ marginLeft: 6 }} data-testid="offer-tag">{t(line.offer.kind === 'group_buy' ? 'Group buy' : 'Flash sale')}</Tag>}
      </div>
      {(line.adjustments as Adjustment[]).map((a, i) => (
        <div key={i} className="row-between" style={{ color: '#c2410c', fontSize: 12 }} data-testid="line-adjustment">
          <span>{label(a)}</span><span>−{m(a.amount)}</span>
        </div>
      ))}
      {line.discount > 0 && <div className="row-between" style={{ fontSize: 12 }}><span>{t('Line total')}</span><strong>{m(line.total)}</strong></div>}
      {line.offerProblem && (
        <Alert type="warning" showIcon style={{ marginTop: 4, padding: '2px 8px' }} data-testid="offer-problem"
          message={t(line.offerProblem.code)} description={<span style={{ fontSize: 12 }}>{line.offerProblem.detail} · {t('This line is at its usual price meanwhile.')}</span>} />
      )}
    </div>
  );
}

export function CartTotals({ cart }: { cart: any }) {
  const { t, lang } = useI18n();
  const label = useAdjustmentLabel();
  const m = (v: number) => money(v, cart.currency, lang);
  // The line discounts summed per promotion (and points): with the subtotal and shipping they make the total.
  const parts = new Map<string, Adjustment>();
  for (const l of cart.lines) {
    for (const a of l.adjustments as Adjustment[]) {
      const seen = parts.get(a.code);
      parts.set(a.code, seen ? { ...seen, amount: seen.amount + a.amount } : { ...a });
    }
  }
  const shippingOff = (cart.shippingAdjustments as Adjustment[]).reduce((s, a) => s + a.amount, 0);
  return (
    <Card size="small" style={{ marginTop: 12 }} data-testid="cart-totals">
      <div className="row-between"><span>{t('Subtotal')}</span><span>{m(cart.subtotal)}</span></div>
      {[...parts.values()].map((a) => (
        <div key={a.code} className="row-between" style={{ color: '#c2410c' }} data-testid={a.code === 'points' ? 'points-discount' : 'promotion-discount'}>
          <span>{label(a)}</span><span>−{m(a.amount)}</span>
        </div>
      ))}
      {cart.discountTotal > 0 && <div className="row-between"><span>{t('Discounts')}</span><span data-testid="cart-discount-total">−{m(cart.discountTotal)}</span></div>}
      {(cart.shippingTotal > 0 || shippingOff > 0) && (
        <div className="row-between">
          <span>{t('Shipping')}</span>
          <span>{shippingOff > 0 && <Typography.Text delete type="secondary" style={{ marginRight: 6 }}>{m(cart.shippingTotal + shippingOff)}</Typography.Text>}{m(cart.shippingTotal)}</span>
        </div>
      )}
      {(cart.shippingAdjustments as Adjustment[]).map((a, i) => (
        <div key={i} style={{ fontSize: 12 }} data-testid="shipping-adjustment">
          <Tag color="green">{t('Free shipping')}</Tag>{a.description} −{m(a.amount)}
        </div>
      ))}
      <div className="row-between" style={{ fontWeight: 700, fontSize: 16 }}><span>{t('Total')}</span><span data-testid="cart-total">{m(cart.grandTotal)}</span></div>
    </Card>
  );
}
