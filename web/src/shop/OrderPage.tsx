import { useQuery } from '@tanstack/react-query';
import { Alert, Card, List, Result, Space, Spin, Typography } from 'antd';
import { Link, useParams } from 'react-router';
import { shopperApi } from '../shared/api';
import { ProblemAlert } from '../shared/ui';
import { useI18n } from '../shared/i18n';
import { money } from '../shared/format';
import { StatusTag } from '../shared/status';
import { useShop } from './shop-context';
import { Qr } from './Qr';

const UNPAID = ['reserved', 'pending_payment'];

/** The order just placed: its payment settling, pickup codes, and where its vouchers are. */
export function OrderPage() {
  const { t, lang } = useI18n();
  const { id } = useParams();
  const shop = useShop();
  // Signed-in shoppers can read their order back, so the page follows the payment as it settles.
  const q = useQuery({
    queryKey: ['shop-order', id],
    queryFn: () => shopperApi.get(`/v1/orders/${id}`),
    enabled: Boolean(shop.shopperToken),
    refetchInterval: (query) => (query.state.data && UNPAID.includes(query.state.data.status) ? 1500 : false),
  });
  if (q.isPending && !q.data) return q.fetchStatus === 'idle' ? <Result status="warning" title={t('Order placed')} subTitle={t('Sign in to follow your orders.')} /> : <Spin />;
  if (q.isError && !q.data) return <ProblemAlert error={q.error} />;
  const o = q.data;
  const pickups = o.fulfillments.filter((f: any) => f.type === 'pickup');
  const vouchers = o.fulfillments.some((f: any) => f.type === 'voucher');
  return (
    <>
      <Result status={UNPAID.includes(o.status) ? 'info' : 'success'}
        title={!UNPAID.includes(o.status) ? t('Thank you! Your order is placed.') : shop.shopperToken ? t('Waiting for the payment to confirm…') : t('Order placed: the payment is being confirmed.')}
        subTitle={<Space>{t('Order')} {o.id.slice(-8)} <StatusTag status={o.status} /> {money(o.grandTotal, o.currency, lang)}</Space>} style={{ padding: '16px 0' }} />
      {pickups.map((f: any) => (
        <Card key={f.id} size="small" title={t('Pickup code')} style={{ marginBottom: 12, textAlign: 'center' }}>
          <Typography.Title level={2} style={{ letterSpacing: 6, margin: 0 }} data-testid="pickup-code">{f.pickupCode}</Typography.Title>
          {f.qrPayload && <Qr payload={f.qrPayload} />}
          <div><StatusTag status={f.status} /></div>
          <Typography.Paragraph type="secondary">{t('Show this at the counter. We tell you when it is ready.')}</Typography.Paragraph>
        </Card>
      ))}
      {!shop.shopperToken && <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('Sign in with {contact} to follow this order and see its vouchers.', { contact: o.email ?? o.phone ?? '' })} action={<Link to="/shop/me">{t('Sign in')}</Link>} />}
      {vouchers && shop.shopperToken && <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('Your vouchers are in your member centre.')} action={<Link to="/shop/me">{t('Open')}</Link>} />}
      <List size="small" bordered style={{ background: '#fff' }} dataSource={o.lines} renderItem={(l: any) => (
        <List.Item><span>{l.quantity} × {l.title}</span><span style={{ whiteSpace: 'nowrap' }}>{money(l.total, o.currency, lang)}</span></List.Item>
      )} />
    </>
  );
}
