import { useMemo } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Button, Card, Checkbox, Col, Descriptions, Form, InputNumber, Row, Select, Space, Table, Tag, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { consoleApi } from '../../shared/api';
import { ProblemAlert } from '../../shared/ui';
import { useI18n } from '../../shared/i18n';
import { money } from '../../shared/format';
import { useChannels, useProducts, type Channel } from '../../shared/lookups';
import { MoneyInput, PromotionPicker, StorePicker, TierPicker, useMoneyRule, useVariantOptions, usePromotions } from './fields';
import { minor } from './money';

interface CartValues {
  channelId: string;
  locationId?: string;
  customerTier?: string[];
  isFirstOrder?: boolean;
  couponPromotionIds?: string[];
  shipping?: string;
  lines: Array<{ variantId: string; quantity: number }>;
}

/** The variant's price on a channel: its channel price, else its default price, in the channel's currency. */
function unitPrice(variant: any, channel: Channel): number | undefined {
  const inCurrency = variant.prices.filter((p: any) => p.currency === channel.currency);
  return (inCurrency.find((p: any) => p.channelId === channel.id) ?? inCurrency.find((p: any) => p.channelId === null))?.amount;
}

/**
 * What a sample cart would get from the active promotions (and the coupons presented): per line,
 * which promotion took off how much, the totals, and why the others did not apply.
 */
