import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Form, Input, Popconfirm, Radio, Row, Select, Space, Table, Tag, Typography } from 'antd';
import { consoleApi } from '../shared/api';
import { ProblemAlert, QueryView, applyProblem, clearErrorsOnChange } from '../shared/ui';
import { useI18n } from '../shared/i18n';
import { dateTime } from '../shared/format';
import { StatusTag } from '../shared/status';

const SCOPES = ['*', 'catalog:read', 'catalog:write', 'inventory:read', 'inventory:write', 'orders:read', 'orders:write', 'customers:read', 'customers:write', 'promotions:read', 'promotions:write', 'webhooks:read', 'webhooks:write', 'events:read', 'access:read', 'access:write'];
const PUBLISHABLE = ['catalog:read', 'inventory:read'];

export default function Integrations() {
  const { t } = useI18n();
  return (
    <>
      <Typography.Title level={3}>{t('Webhooks & API keys')}</Typography.Title>
      <Row gutter={[16, 16]}>
        <Col xs={24} xxl={12}><Webhooks /></Col>
        <Col xs={24} xxl={12}><ApiKeys /></Col>
      </Row>
    </>
  );
}

/** A secret shown once, right after it was made. */
function ShownOnce({ label, value, extra }: { label: string; value: string; extra?: React.ReactNode }) {
  const { t } = useI18n();
  return (
    <Alert type="success" showIcon style={{ marginBottom: 12 }} message={label}
      description={<><Typography.Text copyable code data-testid="secret">{value}</Typography.Text><div>{t('It is shown only now: keep it somewhere safe.')}</div>{extra}</>} />
  );
}

function Webhooks() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const qc = useQueryClient();
  const [secret, setSecret] = useState<string | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const q = useQuery({ queryKey: ['webhooks'], queryFn: async () => (await consoleApi.get('/v1/webhook-endpoints')).data as any[] });
  const refresh = () => qc.invalidateQueries({ queryKey: ['webhooks'] });
  const create = useMutation({
    mutationFn: (v: any) => consoleApi.post('/v1/webhook-endpoints', { url: v.url, eventTypes: v.eventTypes, description: v.description || undefined }),
    onSuccess: (e) => { setSecret(e.secret); form.resetFields(); refresh(); },
    onError: (err) => applyProblem(form, err),
  });
  const act = useMutation({
    mutationFn: ({ method, path, body }: { method: string; path: string; body?: unknown }) => consoleApi.request(method, path, body),
    onSuccess: (r) => { if (r?.secret) setSecret(r.secret); message.success(t('Done')); refresh(); },
  });
  return (
    <Card size="small" title={t('Webhook endpoints')}>
      {secret && <ShownOnce label={t('Signing secret')} value={secret} />}
      <ProblemAlert error={act.error ?? create.error} />
      <QueryView q={q} isEmpty={(d) => d.length === 0} empty={<Typography.Text type="secondary">{t('No endpoints yet.')}</Typography.Text>}>
        {(d) => (
          <Table rowKey="id" size="small" dataSource={d} pagination={false}
            expandable={{ expandedRowKeys: openId ? [openId] : [], onExpand: (open, e: any) => setOpenId(open ? e.id : null), expandedRowRender: (e: any) => <Deliveries endpointId={e.id} /> }}
            columns={[
              { title: 'URL', dataIndex: 'url', ellipsis: true },
              { title: t('Events'), dataIndex: 'eventTypes', render: (v: string[]) => v.map((x) => <Tag key={x}>{x}</Tag>) },
              { title: t('Enabled'), dataIndex: 'enabled', render: (v, e: any) => <a onClick={() => act.mutate({ method: 'PATCH', path: `/v1/webhook-endpoints/${e.id}`, body: { enabled: !v } })}>{v ? t('yes') : t('no')}</a> },
              { title: '', key: 'a', render: (_, e: any) => (
                <Space size={4}>
                  <Button size="small" onClick={() => act.mutate({ method: 'POST', path: `/v1/webhook-endpoints/${e.id}/rotate-secret` })}>{t('New secret')}</Button>
                  <Popconfirm title={t('Delete this endpoint?')} onConfirm={() => act.mutate({ method: 'DELETE', path: `/v1/webhook-endpoints/${e.id}` })}><Button size="small" danger>{t('Delete')}</Button></Popconfirm>
                </Space>
              ) },
            ]} />
        )}
      </QueryView>
      <Form form={form} layout="vertical" onFinish={create.mutate} style={{ marginTop: 16 }} initialValues={{ eventTypes: ['order.*'] }} onValuesChange={clearErrorsOnChange(form)}>
        <Form.Item name="url" label="URL" rules={[{ required: true, type: 'url' }]}><Input placeholder="https://example.com/hooks/omniloop" /></Form.Item>
        <Form.Item name="eventTypes" label={t('Events')} rules={[{ required: true }]}><Select mode="tags" options={['*', 'order.*', 'order.placed', 'order.paid', 'stock.*', 'voucher.*', 'appointment.*'].map((v) => ({ value: v }))} /></Form.Item>
        <Form.Item name="description" label={t('Description')}><Input /></Form.Item>
        <Button type="primary" htmlType="submit" loading={create.isPending}>{t('Add endpoint')}</Button>
      </Form>
    </Card>
  );
}

