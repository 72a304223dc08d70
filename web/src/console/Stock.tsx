import { useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Form, Input, InputNumber, Row, Select, Table, Tag, Typography } from 'antd';
import { consoleApi } from '../shared/api';
import { ProblemAlert, QueryView, applyProblem, clearErrorsOnChange } from '../shared/ui';
import { useI18n } from '../shared/i18n';
import { dateTime } from '../shared/format';
import { useLocations, useProducts, variantIndex, variantLabel } from '../shared/lookups';

export default function Stock() {
  const { t } = useI18n();
  const locations = useLocations(consoleApi);
  const [locationId, setLocationId] = useState<string>();
  const current = locationId ?? locations.data?.[0]?.id;
  const variants = variantIndex(useProducts(consoleApi).data);
  return (
    <>
      <Typography.Title level={3}>{t('Stock')}</Typography.Title>
      <Select
        style={{ minWidth: 260, marginBottom: 16 }}
        value={current}
        onChange={setLocationId}
        options={(locations.data ?? []).map((l) => ({ value: l.id, label: `${l.name} (${l.code})` }))}
        data-testid="stock-location"
      />
      {current && (
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={14}><Levels locationId={current} variants={variants} /></Col>
          <Col xs={24} xl={10}><Adjust locationId={current} variants={variants} /></Col>
          <Col xs={24}><Movements locationId={current} variants={variants} /></Col>
        </Row>
      )}
    </>
  );
}

type Variants = ReturnType<typeof variantIndex>;

function Levels({ locationId, variants }: { locationId: string; variants: Variants }) {
  const { t } = useI18n();
  const [filter, setFilter] = useState('');
  const q = useQuery({ queryKey: ['stock', locationId], queryFn: () => consoleApi.get('/v1/stock', { locationId }) });
  return (
    <Card size="small" title={t('Stock levels')} extra={<Input.Search size="small" allowClear placeholder={t('Filter')} onChange={(e) => setFilter(e.target.value.toLowerCase())} />}>
      <QueryView q={q} isEmpty={(d: any) => d.data.length === 0}>
        {(d: any) => (
          <Table
            rowKey="variantId"
            size="small"
            pagination={{ pageSize: 12 }}
            dataSource={d.data
              .map((s: any) => ({ ...s, label: variantLabel(variants.get(s.variantId), s.variantId), sku: variants.get(s.variantId)?.sku }))
              .filter((s: any) => !filter || `${s.label} ${s.sku}`.toLowerCase().includes(filter))}
            columns={[
              { title: t('Item'), dataIndex: 'label' },
              { title: 'SKU', dataIndex: 'sku' },
              { title: t('On hand'), dataIndex: 'onHand', align: 'right' },
              { title: t('Reserved'), dataIndex: 'reserved', align: 'right' },
              { title: t('Available'), dataIndex: 'available', align: 'right', render: (v) => <Tag color={v <= 2 ? 'red' : 'green'}>{v}</Tag> },
            ]}
          />
        )}
      </QueryView>
    </Card>
  );
}

function Adjust({ locationId, variants }: { locationId: string; variants: Variants }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const qc = useQueryClient();
  const options = useMemo(() => [...variants.values()].map((v) => ({ value: v.id, label: `${v.sku} · ${variantLabel(v, v.id)}` })), [variants]);
  const m = useMutation({
    mutationFn: (v: any) => consoleApi.post('/v1/stock/adjustments', { ...v, locationId, note: v.note || null }),
    onSuccess: (level) => {
      message.success(t('Stock is now {n} on hand', { n: level.onHand }));
      form.resetFields();
      qc.invalidateQueries({ queryKey: ['stock', locationId] });
      qc.invalidateQueries({ queryKey: ['movements', locationId] });
    },
    onError: (err) => applyProblem(form, err),
  });
  return (
    <Card size="small" title={t('Adjust stock')}>
      <ProblemAlert error={m.error} />
      <Form form={form} layout="vertical" onFinish={m.mutate} initialValues={{ reason: 'receipt' }} onValuesChange={clearErrorsOnChange(form)}>
        <Form.Item name="variantId" label={t('Item')} rules={[{ required: true }]}>
          <Select showSearch optionFilterProp="label" options={options} placeholder={t('SKU or name')} />
        </Form.Item>
        <Form.Item name="delta" label={t('Change (+ received, − removed)')} rules={[{ required: true }]}>
          <InputNumber style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="reason" label={t('Reason')}>
          <Select options={['receipt', 'return', 'adjustment'].map((r) => ({ value: r, label: t(r) }))} />
        </Form.Item>
        <Form.Item name="note" label={t('Note')}>
          <Input />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={m.isPending}>{t('Post adjustment')}</Button>
      </Form>
    </Card>
  );
}

function Movements({ locationId, variants }: { locationId: string; variants: Variants }) {
  const { t, lang } = useI18n();
  const [reason, setReason] = useState<string>();
  const q = useQuery({ queryKey: ['movements', locationId, reason], queryFn: () => consoleApi.get('/v1/stock/movements', { locationId, reason, limit: 200 }) });
  return (
    <Card size="small" title={t('Stock ledger')} extra={
      <Select allowClear size="small" style={{ width: 160 }} placeholder={t('All reasons')} value={reason} onChange={setReason}
        options={['receipt', 'sale', 'return', 'adjustment', 'transfer_out', 'transfer_in', 'count'].map((r) => ({ value: r, label: t(r) }))} />
    }>
      <QueryView q={q} isEmpty={(d: any) => (d.data ?? d).length === 0}>
        {(d: any) => (
          <Table rowKey="id" size="small" pagination={{ pageSize: 15 }} dataSource={d.data ?? d} columns={[
            { title: t('When'), dataIndex: 'createdAt', render: (v, r: any) => dateTime(v ?? r.occurredAt, lang) },
            { title: t('Item'), dataIndex: 'variantId', render: (v) => variantLabel(variants.get(v), v) },
            { title: t('Reason'), dataIndex: 'reason', render: (v) => <Tag>{t(v)}</Tag> },
            { title: t('Change'), dataIndex: 'delta', align: 'right', render: (v) => <span style={{ color: v < 0 ? '#cf1322' : '#389e0d' }}>{v > 0 ? `+${v}` : v}</span> },
            { title: t('Note'), dataIndex: 'note' },
            { title: t('Reference'), dataIndex: 'reference', render: (r, row: any) => r?.id ?? row.referenceId ?? '' },
          ]} />
        )}
      </QueryView>
    </Card>
  );
}
