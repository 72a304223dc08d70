import { Checkbox, Col, Form, InputNumber, Row, TimePicker } from 'antd';
import { useT } from '../../shared/i18n';
import { CategoryPicker, ChannelPicker, CustomerPicker, MoneyInput, ProductPicker, StorePicker, TierPicker, VariantPicker, useMoneyRule } from './fields';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Who, where, what and when a promotion applies to; an empty field means no restriction. */
export function ConditionFields({ currency }: { currency: string }) {
  const t = useT();
  const money = useMoneyRule();
  const c = (name: string) => ['conditions', name];
  const anything = t('Any');
  return (
    <Row gutter={16}>
      <Col xs={24} md={12}><Form.Item name={c('channelIds')} label={t('Channels')}><ChannelPicker placeholder={anything} /></Form.Item></Col>
      <Col xs={24} md={12}><Form.Item name={c('storeIds')} label={t('Stores')}><StorePicker placeholder={anything} /></Form.Item></Col>
      <Col xs={24} md={12}><Form.Item name={c('productIds')} label={t('Products')}><ProductPicker placeholder={anything} /></Form.Item></Col>
      <Col xs={24} md={12}><Form.Item name={c('variantIds')} label={t('Variants')}><VariantPicker placeholder={anything} /></Form.Item></Col>
      <Col xs={24} md={12}><Form.Item name={c('categoryIds')} label={t('Categories')}><CategoryPicker placeholder={anything} /></Form.Item></Col>
      <Col xs={24} md={12}><Form.Item name={c('customerTiers')} label={t('Member tiers')}><TierPicker placeholder={anything} /></Form.Item></Col>
      <Col xs={12} md={6}><Form.Item name={c('minSubtotal')} label={t('Minimum spend')} rules={[money({ currency })]}><MoneyInput currency={currency} /></Form.Item></Col>
      <Col xs={12} md={6}><Form.Item name={c('minQuantity')} label={t('Minimum items')}><InputNumber min={1} precision={0} style={{ width: '100%' }} /></Form.Item></Col>
      <Col xs={24} md={12}><Form.Item name={c('customerIds')} label={t('Only these customers')}><CustomerPicker mode="multiple" allowClear /></Form.Item></Col>
      <Col xs={24} md={12}>
        <Form.Item name={c('daysOfWeek')} label={t('Days of the week')}>
          <Checkbox.Group options={DAYS.map((d, i) => ({ value: i + 1, label: t(d) }))} />
        </Form.Item>
      </Col>
      <Col xs={24} md={8}>
        <Form.Item name={c('hours')} label={t('Hours (local)')} rules={[{ validator: async (_, v) => { if (v?.[0] && v[1] && v[0].format('HH:mm') === v[1].format('HH:mm')) throw new Error(t('Start and end must differ')); } }]}>
          <TimePicker.RangePicker format="HH:mm" order={false} />
        </Form.Item>
      </Col>
      <Col xs={24} md={4}><Form.Item name={c('firstOrderOnly')} label=" " valuePropName="checked"><Checkbox>{t('First order only')}</Checkbox></Form.Item></Col>
    </Row>
  );
}
