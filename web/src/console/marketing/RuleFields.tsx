import { Button, Form, InputNumber, Select, Space, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useT } from '../../shared/i18n';
import { MoneyInput, useMoneyRule, useVariantOptions } from './fields';
import { parseMinor } from './money';
import { RULE_TYPES, type RuleType } from './promotion-payload';

/** English names of the rule types; t() translates them. */
export const RULE_LABELS: Record<RuleType, string> = {
  percentage: 'Percent off',
  fixed: 'Amount off',
  threshold: 'Spend and save (tiers)',
  buy_x_get_y: 'Buy X get Y',
  bundle: 'Bundle price',
  member_price: 'Member prices',
  free_shipping: 'Free shipping',
  gift: 'Free gift',
};

/** The promotion's rule: the type, then the fields that type needs. */
export function RuleFields({ currency }: { currency: string }) {
  const t = useT();
  return (
    <>
      <Form.Item name={['rule', 'type']} label={t('Rule type')} rules={[{ required: true }]}>
        <Select data-testid="rule-type" options={RULE_TYPES.map((r) => ({ value: r, label: t(RULE_LABELS[r]) }))} />
      </Form.Item>
      <Form.Item noStyle dependencies={[['rule', 'type']]}>
        {({ getFieldValue }) => <TypeFields type={getFieldValue(['rule', 'type'])} currency={currency} />}
      </Form.Item>
    </>
  );
}

function TypeFields({ type, currency }: { type: RuleType; currency: string }) {
  const t = useT();
  const money = useMoneyRule();
  const variants = useVariantOptions();
  const variantSelect = <Select showSearch optionFilterProp="label" placeholder={t('SKU or name')} loading={variants.loading} options={variants.options} style={{ minWidth: 280 }} />;
  const percent = (label: string) => (
    <Form.Item name={['rule', 'percent']} label={label} rules={[{ required: true }]}>
      <InputNumber min={0.01} max={100} precision={2} addonAfter="%" style={{ width: 180 }} />
    </Form.Item>
  );
  switch (type) {
    case 'percentage':
      return (
        <Space wrap align="start">
          {percent(t('Percent off'))}
          <Form.Item name={['rule', 'maxDiscount']} label={t('Cap on the discount')} rules={[money({ currency })]}><MoneyInput currency={currency} /></Form.Item>
        </Space>
      );
    case 'fixed':
      return <Form.Item name={['rule', 'amount']} label={t('Amount off')} rules={[money({ required: true, min: 1, currency })]}><MoneyInput currency={currency} /></Form.Item>;
    case 'threshold':
      return <ThresholdTiers currency={currency} />;
    case 'buy_x_get_y':
      return (
        <Space wrap align="start">
          <Form.Item name={['rule', 'buy']} label={t('Buy')} rules={[{ required: true }]}><InputNumber min={1} max={1000} precision={0} /></Form.Item>
          <Form.Item name={['rule', 'get']} label={t('Get')} rules={[{ required: true }]}><InputNumber min={1} max={1000} precision={0} /></Form.Item>
          {percent(t('Off the cheapest ones (100 = free)'))}
        </Space>
      );
    case 'bundle':
      return (
        <>
          <Typography.Text type="secondary">{t('Items in one set')}</Typography.Text>
          <Form.List name={['rule', 'items']} rules={[{ validator: async (_, v) => { if ((v ?? []).length < 2) throw new Error(t('A bundle needs at least two items')); } }]}>
            {(fields, { add, remove }, { errors }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="start" wrap>
                    <Form.Item name={[f.name, 'variantId']} rules={[{ required: true, message: t('Choose an item') }]}>{variantSelect}</Form.Item>
                    <Form.Item name={[f.name, 'quantity']} rules={[{ required: true }]}><InputNumber min={1} max={1000} precision={0} addonBefore="×" /></Form.Item>
                    <Button icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={t('Delete')} />
                  </Space>
                ))}
                <Form.ErrorList errors={errors} />
                <Button icon={<PlusOutlined />} onClick={() => add({ quantity: 1 })} style={{ marginBottom: 16 }}>{t('Add item')}</Button>
              </>
            )}
          </Form.List>
          <Form.Item name={['rule', 'price']} label={t('Price of one set')} rules={[money({ required: true, currency })]}><MoneyInput currency={currency} /></Form.Item>
        </>
      );
    case 'member_price':
      return (
        <Form.List name={['rule', 'prices']} rules={[{ validator: async (_, v) => { if (!(v ?? []).length) throw new Error(t('Add at least one item')); } }]}>
          {(fields, { add, remove }, { errors }) => (
            <>
              <Typography.Text type="secondary">{t('Member price per item')}</Typography.Text>
              {fields.map((f) => (
                <Space key={f.key} align="start" wrap>
                  <Form.Item name={[f.name, 'variantId']} rules={[{ required: true, message: t('Choose an item') }]}>{variantSelect}</Form.Item>
                  <Form.Item name={[f.name, 'amount']} rules={[money({ required: true, currency })]}><MoneyInput currency={currency} /></Form.Item>
                  <Button icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={t('Delete')} />
                </Space>
              ))}
              <Form.ErrorList errors={errors} />
              <div><Button icon={<PlusOutlined />} onClick={() => add({})} style={{ marginBottom: 16 }}>{t('Add item')}</Button></div>
            </>
          )}
        </Form.List>
      );
    case 'free_shipping':
      return <Form.Item name={['rule', 'maxDiscount']} label={t('At most this much off shipping')} rules={[money({ min: 1, currency })]}><MoneyInput currency={currency} /></Form.Item>;
    case 'gift':
      return (
        <Space wrap align="start">
          <Form.Item name={['rule', 'variantId']} label={t('Gift')} rules={[{ required: true, message: t('Choose an item') }]}>{variantSelect}</Form.Item>
          <Form.Item name={['rule', 'quantity']} label={t('Qty')} rules={[{ required: true }]}><InputNumber min={1} max={100} precision={0} /></Form.Item>
        </Space>
      );
    default:
      return null;
  }
}