export function PreviewCart() {
  const { t, lang } = useI18n();
  const [form] = Form.useForm<CartValues>();
  const moneyRule = useMoneyRule();
  const channels = useChannels(consoleApi);
  const products = useProducts(consoleApi);
  const categories = useQuery({ queryKey: ['categories'], queryFn: async () => (await consoleApi.get('/v1/categories')).data as any[], staleTime: 300_000 });
  const promotions = usePromotions();
  const channelId = Form.useWatch('channelId', form);
  const currency = channels.data?.find((c) => c.id === channelId)?.currency ?? 'CNY';
  const variants = useVariantOptions();
  const index = useMemo(() => {
    const map = new Map<string, { variant: any; product: any }>();
    for (const p of products.data ?? []) for (const v of p.variants) map.set(v.id, { variant: v, product: p });
    return map;
  }, [products.data]);

  // A category condition matches a product in any subcategory, so a line carries the whole chain.
  const categoryChain = (id: string | null): string[] => {
    const byId = new Map((categories.data ?? []).map((c) => [c.id, c]));
    const chain: string[] = [];
    for (let c = id ? byId.get(id) : undefined; c && !chain.includes(c.id); c = c.parentId ? byId.get(c.parentId) : undefined) chain.push(c.id);
    return chain.length ? chain : id ? [id] : [];
  };

  const preview = useMutation({
    mutationFn: async (v: CartValues) => {
      const channel = channels.data!.find((c) => c.id === v.channelId)!;
      const lines = v.lines.map((l, i) => {
        const { variant, product } = index.get(l.variantId)!;
        const price = unitPrice(variant, channel);
        if (price === undefined) throw new Error(t('{item} has no price in {currency} on this channel', { item: variant.sku, currency: channel.currency }));
        return { lineId: `line-${i + 1}`, variantId: l.variantId, productId: product.id, categoryIds: categoryChain(product.categoryId), quantity: l.quantity, unitPrice: price };
      });
      const cart = {
        channelId: channel.id,
        channelKind: channel.kind,
        currency: channel.currency,
        locationId: v.locationId,
        customerTier: v.customerTier?.[0],
        isFirstOrder: v.isFirstOrder || undefined,
        couponPromotionIds: v.couponPromotionIds?.length ? v.couponPromotionIds : undefined,
        shipping: minor(v.shipping, channel.currency) ?? 0,
        lines,
      };
      return { ...(await consoleApi.post('/v1/promotions/preview', { cart })), sent: lines };
    },
  });

  const itemName = (variantId: string) => {
    const hit = index.get(variantId);
    return hit ? `${hit.product.title} · ${hit.variant.title}` : variantId;
  };
  const promotionName = (id: string) => promotions.data?.find((p) => p.id === id)?.name ?? id;
  const r: any = preview.data;

  return (
    <Card size="small" title={t('What would a cart get?')} data-testid="preview">
      <Typography.Paragraph type="secondary">{t('Prices a sample cart with the promotions that are active now, and the coupons you present.')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={preview.mutate} initialValues={{ lines: [{ quantity: 1 }] }} onValuesChange={() => preview.reset()}>
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item name="channelId" label={t('Channel')} rules={[{ required: true, message: t('Choose a channel') }]}>
              <Select loading={channels.isPending} options={(channels.data ?? []).map((c) => ({ value: c.id, label: `${c.name} (${c.currency})` }))} data-testid="preview-channel" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}><Form.Item name="locationId" label={t('Store')}><StorePicker mode={undefined} placeholder={t('Any')} /></Form.Item></Col>
          <Col xs={24} md={8}><Form.Item name="customerTier" label={t('Member tier')}><TierPicker maxCount={1} placeholder={t('Not a member')} /></Form.Item></Col>
          <Col xs={24} md={12}><Form.Item name="couponPromotionIds" label={t('Coupons presented')}><PromotionPicker trigger="coupon" mode="multiple" allowClear /></Form.Item></Col>
          <Col xs={12} md={6}><Form.Item name="shipping" label={t('Shipping')} rules={[moneyRule({ currency })]}><MoneyInput currency={currency} /></Form.Item></Col>
          <Col xs={12} md={6}><Form.Item name="isFirstOrder" label=" " valuePropName="checked"><Checkbox>{t('First order')}</Checkbox></Form.Item></Col>
        </Row>
        <Form.List name="lines" rules={[{ validator: async (_, v) => { if (!(v ?? []).length) throw new Error(t('Add at least one item')); } }]}>
          {(fields, { add, remove }, { errors }) => (
            <>
              {fields.map((f, i) => (
                <Space key={f.key} align="start" wrap>
                  <Form.Item name={[f.name, 'variantId']} rules={[{ required: true, message: t('Choose an item') }]}>
                    <Select showSearch optionFilterProp="label" placeholder={t('SKU or name')} loading={variants.loading} options={variants.options} style={{ width: 360 }} data-testid={`preview-item-${i}`} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'quantity']} rules={[{ required: true }]}>
                    <InputNumber min={1} max={100_000} precision={0} addonBefore="×" data-testid={`preview-qty-${i}`} />
                  </Form.Item>
                  <Button icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={t('Delete')} />
                </Space>
              ))}
              <Form.ErrorList errors={errors} />
              <Space style={{ marginBottom: 16 }}>
                <Button icon={<PlusOutlined />} onClick={() => add({ quantity: 1 })}>{t('Add item')}</Button>
                <Button type="primary" htmlType="submit" loading={preview.isPending} data-testid="run-preview">{t('Preview')}</Button>
              </Space>
            </>
          )}
        </Form.List>
      </Form>
      <ProblemAlert error={preview.error} onClose={preview.reset} />
      {r && (
        <>
          <Table rowKey="lineId" size="small" pagination={false} dataSource={r.lines} columns={[
            { title: t('Item'), key: 'item', render: (_, l: any) => itemName(r.sent.find((x: any) => x.lineId === l.lineId)?.variantId) },
            { title: t('Qty'), key: 'qty', align: 'right', render: (_, l: any) => r.sent.find((x: any) => x.lineId === l.lineId)?.quantity },
            { title: t('Subtotal'), dataIndex: 'subtotal', align: 'right', render: (v) => money(v, r.currency, lang) },
            { title: t('Discounts'), dataIndex: 'adjustments', render: (a: any[]) => (a.length ? a.map((x) => <Tag key={x.promotionId} color="green">{x.name} −{money(x.amount, r.currency, lang)}</Tag>) : '—') },
            { title: t('Total'), dataIndex: 'total', align: 'right', render: (v) => money(v, r.currency, lang) },
          ]} />
          {r.giftLines.map((g: any) => <Tag key={`${g.promotionId}-${g.variantId}`} color="purple" style={{ marginTop: 8 }}>{t('Gift')}: {itemName(g.variantId)} ×{g.quantity} ({g.name})</Tag>)}
          <Descriptions size="small" column={{ xs: 1, md: 4 }} style={{ marginTop: 12 }}>
            <Descriptions.Item label={t('Subtotal')}>{money(r.subtotal, r.currency, lang)}</Descriptions.Item>
            <Descriptions.Item label={t('Shipping')}>{money(r.shipping.amount, r.currency, lang)}{r.shipping.adjustments.map((x: any) => ` (${x.name} −${money(x.amount, r.currency, lang)})`).join('')}</Descriptions.Item>
            <Descriptions.Item label={t('Discount')}><span data-testid="preview-discount">{money(r.discountTotal, r.currency, lang)}</span></Descriptions.Item>
            <Descriptions.Item label={t('Total')}><b data-testid="preview-total">{money(r.total, r.currency, lang)}</b></Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5}>{t('Applied')}</Typography.Title>
          {r.applied.length ? r.applied.map((a: any) => <Tag key={a.promotionId} color="green">{a.name} · {t(a.trigger)} · −{money(a.amount, r.currency, lang)}</Tag>) : <Typography.Text type="secondary">{t('No promotion applies to this cart.')}</Typography.Text>}
          {r.notApplied.length > 0 && (
            <>
              <Typography.Title level={5} style={{ marginTop: 12 }}>{t('Not applied')}</Typography.Title>
              <Table rowKey={(x: any) => `${x.promotionId}-${x.reason}`} size="small" pagination={false} dataSource={r.notApplied} columns={[
                { title: t('Promotion'), dataIndex: 'promotionId', render: promotionName },
                { title: t('Why'), dataIndex: 'reason', render: (v) => <Tag>{t(v)}</Tag> },
                { title: t('Detail'), dataIndex: 'detail' },
              ]} />
            </>
          )}
        </>
      )}
    </Card>
  );
}