function Deliveries({ endpointId }: { endpointId: string }) {
  const { t, lang } = useI18n();
  const q = useQuery({ queryKey: ['deliveries', endpointId], queryFn: () => consoleApi.get(`/v1/webhook-endpoints/${endpointId}/deliveries`, { limit: 20 }) });
  return (
    <QueryView q={q} isEmpty={(d: any) => d.data.length === 0}>
      {(d: any) => (
        <Table rowKey="id" size="small" dataSource={d.data} pagination={false} columns={[
          { title: t('Event'), dataIndex: 'eventType' },
          { title: t('Status'), dataIndex: 'status', render: (v) => <StatusTag status={v} /> },
          { title: t('Attempts'), dataIndex: 'attempts', render: (a) => (Array.isArray(a) ? a.length : a) },
          { title: t('When'), dataIndex: 'createdAt', render: (v) => dateTime(v, lang) },
        ]} />
      )}
    </QueryView>
  );
}

function ApiKeys() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const qc = useQueryClient();
  const [made, setMade] = useState<any>(null);
  const kind = Form.useWatch('kind', form);
  const q = useQuery({ queryKey: ['api-keys'], queryFn: async () => (await consoleApi.get('/v1/api-keys')).data as any[] });
  const create = useMutation({
    mutationFn: (v: any) => consoleApi.post('/v1/api-keys', v),
    onSuccess: (k) => { setMade(k); form.resetFields(); qc.invalidateQueries({ queryKey: ['api-keys'] }); },
    onError: (err) => applyProblem(form, err),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => consoleApi.delete(`/v1/api-keys/${id}`),
    onSuccess: () => { message.success(t('Done')); qc.invalidateQueries({ queryKey: ['api-keys'] }); },
  });
  return (
    <Card size="small" title={t('API keys')}>
      {made && (
        <ShownOnce label={t('New key: {name}', { name: made.name })} value={made.token} extra={made.kind === 'publishable' && (
          <a href={`/shop?key=${encodeURIComponent(made.token)}`} target="_blank" rel="noreferrer">{t('Open the storefront with this key')}</a>
        )} />
      )}
      <ProblemAlert error={revoke.error ?? create.error} />
      <QueryView q={q}>
        {(d) => (
          <Table rowKey="id" size="small" dataSource={d} pagination={false} columns={[
            { title: t('Name'), dataIndex: 'name' },
            { title: t('Kind'), dataIndex: 'kind', render: (v) => t(v) },
            { title: t('Key'), dataIndex: 'hint', render: (v) => <Typography.Text code>{v}</Typography.Text> },
            { title: t('Scopes'), dataIndex: 'scopes', render: (v: string[]) => v.map((s) => <Tag key={s}>{s}</Tag>) },
            { title: t('Created'), dataIndex: 'createdAt', render: (v) => dateTime(v, lang) },
            { title: '', key: 'a', render: (_, k: any) => (k.revokedAt ? <Tag>{t('revoked')}</Tag> : (
              <Popconfirm title={t('Revoke this key? Apps using it stop working at once.')} onConfirm={() => revoke.mutate(k.id)}><Button size="small" danger>{t('Revoke')}</Button></Popconfirm>
            )) },
          ]} />
        )}
      </QueryView>
      <Form form={form} layout="vertical" onFinish={create.mutate} style={{ marginTop: 16 }} initialValues={{ kind: 'secret', scopes: ['orders:read'] }}
        onValuesChange={(c) => { clearErrorsOnChange(form)(c); if (c.kind) form.setFieldValue('scopes', c.kind === 'publishable' ? PUBLISHABLE : ['orders:read']); }}>
        <Form.Item name="name" label={t('Name')} rules={[{ required: true }]}><Input /></Form.Item>
        <Form.Item name="kind" label={t('Kind')}>
          <Radio.Group options={[{ value: 'secret', label: t('secret') }, { value: 'publishable', label: t('publishable (storefronts, apps)') }]} />
        </Form.Item>
        <Form.Item name="scopes" label={t('Scopes')} rules={[{ required: true }]}>
          <Select mode="multiple" options={(kind === 'publishable' ? PUBLISHABLE : SCOPES).map((s) => ({ value: s }))} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={create.isPending}>{t('Create key')}</Button>
      </Form>
    </Card>
  );
}
