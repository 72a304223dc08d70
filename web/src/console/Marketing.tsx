import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Table, Tabs, Tag, Typography } from 'antd';
import { consoleApi } from '../shared/api';
import { ProblemAlert, QueryView } from '../shared/ui';
import { useI18n } from '../shared/i18n';
import { dateTime, money } from '../shared/format';
import { StatusTag } from '../shared/status';

/** Promotions, coupons and the loyalty programme as they stand; they are set up through the API. */
export default function Marketing() {
  const { t } = useI18n();
  return (
    <>
      <Typography.Title level={3}>{t('Marketing')}</Typography.Title>
      <Tabs items={[
        { key: 'promotions', label: t('Promotions'), children: <Promotions /> },
        { key: 'coupons', label: t('Coupons'), children: <Coupons /> },
        { key: 'loyalty', label: t('Loyalty'), children: <Loyalty /> },
      ]} />
    </>
  );
}

function ruleText(rule: any, currency: string, lang: any, t: (s: string, v?: any) => string): string {
  switch (rule.type) {
    case 'percentage': return t('{n}% off', { n: rule.percent });
    case 'fixed': return t('{amount} off', { amount: money(rule.amount, currency, lang) });
    case 'free_shipping': return t('free shipping');
    case 'gift': return t('gift');
    default: return t(rule.type);
  }
}

function Promotions() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['promotions'], queryFn: async () => (await consoleApi.get('/v1/promotions')).data as any[] });
  const act = useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'activate' | 'deactivate' }) => consoleApi.post(`/v1/promotions/${id}/${action}`),
    onSuccess: () => { message.success(t('Done')); qc.invalidateQueries({ queryKey: ['promotions'] }); },
  });
  return (
    <>
      <ProblemAlert error={act.error} onClose={act.reset} />
      <QueryView q={q} isEmpty={(d) => d.length === 0} empty={<Typography.Text type="secondary">{t('No promotions yet. Create them through the API (POST /v1/promotions).')}</Typography.Text>}>
        {(d) => (
          <Table rowKey="id" size="small" dataSource={d} pagination={{ pageSize: 20 }} columns={[
            { title: t('Name'), dataIndex: 'name' },
            { title: t('Rule'), dataIndex: 'rule', render: (r, p: any) => ruleText(r, p.currency, lang, t) },
            { title: t('Trigger'), dataIndex: 'trigger', render: (v) => <Tag>{t(v)}</Tag> },
            { title: t('Status'), dataIndex: 'status', render: (v) => <StatusTag status={v} /> },
            { title: t('Runs'), key: 'when', render: (_, p: any) => `${dateTime(p.startsAt, lang)} → ${dateTime(p.endsAt, lang)}` },
            { title: t('Used'), dataIndex: 'used', align: 'right' },
            { title: t('Discount given'), dataIndex: 'spent', align: 'right', render: (v, p: any) => money(v, p.currency, lang) },
            { title: '', key: 'a', render: (_, p: any) => (
              p.status === 'active' ? <Button size="small" onClick={() => act.mutate({ id: p.id, action: 'deactivate' })}>{t('Stop')}</Button>
                : ['draft', 'inactive'].includes(p.status) ? <Button size="small" type="primary" onClick={() => act.mutate({ id: p.id, action: 'activate' })}>{t('Start')}</Button> : null
            ) },
          ]} />
        )}
      </QueryView>
    </>
  );
}

function Coupons() {
  const { t, lang } = useI18n();
  const q = useQuery({ queryKey: ['coupon-templates'], queryFn: async () => (await consoleApi.get('/v1/coupon-templates')).data as any[] });
  return (
    <QueryView q={q} isEmpty={(d) => d.length === 0} empty={<Typography.Text type="secondary">{t('No coupons yet. Create them through the API (POST /v1/coupon-templates).')}</Typography.Text>}>
      {(d) => (
        <Table rowKey="id" size="small" dataSource={d} pagination={{ pageSize: 20 }} expandable={{ expandedRowRender: (c: any) => <Batches templateId={c.id} />, rowExpandable: (c: any) => c.kind === 'unique_codes' }} columns={[
          { title: t('Name'), dataIndex: 'name' },
          { title: t('Kind'), dataIndex: 'kind', render: (v) => <Tag>{t(v)}</Tag> },
          { title: t('Code'), dataIndex: 'code', render: (v) => (v ? <Typography.Text code>{v}</Typography.Text> : '—') },
          { title: t('Status'), dataIndex: 'status', render: (v) => <StatusTag status={v} /> },
          { title: t('Valid'), dataIndex: 'validity', render: (v) => (v.daysAfterClaim ? t('{n} days after claiming', { n: v.daysAfterClaim }) : `${dateTime(v.from, lang)} → ${dateTime(v.until, lang)}`) },
          { title: t('Issued'), dataIndex: 'issued', align: 'right' },
        ]} />
      )}
    </QueryView>
  );
}

