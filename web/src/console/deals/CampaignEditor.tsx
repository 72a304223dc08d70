import type { ReactNode } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Col, DatePicker, Drawer, Form, Input, Row, Select, Space } from 'antd';
import { consoleApi } from '../../shared/api';
import { ProblemAlert, applyProblem, clearErrorsOnChange } from '../../shared/ui';
import { useT } from '../../shared/i18n';
import { ChannelPicker, MoneyInput, useMoneyRule, useVariantOptions } from '../marketing/fields';
import { campaignBody, changedOnly, fromCampaign, newCampaign, type Values } from './campaign';

interface Props {
  /** The campaign being changed; null for a new one. */
  item: any | null;
  open: boolean;
  onClose(): void;
  title: string;
  /** e.g. /v1/flash-sales: POST makes a draft, PATCH /:id changes one. */
  path: string;
  queryKey: string;
  /** The kind's own fields, and how they go to and come from the API. */
  fields: ReactNode;
  defaults: Record<string, unknown>;
  fromItem(item: any): Record<string, unknown>;
  toBody(values: Values): Record<string, unknown>;
  testId: string;
}

/** Creates a campaign as a draft, or changes one in place; the variant is fixed once it exists. */
export function CampaignEditor(props: Props) {
  return (
    <Drawer open={props.open} onClose={props.onClose} size="large" destroyOnHidden title={props.title}>
      {/* A fresh form per opening, so one campaign's values never leak into the next. */}
      {props.open && <EditorBody {...props} />}
    </Drawer>
  );
}

function EditorBody({ item, onClose, path, queryKey, fields, defaults, fromItem, toBody, testId }: Props) {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  const money = useMoneyRule();
  const variants = useVariantOptions();
  const currency: string = item?.price.currency ?? 'CNY';
  const initial = item ? { ...fromCampaign(item), ...fromItem(item) } : { ...newCampaign(), ...defaults };

  const save = useMutation({
    mutationFn: (v: Values) => {
      const body = { ...campaignBody(v, currency), ...toBody(v) };
      if (!item) return consoleApi.post(path, { ...body, variantId: v.variantId, status: 'draft' });
      const before = { ...campaignBody(fromCampaign(item), currency), ...toBody({ ...fromCampaign(item), ...fromItem(item) } as Values) };
      return consoleApi.patch(`${path}/${item.id}`, changedOnly(body, before));
    },
    onSuccess: () => {
      message.success(item ? t('Saved') : t('Created as a draft: start it when it is ready'));
      qc.invalidateQueries({ queryKey: [queryKey] });
      onClose();
    },
    onError: (err) => applyProblem(form, err),
  });

  const windowRule = { validator: async (_: unknown, v?: [unknown, unknown]) => { if (!v?.[0] || !v[1]) throw new Error(t('Choose when it starts and ends')); } };
  return (
    <>
      <ProblemAlert error={save.error} onClose={save.reset} />
      <Form form={form} layout="vertical" initialValues={initial} onFinish={save.mutate} onValuesChange={clearErrorsOnChange(form)} scrollToFirstError data-testid={testId}>
        <Form.Item name="name" label={t('Name')} rules={[{ required: true, whitespace: true, message: t('Give it a name') }]}>
          <Input maxLength={200} data-testid="campaign-name" />
        </Form.Item>
        <Form.Item name="variantId" label={t('Item')} rules={[{ required: true, message: t('Choose an item') }]} extra={item ? t('The item cannot change once the campaign exists.') : undefined}>
          <Select showSearch optionFilterProp="label" placeholder={t('SKU or name')} loading={variants.loading} options={variants.options} disabled={Boolean(item)} data-testid="campaign-variant" />
        </Form.Item>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="price" label={t('Special price')} rules={[money({ required: true, min: 1, currency })]}>
              <MoneyInput currency={currency} data-testid="campaign-price" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="channelIds" label={t('Channels')}><ChannelPicker placeholder={t('Every channel')} /></Form.Item>
          </Col>
        </Row>
        <Form.Item name="window" label={t('Runs')} rules={[windowRule]}>
          <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
        </Form.Item>
        {fields}
        <Space>
          <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="save-campaign">{t('Save')}</Button>
          <Button onClick={onClose}>{t('Cancel')}</Button>
        </Space>
      </Form>
    </>
  );
}
