import { useQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Checkbox, Col, DatePicker, Form, Input, InputNumber, Radio, Row, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { consoleApi } from '../../shared/api';
import { ProblemAlert, applyProblem, clearErrorsOnChange } from '../../shared/ui';
import { useT } from '../../shared/i18n';
import { MoneyInput, StorePicker, useMoneyRule, useVariantOptions } from './fields';
import { formatMinor, minor } from './money';

interface VoucherValues {
  name: string;
  variantId?: string;
  usesPerVoucher: number;
  validityKind: 'days' | 'until';
  days?: number;
  until?: Dayjs;
  scope: 'own_stores' | 'locations' | 'partners';
  locationIds?: string[];
  partnerIds?: string[];
  faceValue: string;
  currency: string;
  settled: boolean;
  settlementPartnerId?: string;
  amountPerRedemption?: string;
}

export const usePartners = () => useQuery({ queryKey: ['partners'], queryFn: async () => (await consoleApi.get('/v1/partners')).data as any[] });

function toBody(v: VoucherValues, creating: boolean): Record<string, unknown> {
  return {
    name: v.name.trim(),
    ...(creating && v.variantId ? { variantId: v.variantId } : {}),
    usesPerVoucher: v.usesPerVoucher,
    validity: v.validityKind === 'days' ? { days: v.days } : { until: v.until!.toISOString() },
    validAt: { scope: v.scope, ...(v.scope === 'locations' ? { locationIds: v.locationIds } : {}), ...(v.scope === 'partners' && v.partnerIds?.length ? { partnerIds: v.partnerIds } : {}) },
    faceValue: { amount: minor(v.faceValue, v.currency), currency: v.currency },
    settlement: v.settled ? { partnerId: v.settlementPartnerId, amountPerRedemption: minor(v.amountPerRedemption, v.currency) } : null,
  };
}

function fromTemplate(x: any): VoucherValues {
  const cur = x.faceValue.currency;
  return {
    name: x.name,
    variantId: x.variantId ?? undefined,
    usesPerVoucher: x.usesPerVoucher,
    validityKind: 'days' in x.validity ? 'days' : 'until',
    days: x.validity.days,
    until: x.validity.until ? dayjs(x.validity.until) : undefined,
    scope: x.validAt.scope,
    locationIds: x.validAt.locationIds,
    partnerIds: x.validAt.partnerIds,
    faceValue: formatMinor(x.faceValue.amount, cur)!,
    currency: cur,
    settled: Boolean(x.settlement),
    settlementPartnerId: x.settlement?.partnerId,
    amountPerRedemption: formatMinor(x.settlement?.amountPerRedemption, cur),
  };
}

/** Creates a voucher template, or changes one (its catalog variant is fixed once made). */
export function VoucherTemplateForm({ template, onDone }: { template: any | null; onDone: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const moneyRule = useMoneyRule();
  const [form] = Form.useForm<VoucherValues>();
  const variants = useVariantOptions();
  const partners = usePartners();
  const validityKind = Form.useWatch('validityKind', form);
  const scope = Form.useWatch('scope', form);
  const settled = Form.useWatch('settled', form);
  const currency = Form.useWatch('currency', form) ?? 'CNY';
  const partnerOptions = (partners.data ?? []).map((p) => ({ value: p.id, label: p.name }));
  const save = useMutation({
    mutationFn: (v: VoucherValues) => (template ? consoleApi.patch(`/v1/voucher-templates/${template.id}`, toBody(v, false)) : consoleApi.post('/v1/voucher-templates', toBody(v, true))),
    onSuccess: () => {
      message.success(t('Voucher template saved'));
      qc.invalidateQueries({ queryKey: ['voucher-templates'] });
      onDone();
    },
    onError: (err) => applyProblem(form, err),
  });
  const initial: Partial<VoucherValues> = template ? fromTemplate(template) : { usesPerVoucher: 1, validityKind: 'days', days: 90, scope: 'own_stores', currency: 'CNY', settled: false };
  return (
    <>
      <ProblemAlert error={save.error} onClose={save.reset} />
      <Form form={form} layout="vertical" initialValues={initial} onFinish={save.mutate} onValuesChange={clearErrorsOnChange(form)}>
        <Form.Item name="name" label={t('Name')} rules={[{ required: true, whitespace: true, message: t('Give it a name') }]}><Input maxLength={200} data-testid="voucher-template-name" /></Form.Item>
        <Form.Item name="variantId" label={t('Issued when this item is paid for')} extra={t('Leave empty for vouchers handed out by hand.')}>
          <Select allowClear showSearch optionFilterProp="label" disabled={Boolean(template)} loading={variants.loading} options={variants.options} placeholder={t('SKU or name')} />
        </Form.Item>
        <Row gutter={16}>
          <Col xs={12}><Form.Item name="faceValue" label={t('Face value')} rules={[moneyRule({ required: true, currency })]}><MoneyInput currency={currency} /></Form.Item></Col>
          <Col xs={12}><Form.Item name="usesPerVoucher" label={t('Uses per voucher')} rules={[{ required: true }]}><InputNumber min={1} max={1000} precision={0} style={{ width: '100%' }} /></Form.Item></Col>
        </Row>
        <Form.Item name="validityKind" label={t('Valid for')}>
          <Radio.Group options={[{ value: 'days', label: t('Days after issue') }, { value: 'until', label: t('Until a date') }]} />
        </Form.Item>
        {validityKind === 'until' ? (
          <Form.Item name="until" rules={[{ required: true, message: t('Choose a date') }]}><DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" /></Form.Item>
        ) : (
          <Form.Item name="days" rules={[{ required: true }]}><InputNumber min={1} max={3650} precision={0} addonAfter={t('days')} /></Form.Item>
        )}
        <Form.Item name="scope" label={t('Valid at')}>
          <Radio.Group options={[{ value: 'own_stores', label: t('own_stores') }, { value: 'locations', label: t('locations') }, { value: 'partners', label: t('partners') }]} />
        </Form.Item>
        {scope === 'locations' && <Form.Item name="locationIds" rules={[{ required: true, message: t('Choose at least one store') }]}><StorePicker /></Form.Item>}
        {scope === 'partners' && <Form.Item name="partnerIds" extra={t('Empty: the partner it is settled with.')}><Select mode="multiple" allowClear options={partnerOptions} loading={partners.isPending} /></Form.Item>}
        <Form.Item name="settled" valuePropName="checked"><Checkbox>{t('A partner is paid for each use')}</Checkbox></Form.Item>
        {settled && (
          <Row gutter={16}>
            <Col xs={12}><Form.Item name="settlementPartnerId" label={t('Partner')} rules={[{ required: true, message: t('Choose a partner') }]}><Select options={partnerOptions} loading={partners.isPending} /></Form.Item></Col>
            <Col xs={12}><Form.Item name="amountPerRedemption" label={t('Partner gets per use')} rules={[moneyRule({ required: true, currency })]}><MoneyInput currency={currency} /></Form.Item></Col>
          </Row>
        )}
        <Form.Item name="currency" hidden><Input /></Form.Item>
        <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="save-voucher-template">{t('Save')}</Button>
      </Form>
    </>
  );
}
