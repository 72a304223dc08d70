import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, DatePicker, Descriptions, Drawer, Popconfirm, Select, Space, Table, Tabs, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { consoleApi } from '../shared/api';
import { ProblemAlert, QueryView } from '../shared/ui';
import { useI18n } from '../shared/i18n';
import { dateTime, localDay, money } from '../shared/format';
import { StatusTag } from '../shared/status';
import { byId } from '../shared/lookups';
import { VoucherTemplateForm, usePartners } from './marketing/VoucherTemplateForm';

export default function Vouchers() {
  const { t } = useI18n();
  return (
    <>
      <Typography.Title level={3}>{t('Vouchers & partners')}</Typography.Title>
      <Tabs items={[
        { key: 'vouchers', label: t('Vouchers'), children: <VoucherList /> },
        { key: 'templates', label: t('Voucher templates'), children: <Templates /> },
        { key: 'partners', label: t('Partners'), children: <Partners /> },
      ]} />
    </>
  );
}

const useTemplates = () => useQuery({ queryKey: ['voucher-templates'], queryFn: async () => (await consoleApi.get('/v1/voucher-templates')).data as any[] });

function VoucherList() {
  const { t, lang } = useI18n();
  const [status, setStatus] = useState<string>();
  const [pages, setPages] = useState<string[]>([]);
  const templates = byId(useTemplates().data);
  const q = useQuery({ queryKey: ['vouchers', status, pages.at(-1)], queryFn: () => consoleApi.get('/v1/vouchers', { status, limit: 25, cursor: pages.at(-1) }) });
  return (
    <>
      <Select allowClear placeholder={t('Status')} style={{ width: 180, marginBottom: 12 }} onChange={(v) => { setStatus(v); setPages([]); }} options={['active', 'used_up', 'voided'].map((s) => ({ value: s, label: t(s) }))} />
      <QueryView q={q} isEmpty={(d: any) => d.data.length === 0}>
        {(d: any) => (
          <Table rowKey="id" size="small" dataSource={d.data} pagination={false} columns={[
            { title: t('Code'), dataIndex: 'code', render: (v) => <Typography.Text code>{v}</Typography.Text> },
            { title: t('Template'), dataIndex: 'templateId', render: (v) => templates.get(v)?.name ?? v },
            { title: t('Status'), dataIndex: 'status', render: (v) => <StatusTag status={v} /> },
            { title: t('Uses left'), key: 'uses', render: (_, v: any) => `${v.usesLeft} / ${v.usesTotal}` },
            { title: t('Face value'), dataIndex: 'faceValue', render: (f) => money(f.amount, f.currency, lang) },
            { title: t('Expires'), dataIndex: 'expiresAt', render: (v) => dateTime(v, lang) },
            { title: t('Issued'), dataIndex: 'issuedAt', render: (v) => dateTime(v, lang) },
          ]} footer={() => (
            <Space>
              {pages.length > 0 && <a onClick={() => setPages(pages.slice(0, -1))}>{t('Previous')}</a>}
              {d.nextCursor && <a onClick={() => setPages([...pages, d.nextCursor])}>{t('Next')}</a>}
            </Space>
          )} />
        )}
      </QueryView>
    </>
  );
}

function Templates() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const q = useTemplates();
  const partners = byId(usePartners().data);
  const [editing, setEditing] = useState<{ template: any | null } | null>(null);
  const archive = useMutation({
    mutationFn: (id: string) => consoleApi.patch(`/v1/voucher-templates/${id}`, { status: 'archived' }),
    onSuccess: () => { message.success(t('Done')); qc.invalidateQueries({ queryKey: ['voucher-templates'] }); },
  });
  return (
    <>
      <Button type="primary" icon={<PlusOutlined />} style={{ marginBottom: 12 }} onClick={() => setEditing({ template: null })} data-testid="new-voucher-template">{t('New voucher template')}</Button>
      <ProblemAlert error={archive.error} onClose={archive.reset} />
      <QueryView q={q} isEmpty={(d) => d.length === 0}>
        {(d) => (
          <Table rowKey="id" size="small" dataSource={d} pagination={false} scroll={{ x: true }} columns={[
            { title: t('Name'), dataIndex: 'name' },
            { title: t('Status'), dataIndex: 'status', render: (v) => <StatusTag status={v} /> },
            { title: t('Uses per voucher'), dataIndex: 'usesPerVoucher' },
            { title: t('Valid for'), dataIndex: 'validity', render: (v) => (v.days ? t('{n} days', { n: v.days }) : dateTime(v.until, lang)) },
            { title: t('Valid at'), dataIndex: 'validAt', render: (v) => t(v.scope) },
            { title: t('Face value'), dataIndex: 'faceValue', render: (f) => money(f.amount, f.currency, lang) },
            { title: t('Partner gets per use'), dataIndex: 'settlement', render: (s, x: any) => (s ? `${money(s.amountPerRedemption, x.faceValue.currency, lang)} · ${partners.get(s.partnerId)?.name ?? s.partnerId}` : '—') },
            { title: '', key: 'a', render: (_, x: any) => x.status === 'active' && (
              <Space size={4}>
                <Button size="small" onClick={() => setEditing({ template: x })}>{t('Edit')}</Button>
                <Popconfirm title={t('Archive this template? It issues no more vouchers.')} onConfirm={() => archive.mutate(x.id)}><Button size="small" danger>{t('Archive')}</Button></Popconfirm>
              </Space>
            ) },
          ]} />
        )}
      </QueryView>
      <Drawer open={editing !== null} onClose={() => setEditing(null)} size="large" destroyOnHidden title={editing?.template ? t('Edit voucher template') : t('New voucher template')}>
        {editing && <VoucherTemplateForm template={editing.template} onDone={() => setEditing(null)} />}
      </Drawer>
    </>
  );
}

