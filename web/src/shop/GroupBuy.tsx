import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Empty, Progress, Result, Space, Spin, Tag, Typography } from 'antd';
import { TeamOutlined } from '@ant-design/icons';
import { Link, useParams } from 'react-router';
import { shopperApi } from '../shared/api';
import { ProblemAlert } from '../shared/ui';
import { useI18n } from '../shared/i18n';
import { dateTime, money } from '../shared/format';
import { useShop } from './shop-context';
import { Picture } from './Picture';
import { Countdown, SignedIn, phaseNow, useBuyUnderOffer, useListing, useNow } from './offers';

/** Group buys (拼团) on the storefront: the deals, a group's share page, and the share link. */

export const GROUP_COLORS: Record<string, string> = { open: 'gold', complete: 'green', failed: 'red' };

/** Running and upcoming group-buy deals on the web channel, for one item or all. */
export function useLiveGroupDeals(variantId?: string) {
  const shop = useShop();
  return useQuery({
    queryKey: ['shop-group-deals', shop.channel.id, variantId],
    queryFn: async () => (await shopperApi.get('/v1/shop/group-buy-deals', { channelId: shop.channel.id, variantId }, { token: shop.key })).data as any[],
  });
}

/**
 * The signed-in shopper's groups, read afresh on every page that shows them (a checkout may have
 * just opened or joined one), and refreshed while one of them is still filling up.
 */
export function useMyGroups() {
  const shop = useShop();
  return useQuery({
    queryKey: ['my-group-buys', shop.shopperToken],
    enabled: Boolean(shop.shopperToken),
    staleTime: 0,
    queryFn: async () => (await shopperApi.get('/v1/shopper/group-buys', { limit: 100 })).data as any[],
    refetchInterval: (q) => (q.state.data?.some((g: any) => g.status === 'open') ? 3000 : false),
  });
}

/** The page to send friends to; it carries the storefront key so it opens on any phone. */
export function shareUrl(group: { sharePath: string }, key: string): string {
  return `${location.origin}${group.sharePath}?key=${encodeURIComponent(key)}`;
}

export function ShareLink({ group }: { group: any }) {
  const { t } = useI18n();
  const shop = useShop();
  const url = shareUrl(group, shop.key);
  return (
    <div className="share-link">
      <Typography.Text type="secondary">{t('Share this link so friends can join:')}</Typography.Text>
      <Typography.Paragraph copyable={{ text: url, tooltips: [t('Copy link'), t('Copied')] }} style={{ margin: 0, wordBreak: 'break-all' }} data-testid="share-link">{url}</Typography.Paragraph>
    </div>
  );
}

/** Seats taken out of the group's size, and the clock while it is open. */
export function GroupProgress({ group }: { group: any }) {
  const { t, lang } = useI18n();
  return (
    <Space orientation="vertical" size={2} style={{ width: '100%' }}>
      <Progress steps={Math.min(group.size, 20)} percent={Math.round((100 * group.members) / group.size)} showInfo={false} strokeColor="#c2410c" size={[Math.max(8, Math.floor(240 / Math.min(group.size, 20))), 10]} />
      <Space wrap size={6}>
        <Tag color={GROUP_COLORS[group.status]} data-testid="group-status">{t(group.status)}</Tag>
        <span data-testid="group-members">{t('{n} of {m} joined', { n: group.members, m: group.size })}</span>
        {group.status === 'open' && <span>· {t('{n} seats left', { n: group.seatsLeft })}</span>}
      </Space>
      {group.status === 'open' && <span>{t('Closes in')} <Countdown to={group.deadline} testId="group-countdown" /></span>}
      {group.status === 'complete' && <Typography.Text type="secondary">{t('Complete on {date}: every order goes ahead.', { date: dateTime(group.completedAt, lang) })}</Typography.Text>}
      {group.status === 'failed' && <Typography.Text type="secondary">{t('Not filled in time: every order was cancelled and refunded.')}</Typography.Text>}
    </Space>
  );
}

function DealCard({ deal }: { deal: any }) {
  const { t, lang } = useI18n();
  const listing = useListing();
  const now = useNow();
  const item = listing.data?.get(deal.variantId);
  if (!item || phaseNow(deal, now) === 'over') return null;
  const usual = item.variant.price?.amount;
  return (
    <Link to={`/shop/p/${item.product.id}?variant=${deal.variantId}`} className="deal-card" data-testid="group-deal-card">
      <Picture product={item.product} className="pic" />
      <div className="info">
        <div className="name">{item.product.title}</div>
        <div>
          <span className="deal-price">{money(deal.price.amount, deal.price.currency, lang)}</span>
          {usual > deal.price.amount && <s className="usual-price">{money(usual, deal.price.currency, lang)}</s>}
        </div>
        <div className="deal-meta"><TeamOutlined /> {t('Groups of {n}', { n: deal.groupSize })}</div>
        <div className="deal-meta">
          {phaseNow(deal, now) === 'upcoming' ? <>{t('Starts in')} <Countdown to={deal.startsAt} /></> : <>{t('Ends in')} <Countdown to={deal.endsAt} /></>}
        </div>
      </div>
    </Link>
  );
}

