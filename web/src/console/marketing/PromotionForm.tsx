import { useMemo } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Col, DatePicker, Divider, Drawer, Form, Input, InputNumber, Radio, Row, Select, Space } from 'antd';
import { consoleApi } from '../../shared/api';
import { ProblemAlert, applyProblem, clearErrorsOnChange } from '../../shared/ui';
import { useT } from '../../shared/i18n';
import { useChannels } from '../../shared/lookups';
import { MoneyInput, useMoneyRule } from './fields';
import { RuleFields } from './RuleFields';
import { ConditionFields } from './ConditionFields';
import { emptyPromotion, fromPromotion, toPromotionBody, type PromotionValues } from './promotion-payload';

/** The promotion builder: creates a draft, or changes an existing promotion in place. */
export function PromotionForm({ promotion, open, onClose }: { promotion: any | null; open: boolean; onClose: () => void }) {
  const t = useT();
  return (
    <Drawer open={open} onClose={onClose} size="large" destroyOnHidden title={promotion ? t('Edit promotion') : t('New promotion')}>
      {/* A fresh form per opening, so one promotion's values never leak into the next. */}
      {open && <PromotionFormBody promotion={promotion} onClose={onClose} />}
    </Drawer>
  );
}

function PromotionFormBody({ promotion, onClose }: { promotion: any | null; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<PromotionValues>();
  const qc = useQueryClient();
  const money = useMoneyRule();
  const channels = useChannels(consoleApi);
  const currency = Form.useWatch('currency', form) ?? 'CNY';
  const currencies = [...new Set(['CNY', ...(channels.data ?? []).map((c) => c.currency)])];

  const initial = useMemo(() => (promotion ? fromPromotion(promotion) : emptyPromotion()), [promotion]);

  const save = useMutation({
    mutationFn: (v: PromotionValues) => {
      const body = toPromotionBody(v);
      return promotion ? consoleApi.patch(`/v1/promotions/${promotion.id}`, body) : consoleApi.post('/v1/promotions', { ...body, status: 'draft' });
    },
    onSuccess: () => {
      message.success(promotion ? t('Promotion saved') : t('Promotion created as a draft'));
      qc.invalidateQueries({ queryKey: ['promotions'] });
      onClose();
    },
    onError: (err) => applyProblem(form, err),
  });

  const windowRule = { validator: async (_: unknown, v: PromotionValues['window']) => { if (v?.[0] && v[1] && !v[1].isAfter(v[0])) throw new Error(t('The end must come after the start')); } };
  return (
    <>
      <ProblemAlert error={save.error} onClose={save.reset} />
      <Form form={form} layout="vertical" initialValues={initial} onFinish={save.mutate} onValuesChange={clearErrorsOnChange(form)} scrollToFirstError>
        <Form.Item name="name" label={t('Name')} rules={[{ required: true, whitespace: true, message: t('Give it a name') }]}>
          <Input maxLength={200} data-testid="promotion-name" />
        </Form.Item>
        <Form.Item name="description" label={t('Description')}><Input.TextArea rows={2} maxLength={2000} /></Form.Item>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="trigger" label={t('Trigger')} extra={t('Coupon promotions apply only when a coupon unlocks them.')}>
              <Radio.Group optionType="button" options={['automatic', 'coupon'].map((v) => ({ value: v, label: t(v) }))} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="stacking" label={t('Stacking')} extra={t('Exclusive offers never combine; the best one for the shopper wins.')}>
              <Radio.Group optionType="button" options={['stackable', 'exclusive'].map((v) => ({ value: v, label: t(v) }))} />
            </Form.Item>
          </Col>
          <Col xs={8}><Form.Item name="priority" label={t('Priority')} tooltip={t('Higher applies first')}><InputNumber precision={0} min={-1_000_000} max={1_000_000} style={{ width: '100%' }} /></Form.Item></Col>
          <Col xs={8}><Form.Item name="currency" label={t('Currency')}><Select options={currencies.map((c) => ({ value: c, label: c }))} disabled={Boolean(promotion)} /></Form.Item></Col>
          <Col xs={8}><Form.Item name="timeZone" label={t('Time zone')} rules={[{ required: true }]}><Input /></Form.Item></Col>
        </Row>

        <Divider titlePlacement="start">{t('Rule')}</Divider>
        <RuleFields currency={currency} />

        <Divider titlePlacement="start">{t('Conditions')}</Divider>
        <ConditionFields currency={currency} />

        <Divider titlePlacement="start">{t('When and how often')}</Divider>
        <Form.Item name="window" label={t('Runs')} rules={[windowRule]}>
          <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" allowEmpty={[true, true]} placeholder={[t('From now'), t('No end')]} />
        </Form.Item>
        <Row gutter={16}>
          <Col xs={8}><Form.Item name="usageLimit" label={t('Total uses')}><InputNumber min={1} precision={0} placeholder={t('No limit')} style={{ width: '100%' }} /></Form.Item></Col>
          <Col xs={8}><Form.Item name="perCustomerLimit" label={t('Uses per customer')}><InputNumber min={1} precision={0} placeholder={t('No limit')} style={{ width: '100%' }} /></Form.Item></Col>
          <Col xs={8}><Form.Item name="budget" label={t('Budget')} rules={[money({ min: 1, currency })]}><MoneyInput currency={currency} placeholder={t('No limit')} /></Form.Item></Col>
        </Row>
        <Space>
          <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="save-promotion">{t('Save')}</Button>
          <Button onClick={onClose}>{t('Cancel')}</Button>
        </Space>
      </Form>
    </>
  );
}
