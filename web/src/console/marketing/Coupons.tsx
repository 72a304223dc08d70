import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Checkbox, Col, DatePicker, Drawer, Form, Input, InputNumber, Popconfirm, Progress, Radio, Row, Space, Table, Tag, Typography } from 'antd';
import { DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { consoleApi } from '../../shared/api';
import { ProblemAlert, QueryView, applyProblem, clearErrorsOnChange } from '../../shared/ui';
import { useI18n } from '../../shared/i18n';
import { dateTime } from '../../shared/format';
import { StatusTag } from '../../shared/status';
import { PromotionPicker, useCouponTemplates, usePromotions } from './fields';

const KINDS = ['public_code', 'unique_codes', 'wallet'] as const;
const MAX_BATCH = 1_000_000;
const CHANNEL_LABELS: Record<string, string> = { all: 'Online and in store', online: 'Online only', store: 'In store only' };

export function Coupons() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const q = useCouponTemplates();
  const promotions = usePromotions();
  const [editing, setEditing] = useState<{ template: any | null } | null>(null);
  const [expanded, setExpanded] = useState<string[]>([]);
  const archive = useMutation({
    mutationFn: (id: string) => consoleApi.patch(`/v1/coupon-templates/${id}`, { status: 'archived' }),
    onSuccess: () => { message.success(t('Done')); qc.invalidateQueries({ queryKey: ['coupon-templates'] }); },
  });
  const promotionName = (id: string) => promotions.data?.find((p) => p.id === id)?.name ?? id;
  return (
    <>
      <Button type="primary" icon={<PlusOutlined />} style={{ marginBottom: 12 }} onClick={() => setEditing({ template: null })} data-testid="new-coupon">{t('New coupon')}</Button>
      <ProblemAlert error={archive.error} onClose={archive.reset} />
      <QueryView q={q} isEmpty={(d) => d.length === 0} empty={<Typography.Paragraph type="secondary">{t('No coupons yet.')}</Typography.Paragraph>}>
        {(d) => (
          <Table rowKey="id" size="small" dataSource={d} pagination={{ pageSize: 20 }} scroll={{ x: true }}
            expandable={{
              expandedRowKeys: expanded,
              onExpandedRowsChange: (keys) => setExpanded(keys as string[]),
              expandedRowRender: (c: any) => <Batches template={c} />,
              rowExpandable: (c: any) => c.kind === 'unique_codes',
            }}
            columns={[
              { title: t('Name'), dataIndex: 'name' },
              { title: t('Kind'), dataIndex: 'kind', render: (v) => <Tag>{t(v)}</Tag> },
              { title: t('Promotion'), dataIndex: 'promotionId', render: promotionName },
              { title: t('Code'), dataIndex: 'code', render: (v) => (v ? <Typography.Text code>{v}</Typography.Text> : '—') },
              { title: t('Status'), dataIndex: 'status', render: (v) => <StatusTag status={v} /> },
              { title: t('Valid'), dataIndex: 'validity', render: (v) => (v.daysAfterClaim ? t('{n} days after claiming', { n: v.daysAfterClaim }) : `${dateTime(v.from, lang)} → ${dateTime(v.until, lang)}`) },
              { title: t('Where'), dataIndex: 'channels', render: (v) => t(CHANNEL_LABELS[v] ?? v) },
              { title: t('Issued'), key: 'issued', render: (_, c: any) => (c.totalLimit ? <Progress size="small" percent={Math.round((100 * c.issued) / c.totalLimit)} format={() => `${c.issued} / ${c.totalLimit}`} style={{ minWidth: 140 }} /> : c.issued) },
              { title: '', key: 'a', render: (_, c: any) => c.status === 'active' && (
                <Space size={4}>
                  <Button size="small" onClick={() => setEditing({ template: c })}>{t('Edit')}</Button>
                  <Popconfirm title={t('Archive this coupon? Its codes stop working.')} onConfirm={() => archive.mutate(c.id)}><Button size="small" danger>{t('Archive')}</Button></Popconfirm>
                </Space>
              ) },
            ]} />
        )}
      </QueryView>
      <Drawer open={editing !== null} onClose={() => setEditing(null)} size="large" destroyOnHidden title={editing?.template ? t('Edit coupon') : t('New coupon')}>
        {editing && (
          <CouponForm template={editing.template} onDone={(saved) => {
            setEditing(null);
            if (saved.kind === 'unique_codes') setExpanded((keys) => [...new Set([...keys, saved.id])]);
          }} />
        )}
      </Drawer>
    </>
  );
}