export function GroupDealList() {
  const { t } = useI18n();
  const deals = useLiveGroupDeals();
  const listing = useListing();
  if (deals.isPending || listing.isPending) return <div style={{ textAlign: 'center', padding: 16 }}><Spin /></div>;
  if (deals.isError || listing.isError) return <ProblemAlert error={deals.error ?? listing.error} />;
  if (!deals.data.length) return <Empty description={t('No group buy right now')} />;
  return <div className="deal-list">{deals.data.map((d) => <DealCard key={d.id} deal={d} />)}</div>;
}

/**
 * A group's share page: anyone with the link sees the item, the group price, the seats left and the
 * clock; a visitor signs in here to join, and the join goes through the cart and checkout as usual.
 */
export function GroupPage() {
  const { t, lang } = useI18n();
  const { id } = useParams();
  const group = useQuery({
    queryKey: ['shop-group', id],
    queryFn: () => shopperApi.get(`/v1/shop/group-buys/${id}`, undefined, { token: null }),
    refetchInterval: (q) => (q.state.data?.status === 'open' ? 5000 : false),
  });
  const listing = useListing();
  const mine = useMyGroups();
  const join = useBuyUnderOffer();
  if (group.isPending) return <div style={{ textAlign: 'center', padding: 32 }}><Spin /></div>;
  if (group.isError) return <ProblemAlert error={group.error} />;
  const g = group.data;
  const item = listing.data?.get(g.variantId);
  const usual = item?.variant.price?.amount;
  const seated = mine.data?.find((x) => x.id === g.id && x.seat.status !== 'left');
  const joinable = g.status === 'open' && g.seatsLeft > 0 && Date.parse(g.deadline) > Date.now();
  return (
    <div data-testid="group-page">
      {item && <Picture product={item.product} className="hero" />}
      <Tag color="volcano" style={{ marginTop: 12 }}><TeamOutlined /> {t('Group buy')}</Tag>
      <Typography.Title level={4} style={{ margin: '6px 0' }}>{item?.product.title ?? g.name}</Typography.Title>
      <Typography.Text type="secondary">{g.name}</Typography.Text>
      <div style={{ margin: '8px 0' }}>
        <span className="deal-price big" data-testid="group-price">{money(g.price.amount, g.price.currency, lang)}</span>
        {usual > g.price.amount && <s className="usual-price">{money(usual, g.price.currency, lang)}</s>}
        <span className="deal-meta"> · {t('Groups of {n}', { n: g.size })}</span>
      </div>
      <Card size="small"><GroupProgress group={g} /></Card>
      <div style={{ marginTop: 16 }}>
        {seated ? (
          <>
            <Alert type="success" showIcon title={t('You are in this group.')} style={{ marginBottom: 12 }} />
            {g.status === 'open' && <ShareLink group={g} />}
          </>
        ) : joinable ? (
          <SignedIn prompt={t('Sign in to join')}>
            <ProblemAlert error={join.error} />
            <Button type="primary" size="large" block loading={join.isPending} onClick={() => join.mutate({ variantId: g.variantId, offer: { kind: 'group_buy', id: g.id } })} data-testid="join-group">
              {t('Join for {amount}', { amount: money(g.price.amount, g.price.currency, lang) })}
            </Button>
            <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 6 }}>{t('You pay now; the order goes ahead once the group is complete, and is refunded if it does not fill in time.')}</Typography.Paragraph>
          </SignedIn>
        ) : (
          <Result status="info" title={g.status === 'open' ? t('This group is full.') : t('This group is closed.')}
            extra={item && <Link to={`/shop/p/${item.product.id}?variant=${g.variantId}`}><Button type="primary">{t('Open a group of your own')}</Button></Link>} />
        )}
      </div>
    </div>
  );
}

/** Under an order that opened or joined a group: how the group stands, and the link to share. */
export function OrderGroupShare() {
  const { t } = useI18n();
  const { id } = useParams();
  const mine = useMyGroups();
  const group = mine.data?.find((g) => g.seat.orderId === id);
  if (!group) return null;
  return (
    <Card size="small" style={{ marginTop: 12 }} title={<><TeamOutlined /> {group.name}</>} data-testid="order-group">
      {group.status === 'open' && <Alert type="info" showIcon style={{ marginBottom: 8 }} title={t('Your order goes ahead once the group is complete.')} />}
      <GroupProgress group={group} />
      {group.status === 'open' && <div style={{ marginTop: 8 }}><ShareLink group={group} /></div>}
    </Card>
  );
}