function Partners() {
  const { t } = useI18n();
  const q = usePartners();
  const [partnerId, setPartnerId] = useState<string>();
  return (
    <QueryView q={q} isEmpty={(d) => d.length === 0} empty={<Typography.Text type="secondary">{t('No partner merchants yet. Add them through the API (POST /v1/partners).')}</Typography.Text>}>
      {(d) => (
        <>
          <Table rowKey="id" size="small" dataSource={d} pagination={false} columns={[
            { title: t('Name'), dataIndex: 'name' },
            { title: t('Contact'), dataIndex: 'contact', render: (c) => [c?.name, c?.email, c?.phone].filter(Boolean).join(' · ') },
            { title: t('Settlement'), dataIndex: 'settlement', render: (s) => `${s.currency} · ${t(s.cycle)} · ${t('{n} days to pay', { n: s.paymentDays })}` },
            { title: '', key: 'st', render: (_, p: any) => <Button size="small" onClick={() => setPartnerId(p.id)}>{t('Statement')}</Button> },
          ]} />
          {partnerId && <Statement partnerId={partnerId} />}
        </>
      )}
    </QueryView>
  );
}

function Statement({ partnerId }: { partnerId: string }) {
  const { t, lang } = useI18n();
  const now = new Date();
  const [range, setRange] = useState<[string, string]>([localDay(new Date(now.getFullYear(), now.getMonth(), 1)), localDay(new Date(now.getFullYear(), now.getMonth() + 1, 1))]);
  const [csvError, setCsvError] = useState<unknown>(null);
  const q = useQuery({ queryKey: ['statement', partnerId, range], queryFn: () => consoleApi.get(`/v1/partners/${partnerId}/statement`, { from: range[0], to: range[1] }) });
  const downloadCsv = async () => {
    setCsvError(null);
    try {
      const res = await fetch(`/v1/partners/${partnerId}/statement?from=${range[0]}&to=${range[1]}&format=csv`, { headers: { authorization: `Bearer ${consoleApi.token}` } });
      if (!res.ok) throw new Error(await res.text());
      const url = URL.createObjectURL(await res.blob());
      Object.assign(document.createElement('a'), { href: url, download: `statement-${range[0]}-${range[1]}.csv` }).click();
      URL.revokeObjectURL(url);
    } catch (err) {
      setCsvError(err);
    }
  };
  return (
    <Card size="small" style={{ marginTop: 16 }} title={t('Statement')} extra={
      <Space>
        <DatePicker.RangePicker size="small" onChange={(_, s) => s[0] && s[1] && setRange([s[0], s[1]])} />
        <Button size="small" onClick={downloadCsv}>CSV</Button>
      </Space>
    }>
      <ProblemAlert error={csvError} />
      <QueryView q={q}>
        {(s: any) => (
          <>
            <Descriptions size="small" column={4}>
              <Descriptions.Item label={t('Redemptions')}>{s.totals.redemptions}</Descriptions.Item>
              <Descriptions.Item label={t('Reversals')}>{s.totals.reversals}</Descriptions.Item>
              <Descriptions.Item label={t('Gross')}>{money(s.totals.gross, s.currency, lang)}</Descriptions.Item>
              <Descriptions.Item label={t('Net owed')}>{money(s.totals.net, s.currency, lang)}</Descriptions.Item>
            </Descriptions>
            <Table rowKey="entryId" size="small" dataSource={s.lines} pagination={{ pageSize: 10 }} columns={[
              { title: t('When'), dataIndex: 'occurredAt', render: (v) => dateTime(v, lang) },
              { title: t('Kind'), dataIndex: 'kind', render: (v) => t(v) },
              { title: t('Store'), dataIndex: 'locationName' },
              { title: t('Amount'), dataIndex: 'amount', align: 'right', render: (v) => money(v, s.currency, lang) },
            ]} />
          </>
        )}
      </QueryView>
    </Card>
  );
}
