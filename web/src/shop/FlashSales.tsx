import { useQuery } from '@tanstack/react-query';
import { Empty, Progress, Spin, Tag } from 'antd';
import { ThunderboltFilled } from '@ant-design/icons';
import { Link } from 'react-router';
import { shopperApi } from '../shared/api';
import { ProblemAlert } from '../shared/ui';
import { useI18n } from '../shared/i18n';
import { money } from '../shared/format';
import { useShop } from './shop-context';
import { Picture } from './Picture';
import { Countdown, phaseNow, useListing, useNow } from './offers';

/** Flash sales (秒杀) on the storefront: running and upcoming, with the units left and a clock. */

/** Running and upcoming flash sales on the web channel, for one item or all; units left stay fresh. */
export function useLiveFlashSales(variantId?: string) {
  const shop = useShop();
  return useQuery({
    queryKey: ['shop-flash-sales', shop.channel.id, variantId],
    refetchInterval: 30_000,
    queryFn: async () => (await shopperApi.get('/v1/shop/flash-sales', { channelId: shop.channel.id, variantId }, { token: shop.key })).data as any[],
  });
}

/** A sale's clock: when it starts, or when it ends. */
export function SaleClock({ sale, now }: { sale: any; now: number }) {
  const { t } = useI18n();
  return phaseNow(sale, now) === 'upcoming'
    ? <span>{t('Starts in')} <Countdown to={sale.startsAt} /></span>
    : <span>{t('Ends in')} <Countdown to={sale.endsAt} testId="flash-ends-in" /></span>;
}

function SaleCard({ sale, compact }: { sale: any; compact?: boolean }) {
  const { t, lang } = useI18n();
  const listing = useListing();
  const now = useNow();
  const item = listing.data?.get(sale.variantId);
  if (!item || phaseNow(sale, now) === 'over') return null;
  const usual = item.variant.price?.amount;
  const soldOut = sale.remaining <= 0;
  return (
    <Link to={`/shop/p/${item.product.id}?variant=${sale.variantId}`} className={compact ? 'deal-card compact' : 'deal-card'} data-testid="flash-sale-card">
      <Picture product={item.product} className="pic" />
      <div className="info">
        <div className="name">{item.product.title}</div>
        <div>
          <span className="deal-price">{money(sale.price.amount, sale.price.currency, lang)}</span>
          {usual > sale.price.amount && <s className="usual-price">{money(usual, sale.price.currency, lang)}</s>}
        </div>
        {soldOut ? <Tag>{t('Sold out')}</Tag> : <div className="deal-meta">{t('{n} left', { n: sale.remaining })}</div>}
        {!compact && <Progress percent={Math.round((100 * sale.sold) / sale.allotment)} size="small" showInfo={false} strokeColor="#c2410c" />}
        <div className="deal-meta"><SaleClock sale={sale} now={now} /></div>
      </div>
    </Link>
  );
}

/** The home page's strip of flash sales; nothing at all when none is on. */
export function FlashSaleStrip() {
  const { t } = useI18n();
  const sales = useLiveFlashSales();
  if (!sales.data?.length) return null;
  return (
    <section className="deal-strip" data-testid="flash-strip">
      <div className="row-between">
        <strong><ThunderboltFilled style={{ color: '#c2410c' }} /> {t('Flash sales')}</strong>
        <Link to="/shop/deals">{t('All deals')}</Link>
      </div>
      <div className="deal-row">
        {sales.data.map((s) => <SaleCard key={s.id} sale={s} compact />)}
      </div>
    </section>
  );
}

export function FlashSaleList() {
  const { t } = useI18n();
  const sales = useLiveFlashSales();
  const listing = useListing();
  if (sales.isPending || listing.isPending) return <div style={{ textAlign: 'center', padding: 16 }}><Spin /></div>;
  if (sales.isError || listing.isError) return <ProblemAlert error={sales.error ?? listing.error} />;
  if (!sales.data.length) return <Empty description={t('No flash sale right now')} />;
  return <div className="deal-list">{sales.data.map((s) => <SaleCard key={s.id} sale={s} />)}</div>;
}
