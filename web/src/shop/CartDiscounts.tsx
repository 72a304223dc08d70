import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, InputNumber, Select, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { ApiError, shopperApi } from '../shared/api';
import { ProblemAlert } from '../shared/ui';
import { useI18n } from '../shared/i18n';
import { money } from '../shared/format';
import { useCartAnswer, useShop } from './shop-context';

/**
 * Coupons and points on the cart. Each change goes to the server, which checks a code at once
 * (a refused one changes nothing and names the code) and caps points by the balance and by the
 * share of an order points may pay; the cart comes back priced.
 */
export function CartDiscounts({ cart }: { cart: any }) {
  const { t, lang } = useI18n();
  const shop = useShop();
  const token = shop.cartToken(shop.cart!);
  // Wallet coupons and points belong to the member the cart is for.
  const member = Boolean(cart.customerId && shop.cart?.as === 'shopper' && shop.shopperToken);
  const [code, setCode] = useState('');
  const [points, setPoints] = useState<number | null>(null);
  const saved = useCartAnswer();

  const coupons = useMutation({
    mutationFn: (codes: string[]) => shopperApi.put(`/v1/carts/${cart.id}/coupons`, { codes }, { token }),
    onSuccess: (c) => { saved(c); setCode(''); },
  });
  const usePoints = useMutation({
    mutationFn: (n: number) => shopperApi.put(`/v1/carts/${cart.id}/points`, { points: n }, { token }),
    onSuccess: (c) => { saved(c); setPoints(null); },
  });
  const wallet = useQuery({
    queryKey: ['shopper-coupons', 'unused', shop.shopperToken],
    enabled: member,
    queryFn: async () => (await shopperApi.get('/v1/shopper/coupons', { status: 'unused', limit: 100 })).data as any[],
  });
  const membership = useQuery({
    queryKey: ['shopper-membership', shop.shopperToken],
    enabled: member,
    retry: false,
    queryFn: () => shopperApi.get('/v1/shopper/membership'),
  });

  const m = (v: number) => money(v, cart.currency, lang);
  const applied: string[] = cart.couponCodes;
  const add = (raw: string) => {
    const c = raw.trim();
    if (c && !applied.some((x) => x.toLowerCase() === c.toLowerCase())) coupons.mutate([...applied, c]);
  };
  // A refused code names itself as couponCodes.N; the one just typed is the last.
  const refused = coupons.error instanceof ApiError ? coupons.error.problem : null;
  const usable = (wallet.data ?? []).filter((w) => w.channels !== 'store' && !applied.includes(w.code));
  const notMember = membership.error instanceof ApiError && membership.error.problem.code === 'member_not_found';
  const p = cart.points as { requested: number; used: number; amount: number } | null;

  return (
    <Card size="small" title={t('Coupons and points')} style={{ marginTop: 12 }} data-testid="cart-discounts">
      <Form layout="vertical" onFinish={() => add(code)}>
        <Form.Item
          label={t('Coupon code')}
          style={{ marginBottom: 8 }}
          validateStatus={refused ? 'error' : undefined}
          help={refused ? `${t(refused.code)} · ${refused.detail}` : undefined}
        >
          <Space.Compact block>
            <Input value={code} onChange={(e) => { setCode(e.target.value); coupons.reset(); }} placeholder={t('Enter a code')} autoCapitalize="characters" data-testid="coupon-code" />
            <Button htmlType="submit" loading={coupons.isPending} disabled={!code.trim()} data-testid="apply-coupon">{t('Apply')}</Button>
          </Space.Compact>
        </Form.Item>
      </Form>
      {member && usable.length > 0 && (
        <Select
          style={{ width: '100%', marginBottom: 8 }}
          placeholder={t('Or pick one from my coupons ({n})', { n: usable.length })}
          value={null}
          loading={wallet.isPending}
          onChange={(c: string) => add(c)}
          options={usable.map((w) => ({ value: w.code, label: `${w.name} · ${w.code}` }))}
          data-testid="wallet-coupons"
        />
      )}
      {applied.length > 0 && (
        <Space size={[4, 4]} wrap style={{ marginBottom: 8 }} data-testid="applied-coupons">
          {applied.map((c) => (
            <Tag key={c} color="green" closable onClose={(e) => { e.preventDefault(); coupons.mutate(applied.filter((x) => x !== c)); }}>{c}</Tag>
          ))}
        </Space>
      )}
      {cart.couponProblem && (
        <Alert type="warning" showIcon style={{ marginBottom: 8 }} data-testid="coupon-problem"
          message={`${t(cart.couponProblem.code)}${cart.couponProblem.field ? ` · ${cart.couponProblem.field}` : ''}`}
          description={<>{cart.couponProblem.detail}<br />{t('No coupon is applied until this is fixed.')}</>} />
      )}

      <Typography.Text strong style={{ display: 'block', marginTop: 4 }}>{t('Points')}</Typography.Text>
      {!member ? (
        <Typography.Text type="secondary">{t('Sign in as a member to pay with points.')} <Link to="/shop/me">{t('Sign in')}</Link></Typography.Text>
      ) : notMember ? (
        <Typography.Text type="secondary">{t('Join the membership to earn and use points.')} <Link to="/shop/me">{t('Join')}</Link></Typography.Text>
      ) : membership.isError ? (
        <ProblemAlert error={membership.error} />
      ) : (
        <>
          <Typography.Paragraph type="secondary" style={{ margin: '2px 0 6px' }} data-testid="points-balance">
            {membership.data ? t('You have {n} points', { n: membership.data.balance }) : '…'}
          </Typography.Paragraph>
          <Space.Compact block>
            <InputNumber min={1} max={membership.data?.balance} precision={0} value={points} onChange={setPoints} style={{ flex: 1 }} placeholder={t('Points to use')} data-testid="points-input" />
            <Button onClick={() => points && usePoints.mutate(points)} disabled={!points} loading={usePoints.isPending} data-testid="use-points">{t('Use')}</Button>
            <Button onClick={() => usePoints.mutate(membership.data.balance)} disabled={!membership.data?.balance} data-testid="use-max-points">{t('Use all I can')}</Button>
          </Space.Compact>
          {p && p.requested > 0 && (
            <div className="row-between" style={{ marginTop: 6 }} data-testid="points-used">
              <span>
                {t('{n} points take off {amount}', { n: p.used, amount: m(p.amount) })}
                {p.used < p.requested && <Typography.Text type="secondary"> · {t('at most {n} of the {m} offered can pay for this order', { n: p.used, m: p.requested })}</Typography.Text>}
              </span>
              <Button size="small" type="link" onClick={() => usePoints.mutate(0)} data-testid="remove-points">{t('Remove')}</Button>
            </div>
          )}
        </>
      )}
      <ProblemAlert error={usePoints.error} />
      {coupons.error && !refused?.field && <ProblemAlert error={coupons.error} />}
    </Card>
  );
}
