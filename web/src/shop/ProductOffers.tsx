import { Button, Card, Tag, Typography } from 'antd';
import { TeamOutlined, ThunderboltFilled } from '@ant-design/icons';
import { ProblemAlert } from '../shared/ui';
import { useI18n } from '../shared/i18n';
import { money } from '../shared/format';
import { SaleClock, useLiveFlashSales } from './FlashSales';
import { useLiveGroupDeals } from './GroupBuy';
import { Countdown, SignedIn, phaseNow, useBuyUnderOffer, useNow } from './offers';

/**
 * The flash sale and group buy on for the item chosen on a product page, each with a button that
 * buys one under it (signing the shopper in first: special prices are for members).
 */
export function ProductOffers({ variant }: { variant: { id: string; price?: { amount: number; currency: string } | null } }) {
  const { t, lang } = useI18n();
  const now = useNow();
  const sales = useLiveFlashSales(variant.id);
  const deals = useLiveGroupDeals(variant.id);
  const buy = useBuyUnderOffer();
  const live = (list: any[] | undefined) => (list ?? []).filter((c) => phaseNow(c, now) !== 'over');
  const flash = live(sales.data);
  const group = live(deals.data);
  if (!flash.length && !group.length) return <ProblemAlert error={sales.error ?? deals.error} />;
  const m = (p: { amount: number; currency: string }) => money(p.amount, p.currency, lang);
  const usual = variant.price && <s className="usual-price">{m(variant.price)}</s>;
  return (
    <div style={{ marginTop: 12 }}>
      <ProblemAlert error={buy.error} onClose={buy.reset} />
      {flash.map((s) => {
        const running = phaseNow(s, now) === 'running';
        return (
          <Card key={s.id} size="small" className="offer-card" data-testid="flash-offer"
            title={<><ThunderboltFilled style={{ color: '#c2410c' }} /> {t('Flash sale')}</>} extra={<SaleClock sale={s} now={now} />}>
            <div className="row-between" style={{ alignItems: 'baseline' }}>
              <span><span className="deal-price big" data-testid="flash-price">{m(s.price)}</span>{usual}</span>
              {s.remaining > 0 ? <span className="deal-meta">{t('{n} left', { n: s.remaining })}</span> : <Tag>{t('Sold out')}</Tag>}
            </div>
            <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '4px 0 8px' }}>{t('At most {n} per shopper', { n: s.perCustomerLimit })}</Typography.Paragraph>
            {running && s.remaining > 0 ? (
              <SignedIn prompt={t('Sign in to buy at the flash price')}>
                <Button type="primary" danger size="large" block loading={buy.isPending} onClick={() => buy.mutate({ variantId: variant.id, offer: { kind: 'flash_sale', id: s.id } })} data-testid="buy-flash">
                  {t('Buy at {amount}', { amount: m(s.price) })}
                </Button>
              </SignedIn>
            ) : (
              <Button size="large" block disabled>{running ? t('Sold out') : t('Not started yet')}</Button>
            )}
          </Card>
        );
      })}
      {group.map((d) => {
        const running = phaseNow(d, now) === 'running';
        return (
          <Card key={d.id} size="small" className="offer-card" data-testid="group-offer"
            title={<><TeamOutlined style={{ color: '#c2410c' }} /> {t('Group buy')}</>}
            extra={running ? <span>{t('Ends in')} <Countdown to={d.endsAt} /></span> : <span>{t('Starts in')} <Countdown to={d.startsAt} /></span>}>
            <div className="row-between" style={{ alignItems: 'baseline' }}>
              <span><span className="deal-price big" data-testid="group-deal-price">{m(d.price)}</span>{usual}</span>
              <span className="deal-meta">{t('Groups of {n}', { n: d.groupSize })}</span>
            </div>
            <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '4px 0 8px' }}>
              {t('Open a group and share it: once {n} people have paid, everyone gets this price. A group not filled within {minutes} min is refunded.', { n: d.groupSize, minutes: d.timeLimitMinutes })}
            </Typography.Paragraph>
            {running ? (
              <SignedIn prompt={t('Sign in to open a group')}>
                <Button type="primary" danger size="large" block loading={buy.isPending} onClick={() => buy.mutate({ variantId: variant.id, offer: { kind: 'group_buy', id: d.id } })} data-testid="open-group">
                  {t('Open a group at {amount}', { amount: m(d.price) })}
                </Button>
              </SignedIn>
            ) : (
              <Button size="large" block disabled>{t('Not started yet')}</Button>
            )}
          </Card>
        );
      })}
    </div>
  );
}
