import { useQuery } from '@tanstack/react-query';
import { Checkbox, Form, Input, InputNumber, Select, Typography } from 'antd';
import { consoleApi } from '../../shared/api';
import { useI18n } from '../../shared/i18n';
import { money } from '../../shared/format';
import { ConfigList } from './ConfigList';
import { CouponTemplatePicker, MoneyInput, useCouponTemplates, useMoneyRule, useTiers } from './fields';
import { formatMinor, minor } from './money';
import { MemberLookup } from './MemberLookup';

const CHANNEL_KINDS = ['web', 'app', 'mini_program', 'marketplace', 'social', 'pos', 'locker'];
const EVERY_OTHER = '*';

export function Loyalty() {
  const { t, lang } = useI18n();
  const moneyRule = useMoneyRule();
  const tiers = useTiers();
  const rules = useQuery({ queryKey: ['earn-rules'], queryFn: async () => (await consoleApi.get('/v1/loyalty/earn-rules')).data as any[] });
  const rewards = useQuery({ queryKey: ['rewards'], queryFn: async () => (await consoleApi.get('/v1/loyalty/rewards')).data as any[] });
  const coupons = useCouponTemplates();
  const couponName = (id: string) => coupons.data?.find((c) => c.id === id)?.name ?? id;
  const yesNo = (v: boolean) => (v ? t('yes') : t('no'));
  const name = <Form.Item name="name" label={t('Name')} rules={[{ required: true, whitespace: true, message: t('Give it a name') }]}><Input maxLength={200} /></Form.Item>;
  return (
    <>
      <MemberLookup />
      <Typography.Title level={4} style={{ marginTop: 24 }}>{t('Programme')}</Typography.Title>
      <ConfigList
        title={t('Tiers')}
        testId="tiers"
        path="/v1/loyalty/tiers"
        query={tiers}
        queryKey="tiers"
        columns={[
          { title: t('Name'), dataIndex: 'name' },
          { title: t('Spend to reach'), dataIndex: 'minSpend', render: (v) => money(v, 'CNY', lang) },
          { title: t('Points rate'), dataIndex: 'multiplierPct', render: (v) => `${v / 100}×` },
          { title: t('Free shipping'), dataIndex: 'freeShipping', render: yesNo },
          { title: t('Member prices'), dataIndex: 'memberPrice', render: yesNo },
          { title: t('Birthday coupon'), dataIndex: 'birthdayCouponTemplateId', render: (v) => (v ? couponName(v) : '—') },
        ]}
        defaults={{ multiplierPct: 100, freeShipping: false, memberPrice: false }}
        fromItem={(x) => ({ ...x, minSpend: formatMinor(x.minSpend) })}
        toBody={(v: any) => ({ name: v.name.trim(), minSpend: minor(v.minSpend) ?? 0, multiplierPct: v.multiplierPct, freeShipping: Boolean(v.freeShipping), memberPrice: Boolean(v.memberPrice), birthdayCouponTemplateId: v.birthdayCouponTemplateId ?? null })}
        fields={
          <>
            {name}
            <Form.Item name="minSpend" label={t('Spend to reach')} rules={[moneyRule({ required: true })]}><MoneyInput /></Form.Item>
            <Form.Item name="multiplierPct" label={t('Points rate, percent of the base (150 = 1.5×)')} rules={[{ required: true }]}><InputNumber min={0} max={10_000} precision={0} addonAfter="%" /></Form.Item>
            <Form.Item name="freeShipping" valuePropName="checked"><Checkbox>{t('Free shipping')}</Checkbox></Form.Item>
            <Form.Item name="memberPrice" valuePropName="checked"><Checkbox>{t('Member prices')}</Checkbox></Form.Item>
            <Form.Item name="birthdayCouponTemplateId" label={t('Birthday coupon')}><CouponTemplatePicker allowClear /></Form.Item>
          </>
        }
      />
      <ConfigList
        title={t('Earn rules')}
        testId="earn-rules"
        path="/v1/loyalty/earn-rules"
        query={rules}
        queryKey="earn-rules"
        columns={[
          { title: t('Name'), dataIndex: 'name' },
          { title: t('Channel'), dataIndex: 'channelKind', render: (v) => (v ? t(v) : t('every other channel')) },
          { title: t('Earns'), key: 'rate', render: (_, r: any) => t('{p} points per {amount}', { p: r.pointsPerUnit, amount: money(r.unitAmount, 'CNY', lang) }) },
        ]}
        defaults={{ channelKind: EVERY_OTHER, unitAmount: '1.00' }}
        fromItem={(x) => ({ ...x, channelKind: x.channelKind ?? EVERY_OTHER, unitAmount: formatMinor(x.unitAmount) })}
        toBody={(v: any) => ({ name: v.name.trim(), channelKind: v.channelKind === EVERY_OTHER ? null : v.channelKind, pointsPerUnit: v.pointsPerUnit, unitAmount: minor(v.unitAmount) })}
        fields={
          <>
            {name}
            <Form.Item name="channelKind" label={t('Channel')}>
              <Select options={[{ value: EVERY_OTHER, label: t('every other channel') }, ...CHANNEL_KINDS.map((k) => ({ value: k, label: t(k) }))]} />
            </Form.Item>
            <Form.Item name="pointsPerUnit" label={t('Points')} rules={[{ required: true }]}><InputNumber min={0} max={1_000_000} precision={0} /></Form.Item>
            <Form.Item name="unitAmount" label={t('For every')} rules={[moneyRule({ required: true, min: 1 })]}><MoneyInput /></Form.Item>
          </>
        }
      />
      <ConfigList
        title={t('Points mall')}
        testId="rewards"
        path="/v1/loyalty/rewards"
        query={rewards}
        queryKey="rewards"
        columns={[
          { title: t('Name'), dataIndex: 'name' },
          { title: t('Points'), dataIndex: 'points', align: 'right' },
          { title: t('Coupon granted'), dataIndex: 'couponTemplateId', render: couponName },
          { title: t('Active'), dataIndex: 'active', render: yesNo },
        ]}
        defaults={{ active: true }}
        fromItem={(x) => x}
        toBody={(v: any) => ({ name: v.name.trim(), points: v.points, couponTemplateId: v.couponTemplateId, active: Boolean(v.active) })}
        fields={
          <>
            {name}
            <Form.Item name="points" label={t('Points')} rules={[{ required: true }]}><InputNumber min={1} max={100_000_000} precision={0} /></Form.Item>
            <Form.Item name="couponTemplateId" label={t('Coupon granted')} rules={[{ required: true, message: t('Choose a coupon') }]}><CouponTemplatePicker /></Form.Item>
            <Form.Item name="active" valuePropName="checked"><Checkbox>{t('Offered in the points mall')}</Checkbox></Form.Item>
          </>
        }
      />
    </>
  );
}