interface CouponValues {
  name: string;
  kind: (typeof KINDS)[number];
  promotionId: string;
  code?: string;
  validityKind: 'dates' | 'days';
  daysAfterClaim?: number;
  dates?: [Dayjs | null, Dayjs | null] | null;
  channels: 'all' | 'online' | 'store';
  perCustomerLimit?: number | null;
  totalLimit?: number | null;
  stackable: boolean;
  group?: string;
}

function toCouponBody(v: CouponValues, creating: boolean): Record<string, unknown> {
  return {
    name: v.name.trim(),
    promotionId: v.promotionId,
    ...(creating ? { kind: v.kind } : {}),
    ...(v.kind === 'public_code' ? { code: v.code?.trim() } : {}),
    validity: v.validityKind === 'days' ? { daysAfterClaim: v.daysAfterClaim } : { from: v.dates?.[0]?.toISOString() ?? null, until: v.dates?.[1]?.toISOString() ?? null },
    channels: v.channels,
    perCustomerLimit: v.perCustomerLimit ?? null,
    totalLimit: v.totalLimit ?? null,
    stackable: v.stackable,
    ...(v.group?.trim() ? { group: v.group.trim() } : {}),
  };
}

function fromTemplate(c: any): CouponValues {
  const days = 'daysAfterClaim' in c.validity;
  return {
    ...c,
    code: c.code ?? undefined,
    validityKind: days ? 'days' : 'dates',
    daysAfterClaim: days ? c.validity.daysAfterClaim : undefined,
    dates: days ? null : [c.validity.from ? dayjs(c.validity.from) : null, c.validity.until ? dayjs(c.validity.until) : null],
  };
}

