import { Card, Empty, Spin, Typography } from 'antd';
import { Link } from 'react-router';
import { ProblemAlert } from '../shared/ui';
import { useI18n } from '../shared/i18n';
import { money } from '../shared/format';
import { GroupProgress, ShareLink, useMyGroups } from './GroupBuy';

/** The groups the shopper opened or joined, newest first: how each stands, and the link to share an open one. */
export function MyGroupBuys() {
  const { t, lang } = useI18n();
  const q = useMyGroups();
  if (q.isPending) return <div style={{ textAlign: 'center', padding: 32 }}><Spin /></div>;
  if (q.isError) return <ProblemAlert error={q.error} />;
  return (
    <>
      <Typography.Title level={4}>{t('My group buys')}</Typography.Title>
      {!q.data.length && <Empty description={t('No group buys yet')}><Link to="/shop/deals">{t('See the deals')}</Link></Empty>}
      {q.data.map((g) => (
        <Card key={g.id} size="small" style={{ marginBottom: 12 }} data-testid="my-group"
          title={<Link to={`/shop/groups/${g.id}`}>{g.name}</Link>} extra={money(g.price.amount, g.price.currency, lang)}>
          <GroupProgress group={g} />
          {g.seat.status === 'joined' && g.status === 'open' && <Typography.Paragraph type="warning" style={{ margin: '6px 0 0' }}>{t('Your seat is held until your payment confirms.')}</Typography.Paragraph>}
          {g.seat.status === 'left' && <Typography.Paragraph type="secondary" style={{ margin: '6px 0 0' }}>{t('Your order was cancelled, so your seat was given back.')}</Typography.Paragraph>}
          {g.status === 'open' && g.seat.status !== 'left' && <div style={{ marginTop: 8 }}><ShareLink group={g} /></div>}
          <div style={{ marginTop: 6 }}><Link to={`/shop/orders/${g.seat.orderId}`}>{t('Your order')}</Link></div>
        </Card>
      ))}
    </>
  );
}
