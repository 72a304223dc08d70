import { useMemo, useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { App, Button, Card, List, Radio, Space, Spin, Tag, Typography } from 'antd';
import { EnvironmentOutlined } from '@ant-design/icons';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { ApiError, shopperApi } from '../shared/api';
import { ProblemAlert } from '../shared/ui';
import { useI18n } from '../shared/i18n';
import { money } from '../shared/format';
import { useCartAnswer, useShop } from './shop-context';
import { Picture } from './Picture';
import { currentPosition, type Where } from './geo';
import { ProductOffers } from './ProductOffers';

/** The product as the web channel lists it (the storefront list is the only shopper-facing read). */
function useListedProduct(id: string) {
  const shop = useShop();
  return useQuery({
    queryKey: ['shop-product', id],
    queryFn: async () => {
      const all = await shopperApi.all(`/v1/channels/${shop.channel.id}/products`, { limit: 100 }, { max: 2000, token: shop.key });
      const found = all.find((p: any) => p.id === id);
      if (!found) throw new ApiError({ status: 404, code: 'not_found', detail: 'this product is not sold here' });
      return found;
    },
  });
}

export function ProductPage() {
  const { t, lang } = useI18n();
  const { id } = useParams();
  const shop = useShop();
  const nav = useNavigate();
  const keep = useCartAnswer();
  const { message } = App.useApp();
  const product = useListedProduct(id!);
  const [params] = useSearchParams();
  // A deal links to the item it is for.
  const [variantId, setVariantId] = useState<string | undefined>(params.get('variant') ?? undefined);
  const [where, setWhere] = useState<Where | null>(null);
  const variant = useMemo(() => product.data?.variants.find((v: any) => v.id === variantId) ?? product.data?.variants[0], [product.data, variantId]);
  const nearby = useQuery({
    queryKey: ['nearby', variant?.id, where],
    enabled: Boolean(variant && where),
    queryFn: () => shopperApi.get('/v1/stores/nearby', { lat: where!.lat, lng: where!.lng, variantIds: variant.id, limit: 5 }, { token: shop.key }),
  });
  const add = useMutation({
    mutationFn: async () => {
      let ref = shop.cart;
      if (!ref) {
        const as = shop.shopperToken ? 'shopper' : 'key';
        const cart = await shopperApi.post('/v1/carts', { channelId: shop.channel.id }, { token: as === 'shopper' ? shop.shopperToken : shop.key });
        ref = { id: cart.id, as };
        shop.setCart(ref);
      }
      return shopperApi.post(`/v1/carts/${ref.id}/lines`, { variantId: variant.id, quantity: 1 }, { token: shop.cartToken(ref) });
    },
    onSuccess: async (cart) => {
      await keep(cart);
      message.success(t('Added to cart'));
    },
  });
  if (product.isPending) return <div style={{ textAlign: 'center', padding: 32 }}><Spin /></div>;
  if (product.isError) return <ProblemAlert error={product.error} />;
  const p = product.data;
  return (
    <>
      <Picture product={p} className="hero" />
      <Typography.Title level={4} style={{ marginTop: 12 }}>{p.title}</Typography.Title>
      {p.description && <Typography.Paragraph type="secondary">{p.description}</Typography.Paragraph>}
      <Typography.Title level={3} style={{ color: '#c2410c', marginTop: 0 }} data-testid="product-price">{variant?.price ? money(variant.price.amount, variant.price.currency, lang) : t('Not for sale')}</Typography.Title>
      {p.variants.length > 1 && (
        <Radio.Group value={variant?.id} onChange={(e) => setVariantId(e.target.value)} optionType="button" style={{ display: 'flex', flexWrap: 'wrap', gap: 6 }}
          options={p.variants.map((v: any) => ({ value: v.id, label: Object.values(v.options ?? {}).join(' / ') || v.title || v.sku }))} />
      )}
      {variant && <ProductOffers variant={variant} />}
      {p.type === 'service' && <Tag color="magenta" style={{ marginTop: 8 }}>{t('Sold as a voucher: redeem it at a store')}</Tag>}
      <ProblemAlert error={add.error} />
      <Space.Compact block style={{ marginTop: 16 }}>
        <Button type="primary" size="large" style={{ flex: 1 }} disabled={!variant?.price} loading={add.isPending} onClick={() => add.mutate()} data-testid="add-to-cart">{t('Add to cart')}</Button>
        <Button size="large" onClick={() => nav('/shop/cart')}>{t('Cart')}</Button>
      </Space.Compact>
      {p.type === 'physical' && (
        <Card size="small" style={{ marginTop: 16 }} title={<><EnvironmentOutlined /> {t('In stores near you')}</>}
          extra={!where && <Button size="small" onClick={async () => setWhere(await currentPosition())} data-testid="find-stores">{t('Check stores')}</Button>}>
          {!where && <Typography.Text type="secondary">{t('See which stores have this size now.')}</Typography.Text>}
          {where && !where.exact && <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>{t('Location unavailable: showing stores near the city centre.')}</Typography.Paragraph>}
          {nearby.isPending && where && <Spin />}
          {nearby.isError && <ProblemAlert error={nearby.error} />}
          {nearby.data && (
            <List size="small" dataSource={nearby.data.data} data-testid="nearby" renderItem={(s: any) => {
              const n = s.stock?.find((x: any) => x.variantId === variant.id)?.available ?? 0;
              return (
                <List.Item>
                  <List.Item.Meta title={s.name} description={`${(s.distanceM / 1000).toFixed(1)} km · ${s.openNow ? t('open now') : t('closed now')}`} />
                  {n > 0 ? <Tag color="green">{t('{n} in stock', { n })}</Tag> : <Tag>{t('Out of stock')}</Tag>}
                </List.Item>
              );
            }} />
          )}
        </Card>
      )}
    </>
  );
}