function CouponForm({ template, onDone }: { template: any | null; onDone: (saved: any) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<CouponValues>();
  const kind = Form.useWatch('kind', form);
  const validityKind = Form.useWatch('validityKind', form);
  const save = useMutation({
    mutationFn: (v: CouponValues) => (template
      ? consoleApi.patch(`/v1/coupon-templates/${template.id}`, toCouponBody(v, false))
      : consoleApi.post('/v1/coupon-templates', toCouponBody(v, true))),
    onSuccess: (saved) => {
      message.success(t('Coupon saved'));
      qc.invalidateQueries({ queryKey: ['coupon-templates'] });
      onDone(saved);
    },
    onError: (err) => applyProblem(form, err),
  });
  const initial: Partial<CouponValues> = template ? fromTemplate(template) : { kind: 'unique_codes', validityKind: 'dates', channels: 'all', stackable: false };
  return (
    <>
      <ProblemAlert error={save.error} onClose={save.reset} />
      <Form form={form} layout="vertical" initialValues={initial} onFinish={save.mutate} onValuesChange={clearErrorsOnChange(form)}>
        <Form.Item name="name" label={t('Name')} rules={[{ required: true, whitespace: true, message: t('Give it a name') }]}><Input maxLength={200} data-testid="coupon-name" /></Form.Item>
        <Form.Item name="kind" label={t('Kind')}>
          <Radio.Group disabled={Boolean(template)} options={KINDS.map((k) => ({ value: k, label: t(k) }))} />
        </Form.Item>
        <Form.Item name="promotionId" label={t('Promotion it unlocks')} rules={[{ required: true, message: t('Choose a promotion') }]}
          extra={t('Only promotions triggered by a coupon are listed; make one in the Promotions tab first.')}>
          <PromotionPicker trigger="coupon" data-testid="coupon-promotion" />
        </Form.Item>
        {kind === 'public_code' && (
          <Form.Item name="code" label={t('Shared code')} rules={[{ required: true, min: 3, max: 40, whitespace: true }]}><Input placeholder="WELCOME10" /></Form.Item>
        )}
        <Form.Item name="validityKind" label={t('Valid')}>
          <Radio.Group options={[{ value: 'dates', label: t('Between dates') }, { value: 'days', label: t('Days after claiming') }]} />
        </Form.Item>
        {validityKind === 'days' ? (
          <Form.Item name="daysAfterClaim" rules={[{ required: true }]}><InputNumber min={1} max={3650} precision={0} addonAfter={t('days')} /></Form.Item>
        ) : (
          <Form.Item name="dates" rules={[{ validator: async (_, v) => { if (v?.[0] && v[1] && !v[1].isAfter(v[0])) throw new Error(t('The end must come after the start')); } }]}>
            <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" allowEmpty={[true, true]} placeholder={[t('From now'), t('No end')]} />
          </Form.Item>
        )}
        <Form.Item name="channels" label={t('Where')}>
          <Radio.Group options={['all', 'online', 'store'].map((c) => ({ value: c, label: t(CHANNEL_LABELS[c]) }))} />
        </Form.Item>
        <Row gutter={16}>
          <Col xs={12}><Form.Item name="perCustomerLimit" label={t('Per customer')}><InputNumber min={1} precision={0} placeholder={t('No limit')} style={{ width: '100%' }} /></Form.Item></Col>
          <Col xs={12}><Form.Item name="totalLimit" label={t('In total')}><InputNumber min={1} precision={0} placeholder={t('No limit')} style={{ width: '100%' }} /></Form.Item></Col>
          <Col xs={12}>
            <Form.Item name="group" label={t('Stacking group')} tooltip={t('At most one non-stackable coupon per group on an order')} rules={[{ pattern: /^[a-z0-9_-]{1,32}$/, message: t('lowercase letters, digits, - and _') }]}>
              <Input placeholder="store" />
            </Form.Item>
          </Col>
          <Col xs={12}><Form.Item name="stackable" label=" " valuePropName="checked"><Checkbox>{t('Combines with other coupons of its group')}</Checkbox></Form.Item></Col>
        </Row>
        <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="save-coupon">{t('Save')}</Button>
      </Form>
    </>
  );
}

/** A unique-code coupon's batches: make another, and download any as CSV. */
function Batches({ template }: { template: any }) {
  const { t, lang } = useI18n();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ count: number; prefix?: string }>();
  const q = useQuery({ queryKey: ['coupon-batches', template.id], queryFn: async () => (await consoleApi.get(`/v1/coupon-templates/${template.id}/batches`)).data as any[] });
  const generate = useMutation({
    mutationFn: (v: { count: number; prefix?: string }) => consoleApi.post(`/v1/coupon-templates/${template.id}/batches`, { count: v.count, prefix: v.prefix?.trim() || null }, { idempotent: true }),
    onSuccess: () => {
      form.resetFields();
      qc.invalidateQueries({ queryKey: ['coupon-batches', template.id] });
      qc.invalidateQueries({ queryKey: ['coupon-templates'] });
    },
    onError: (err) => applyProblem(form, err),
  });
  // The CSV needs the console's sign-in, so it is fetched through the API client and saved from a Blob.
  const download = useMutation({
    mutationFn: async (id: string) => {
      const csv = await consoleApi.get<string>(`/v1/coupon-batches/${id}/codes.csv`);
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
      Object.assign(document.createElement('a'), { href: url, download: `coupon-codes-${id}.csv` }).click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    },
  });
  const left = template.totalLimit ? template.totalLimit - template.issued : MAX_BATCH;
  return (
    <div data-testid="batches">
      <Form form={form} layout="inline" onFinish={generate.mutate} initialValues={{ count: Math.min(100, Math.max(1, left)) }} style={{ marginBottom: 12 }}>
        <Form.Item name="count" label={t('Codes')} rules={[{ required: true }]}><InputNumber min={1} max={Math.max(1, Math.min(left, MAX_BATCH))} precision={0} data-testid="batch-count" /></Form.Item>
        <Form.Item name="prefix" label={t('Prefix')} rules={[{ pattern: /^[2-9A-HJKMNP-TV-Z]{0,8}$/, message: t('Up to 8 of 2-9 and A-Z without I, L, O, U') }]}><Input style={{ width: 120 }} /></Form.Item>
        <Button htmlType="submit" loading={generate.isPending} disabled={left <= 0 || template.status !== 'active'} data-testid="generate-batch">{t('Generate codes')}</Button>
      </Form>
      {generate.isPending && <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('Making {n} codes… a batch is made whole or not at all.', { n: generate.variables?.count ?? 0 })} />}
      <ProblemAlert error={generate.error ?? download.error} onClose={() => { generate.reset(); download.reset(); }} />
      <QueryView q={q} isEmpty={(d) => d.length === 0} empty={<Typography.Text type="secondary">{t('No codes made yet.')}</Typography.Text>}>
        {(d) => (
          <Table rowKey="id" size="small" dataSource={d} pagination={false} columns={[
            { title: t('Created'), dataIndex: 'createdAt', render: (v) => dateTime(v, lang) },
            { title: t('Codes'), dataIndex: 'count', align: 'right' },
            { title: t('Prefix'), dataIndex: 'prefix', render: (v) => v || '—' },
            { title: t('Status'), key: 'status', render: () => <Tag color="green">{t('ready')}</Tag> },
            { title: '', key: 'csv', render: (_, b: any) => (
              <Button size="small" icon={<DownloadOutlined />} loading={download.isPending && download.variables === b.id} onClick={() => download.mutate(b.id)} data-testid="download-csv">CSV</Button>
            ) },
          ]} />
        )}
      </QueryView>
    </div>
  );
}
