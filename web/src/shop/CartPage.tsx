import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Empty, Form, Input, InputNumber, List, Radio, Select, Space, Spin, Typography } from 'antd';
import { DeleteOutlined } from '@ant-design/icons';
import { Link, useNavigate } from 'react-router';
import { shopperApi } from '../shared/api';
import { ProblemAlert, applyProblem, clearErrorsOnChange } from '../shared/ui';
import { useI18n } from '../shared/i18n';
import { money } from '../shared/format';
import { useCart, useCartAnswer, useShop } from './shop-context';
import { currentPosition } from './geo';
import { CartDiscounts } from './CartDiscounts';
import { CartTotals, LineDetails } from './CartSummary';

type Way = 'delivery' | 'pickup';

export function CartPage() {
  const { t, lang } = useI18n();
  const shop = useShop();
  const nav = useNavigate();
  const qc = useQueryClient();
  const keep = useCartAnswer();
  const [form] = Form.useForm();
  const cart = useCart();
  const [way, setWay] = useState<Way>('pickup');
  const [storeId, setStoreId] = useState<string>();
  // Pickup is offered at the nearest stores that hold every item of the cart now.
  const goods = (cart.data?.lines ?? []).filter((l: any) => !['voucher', 'service'].includes(l.fulfillmentType));
  const variantIds = [...new Set(goods.map((l: any) => l.variantId))].join(',');
  const stores = useQuery({
    queryKey: ['pickup-stores', variantIds],
    enabled: Boolean(variantIds),
    queryFn: async () => {
      const where = await currentPosition();
      return (await shopperApi.get('/v1/stores/nearby', { lat: where.lat, lng: where.lng, service: 'pickup', variantIds, limit: 10 }, { token: shop.key })).data as any[];
    },
  });
  const me = useQuery({ queryKey: ['shopper-me', shop.shopperToken], enabled: Boolean(shop.shopperToken), queryFn: () => shopperApi.get('/v1/shopper/me') });
  const token = shop.cart ? shop.cartToken(shop.cart) : null;
  // The signed-in shopper's email fills the contact when it arrives, unless something was typed there.
  const myEmail = me.data?.email;
  const formShown = Boolean(cart.data?.lines.length);
  useEffect(() => {
    if (myEmail && formShown && !form.isFieldTouched('email')) form.setFieldValue('email', myEmail);
  }, [myEmail, formShown, form]);
  const edit = useMutation({
    mutationFn: ({ lineId, quantity }: { lineId: string; quantity: number }) =>
      quantity > 0
        ? shopperApi.patch(`/v1/carts/${shop.cart!.id}/lines/${lineId}`, { quantity }, { token })
        : shopperApi.delete(`/v1/carts/${shop.cart!.id}/lines/${lineId}`, { token }),
    onSuccess: keep,
  });
  // The cart follows the chosen way, so its shipping and total are what the order will charge.
  const follow = useMutation({
    mutationFn: (choice: { type: Way; locationId?: string }) => shopperApi.put(`/v1/carts/${shop.cart!.id}/fulfillment`, choice, { token }),
    onSuccess: keep,
  });
  const chooseWay = (w: Way) => {
    setWay(w);
    if (w === 'delivery') follow.mutate({ type: 'delivery' });
    else if (storeId) follow.mutate({ type: 'pickup', locationId: storeId });
  };
  const chooseStore = (id: string) => {
    setStoreId(id);
    follow.mutate({ type: 'pickup', locationId: id });
  };
  const checkout = useMutation({
    mutationFn: (v: any) => {
      const fulfillment = goods.length === 0 ? undefined
        : way === 'pickup'
          ? [{ type: 'pickup', locationId: storeId }]
          : [{ type: 'delivery', address: { name: v.name, line1: v.line1, city: v.city, postalCode: v.postalCode || undefined, country: 'CN', phone: v.phone || undefined } }];
      return shopperApi.post(`/v1/carts/${shop.cart!.id}/checkout`, {
        ...(fulfillment ? { fulfillment } : {}),
        contact: { email: v.email || undefined, phone: v.phone || undefined, name: v.name || undefined },
        payment: { provider: 'test' },
      }, { token, idempotent: true });
    },
    onSuccess: (order) => {
      qc.setQueryData(['shop-order', order.id], order);
      shop.setCart(null);
      nav(`/shop/orders/${order.id}`);
    },
    onError: (err) => applyProblem(form, err),
  });

  if (!shop.cart) return <Empty description={t('Your cart is empty')}><Link to="/shop">{t('Go shopping')}</Link></Empty>;
  if (cart.isPending) return <div style={{ textAlign: 'center', padding: 32 }}><Spin /></div>;
  if (cart.isError) return <ProblemAlert error={cart.error} />;
  const c = cart.data;
  if (!c.lines.length) return <Empty description={t('Your cart is empty')}><Link to="/shop">{t('Go shopping')}</Link></Empty>;
  const needsFulfilment = goods.length > 0;
  const m = (v: number) => money(v, c.currency, lang);
  return (
    <>
      <Typography.Title level={4}>{t('Cart')}</Typography.Title>
      <List size="small" style={{ background: '#fff' }} bordered dataSource={c.lines} data-testid="cart-lines" renderItem={(l: any) => (
        // Gift lines come and go with the promotion that adds them: nothing to change on them.
        <List.Item actions={l.giftOf ? [] : [
          <InputNumber key="q" size="small" min={1} value={l.quantity} style={{ width: 56 }} onChange={(q) => q && edit.mutate({ lineId: l.id, quantity: q })} />,
          <Button key="d" size="small" type="text" icon={<DeleteOutlined />} onClick={() => edit.mutate({ lineId: l.id, quantity: 0 })} />,
        ]}>
          <List.Item.Meta title={<>{l.productTitle}{l.giftOf && <> × {l.quantity}</>}</>} description={<LineDetails line={l} currency={c.currency} />} />
        </List.Item>
      )} />
      <ProblemAlert error={edit.error ?? follow.error} />
      <CartDiscounts cart={c} />
      <CartTotals cart={c} />
      <Form form={form} layout="vertical" style={{ marginTop: 12 }} onFinish={checkout.mutate} initialValues={{ email: myEmail ?? '' }} onValuesChange={clearErrorsOnChange(form)}>
        {needsFulfilment && (
          <Card size="small" title={t('How do you want it?')}>
            <Radio.Group value={way} onChange={(e) => chooseWay(e.target.value)} style={{ marginBottom: 12 }} optionType="button" buttonStyle="solid"
              options={[{ value: 'pickup', label: t('Pick up in store') }, { value: 'delivery', label: t('Delivery') }]} />
            {way === 'pickup' ? (
              <Form.Item label={t('Store')} required>
                <Select value={storeId} onChange={chooseStore} loading={stores.isPending} placeholder={t('Choose a store')} data-testid="pickup-store"
                  notFoundContent={t('No store near you has all of this now: choose delivery.')}
                  options={(stores.data ?? []).map((s) => ({ value: s.id, label: `${s.name} · ${(s.distanceM / 1000).toFixed(1)} km${s.openNow ? '' : ` · ${t('closed now')}`}` }))} />
              </Form.Item>
            ) : (
              <>
                <Form.Item name="name" label={t('Name')} rules={[{ required: true }]}><Input autoComplete="name" /></Form.Item>
                <Form.Item name="line1" label={t('Address')} rules={[{ required: true }]}><Input autoComplete="street-address" /></Form.Item>
                <Space.Compact block>
                  <Form.Item name="city" label={t('City')} rules={[{ required: true }]} style={{ flex: 1 }}><Input autoComplete="address-level2" /></Form.Item>
                  <Form.Item name="postalCode" label={t('Postcode')} style={{ flex: 1 }}><Input autoComplete="postal-code" /></Form.Item>
                </Space.Compact>
              </>
            )}
          </Card>
        )}
        <Card size="small" title={t('Contact')} style={{ marginTop: 12 }}>
          <Form.Item name="email" label={t('Email')} rules={[{ type: 'email' }]}><Input autoComplete="email" data-testid="contact-email" /></Form.Item>
          <Form.Item name="phone" label={t('Phone')}><Input autoComplete="tel" data-testid="contact-phone" /></Form.Item>
        </Card>
        <ProblemAlert error={checkout.error} />
        <Button type="primary" size="large" block htmlType="submit" style={{ marginTop: 12 }} loading={checkout.isPending} disabled={(needsFulfilment && way === 'pickup' && !storeId) || follow.isPending} data-testid="checkout">
          {t('Pay {amount}', { amount: m(c.grandTotal) })}
        </Button>
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 6 }}>{t('Payments here go through the test payment provider: no money moves.')}</Typography.Paragraph>
      </Form>
    </>
  );
}