function Batches({ templateId }: { templateId: string }) {
  const { t, lang } = useI18n();
  const q = useQuery({ queryKey: ['coupon-batches', templateId], queryFn: async () => (await consoleApi.get(`/v1/coupon-templates/${templateId}/batches`)).data as any[] });
  const download = async (id: string) => {
    const res = await fetch(`/v1/coupon-batches/${id}/codes.csv`, { headers: { authorization: `Bearer ${consoleApi.token}` } });
    const url = URL.createObjectURL(await res.blob());
    Object.assign(document.createElement('a'), { href: url, download: `coupon-codes-${id}.csv` }).click();
    URL.revokeObjectURL(url);
  };
  return (
    <QueryView q={q} isEmpty={(d) => d.length === 0}>
      {(d) => (
        <Table rowKey="id" size="small" dataSource={d} pagination={false} columns={[
          { title: t('Created'), dataIndex: 'createdAt', render: (v) => dateTime(v, lang) },
          { title: t('Codes'), dataIndex: 'count', align: 'right' },
          { title: '', key: 'csv', render: (_, b: any) => <Button size="small" onClick={() => download(b.id)}>CSV</Button> },
        ]} />
      )}
    </QueryView>
  );
}

function Loyalty() {
  const { t, lang } = useI18n();
  const tiers = useQuery({ queryKey: ['tiers'], queryFn: async () => (await consoleApi.get('/v1/loyalty/tiers')).data as any[] });
  const rules = useQuery({ queryKey: ['earn-rules'], queryFn: async () => (await consoleApi.get('/v1/loyalty/earn-rules')).data as any[] });
  const rewards = useQuery({ queryKey: ['rewards'], queryFn: async () => (await consoleApi.get('/v1/loyalty/rewards')).data as any[] });
  return (
    <>
      <Typography.Title level={5}>{t('Tiers')}</Typography.Title>
      <QueryView q={tiers} isEmpty={(d) => d.length === 0}>
        {(d) => (
          <Table rowKey="id" size="small" dataSource={d} pagination={false} columns={[
            { title: t('Name'), dataIndex: 'name' },
            { title: t('Spend to reach'), dataIndex: 'minSpend', render: (v) => money(v, 'CNY', lang) },
            { title: t('Points rate'), dataIndex: 'multiplierPct', render: (v) => `${v / 100}×` },
            { title: t('Free shipping'), dataIndex: 'freeShipping', render: (v) => (v ? t('yes') : t('no')) },
            { title: t('Member prices'), dataIndex: 'memberPrice', render: (v) => (v ? t('yes') : t('no')) },
          ]} />
        )}
      </QueryView>
      <Typography.Title level={5} style={{ marginTop: 16 }}>{t('Earn rules')}</Typography.Title>
      <QueryView q={rules} isEmpty={(d) => d.length === 0}>
        {(d) => (
          <Table rowKey="id" size="small" dataSource={d} pagination={false} columns={[
            { title: t('Name'), dataIndex: 'name' },
            { title: t('Channel'), dataIndex: 'channelKind', render: (v) => (v ? t(v) : t('every other channel')) },
            { title: t('Earns'), key: 'rate', render: (_, r: any) => t('{p} points per {amount}', { p: r.pointsPerUnit, amount: money(r.unitAmount, 'CNY', lang) }) },
          ]} />
        )}
      </QueryView>
      <Typography.Title level={5} style={{ marginTop: 16 }}>{t('Points mall')}</Typography.Title>
      <QueryView q={rewards} isEmpty={(d) => d.length === 0}>
        {(d) => (
          <Table rowKey="id" size="small" dataSource={d} pagination={false} columns={[
            { title: t('Name'), dataIndex: 'name' },
            { title: t('Points'), dataIndex: 'points', align: 'right' },
            { title: t('Active'), dataIndex: 'active', render: (v) => (v ? t('yes') : t('no')) },
          ]} />
        )}
      </QueryView>
    </>
  );
}