/** 满减 tiers: ascending thresholds, each taking off no less than the one below and no more than its own threshold. */
function ThresholdTiers({ currency }: { currency: string }) {
  const t = useT();
  const money = useMoneyRule();
  const check = async (_: unknown, tiers: Array<{ minSubtotal?: string; discount?: string }> = []) => {
    if (!tiers.length) throw new Error(t('Add at least one tier'));
    const parsed = tiers.map((x) => ({ min: parseMinor(x.minSubtotal ?? null, currency), off: parseMinor(x.discount ?? null, currency) }));
    parsed.forEach((x, i) => {
      const prev = parsed[i - 1];
      if (x.min === null || x.off === null) return;
      if (x.off > x.min) throw new Error(t('Tier {n}: the discount is more than its threshold', { n: i + 1 }));
      if (prev?.min != null && x.min <= prev.min) throw new Error(t('Tier {n}: thresholds must go up', { n: i + 1 }));
      if (prev?.off != null && x.off < prev.off) throw new Error(t('Tier {n}: a higher tier cannot give less', { n: i + 1 }));
    });
  };
  return (
    <Form.List name={['rule', 'tiers']} rules={[{ validator: check }]}>
      {(fields, { add, remove }, { errors }) => (
        <>
          <Typography.Text type="secondary">{t('Spend at least … take off … (the highest tier reached applies)')}</Typography.Text>
          {fields.map((f, i) => (
            <Space key={f.key} align="start" wrap data-testid={`tier-${i}`}>
              <Form.Item name={[f.name, 'minSubtotal']} rules={[money({ required: true, min: 1, currency })]}>
                <MoneyInput currency={currency} addonBefore={t('Spend')} data-testid={`tier-${i}-min`} />
              </Form.Item>
              <Form.Item name={[f.name, 'discount']} rules={[money({ required: true, min: 1, currency })]}>
                <MoneyInput currency={currency} addonBefore={t('Take off')} data-testid={`tier-${i}-off`} />
              </Form.Item>
              <Button icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={t('Delete')} disabled={fields.length === 1} />
            </Space>
          ))}
          <Form.ErrorList errors={errors} />
          <div><Button icon={<PlusOutlined />} onClick={() => add({})} style={{ marginBottom: 16 }} data-testid="add-tier">{t('Add tier')}</Button></div>
        </>
      )}
    </Form.List>
  );
}
