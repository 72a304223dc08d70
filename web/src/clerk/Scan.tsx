import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Empty, Input, List, Space, Spin, Tag, Typography } from 'antd';
import { clerkApi } from '../shared/api';
import { ProblemAlert } from '../shared/ui';
import { useI18n } from '../shared/i18n';
import { dateTime, money } from '../shared/format';
import { StatusTag } from '../shared/status';
import { classify, type Scanned } from './codes';
import type { SaleStart } from './ClerkApp';

/** `members`: whether this clerk looks members up; a partner's clerk does not (their stores are not the brand's). */
export function Scan({ storeId, members, onStartSale }: { storeId: string; members: boolean; onStartSale(s: SaleStart): void }) {
  const { t } = useI18n();
  const [value, setValue] = useState('');
  // Each look-up starts afresh, even for the code looked up last.
  const [scanned, setScanned] = useState<{ s: Scanned; n: number }>({ s: { kind: 'empty' }, n: 0 });
  return (
    <div className="clerk-body">
      <Input.Search
        className="clerk-scan"
        size="large"
        autoFocus
        enterButton={t('Look up')}
        placeholder={members ? t('Voucher, pickup or member code') : t('Voucher or pickup code')}
        value={value}
        onChange={(e) => setValue(e.target.value)}
        onSearch={(v) => setScanned({ s: classify(v), n: scanned.n + 1 })}
        data-testid="scan-input"
      />
      <div style={{ marginTop: 12 }} data-testid="scan-result">
        {scanned.s.kind === 'empty' && <Typography.Paragraph type="secondary">{members ? t('Scan or type a code: a voucher (12 characters), a pickup code (6 or 8 digits), or a member phone or email.') : t('Scan or type a code: a voucher (12 characters) or a pickup code (6 or 8 digits).')}</Typography.Paragraph>}
        {scanned.s.kind === 'voucher' && <VoucherCard key={scanned.n} code={scanned.s.code} storeId={storeId} />}
        {scanned.s.kind === 'pickup' && <PickupCard key={scanned.n} code={scanned.s.code} fulfillmentId={scanned.s.fulfillmentId} storeId={storeId} />}
        {!members && (scanned.s.kind === 'memberCode' || scanned.s.kind === 'member') && <Alert type="info" showIcon message={t("Members are looked up at the brand's own stores; here, scan vouchers and pickup codes.")} data-testid="no-members" />}
        {members && scanned.s.kind === 'memberCode' && <MemberCodeCard key={scanned.n} code={scanned.s.code} onStartSale={onStartSale} />}
        {members && scanned.s.kind === 'member' && <MemberCard key={scanned.n} query={scanned.s.query} onStartSale={onStartSale} />}
      </div>
    </div>
  );
}

function VoucherCard({ code, storeId }: { code: string; storeId: string }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const q = useQuery({ queryKey: ['voucher-code', code, storeId], queryFn: () => clerkApi.get(`/v1/vouchers/by-code/${code}`, { locationId: storeId }), retry: false, staleTime: 0, gcTime: 0 });
  const redeem = useMutation({
    mutationFn: () => clerkApi.post('/v1/vouchers/redeem', { code, locationId: storeId }, { idempotent: true }),
    onSuccess: () => { message.success(t('Redeemed')); q.refetch(); },
  });
  const undo = useMutation({
    mutationFn: (id: string) => clerkApi.post(`/v1/voucher-redemptions/${id}/reverse`),
    onSuccess: () => { message.success(t('Redemption undone')); redeem.reset(); q.refetch(); },
  });
  if (q.isPending) return <Spin />;
  if (q.isError) return <ProblemAlert error={q.error} />;
  const { voucher: v, templateName, here } = q.data;
  return (
    <Card size="small" title={<Space><Tag color="magenta">{t('Voucher')}</Tag>{templateName}</Space>}>
      <Descriptions size="small" column={1}>
        <Descriptions.Item label={t('Code')}>{v.code}</Descriptions.Item>
        <Descriptions.Item label={t('Status')}><StatusTag status={v.status} /></Descriptions.Item>
        <Descriptions.Item label={t('Uses left')}>{v.usesLeft} / {v.usesTotal}</Descriptions.Item>
        <Descriptions.Item label={t('Face value')}>{money(v.faceValue.amount, v.faceValue.currency, lang)}</Descriptions.Item>
        <Descriptions.Item label={t('Expires')}>{dateTime(v.expiresAt, lang)}</Descriptions.Item>
      </Descriptions>
      <ProblemAlert error={redeem.error ?? undo.error} />
      {redeem.data ? (
        <Alert type="success" showIcon message={t('Redeemed: {n} uses left', { n: redeem.data.usesLeft })}
          action={<Button size="small" onClick={() => undo.mutate(redeem.data.id)} loading={undo.isPending}>{t('Undo')}</Button>} />
      ) : here?.redeemable ? (
        <Button type="primary" size="large" block onClick={() => redeem.mutate()} loading={redeem.isPending} data-testid="redeem">{t('Redeem one use')}</Button>
      ) : (
        <Alert type="warning" showIcon message={t('Cannot be redeemed here')} description={here?.reason ? t(here.reason) : undefined} />
      )}
    </Card>
  );
}

/** Orders at the store that are waiting for their pickup code, newest first (a clerk sees their stores' orders). */
async function findPickup(storeId: string, code: string, fulfillmentId?: string) {
  const orders = await clerkApi.all('/v1/orders', { locationId: storeId, limit: 100 }, { cursorParam: 'after', max: 500 });
  for (const o of orders)
    for (const f of o.fulfillments)
      if (f.type === 'pickup' && f.locationId === storeId && f.pickupCode === code && (!fulfillmentId || f.id === fulfillmentId)) return { order: o, fulfillment: f };
  return null;
}

function PickupCard({ code, fulfillmentId, storeId }: { code: string; fulfillmentId?: string; storeId: string }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['pickup', storeId, code, fulfillmentId], queryFn: () => findPickup(storeId, code, fulfillmentId), staleTime: 0, gcTime: 0 });
  const act = useMutation({
    mutationFn: ({ path, body }: { path: string; body?: unknown }) => clerkApi.post(path, body, { idempotent: true }),
    onSuccess: () => { message.success(t('Done')); q.refetch(); qc.invalidateQueries({ queryKey: ['today'] }); },
  });
  if (q.isPending) return <Spin />;
  if (q.isError) return <ProblemAlert error={q.error} />;
  if (!q.data) return <Empty description={t('No pickup order with code {code} at this store', { code })} />;
  const { order: o, fulfillment: f } = q.data;
  const lines = o.lines.filter((l: any) => f.lineIds.includes(l.id));
  return (
    <Card size="small" title={<Space><Tag color="blue">{t('Pickup')}</Tag>{o.email ?? o.phone ?? ''}</Space>} extra={<StatusTag status={f.status} />}>
      <List size="small" dataSource={lines} renderItem={(l: any) => <List.Item>{l.quantity} × {l.title} <Typography.Text type="secondary">{l.sku}</Typography.Text></List.Item>} />
      <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>{t('Order')} {o.id.slice(-8)} · {dateTime(o.createdAt, lang)} · {t(o.status)}</Typography.Paragraph>
      <ProblemAlert error={act.error} />
      {['pending', 'held'].includes(f.status) && (
        <Button block size="large" onClick={() => act.mutate({ path: `/v1/fulfillments/${f.id}/ready` })} loading={act.isPending} data-testid="mark-ready">{t('Mark ready for pickup')}</Button>
      )}
      {f.status === 'ready' && (
        <Button type="primary" block size="large" onClick={() => act.mutate({ path: `/v1/fulfillments/${f.id}/pickup`, body: { code } })} loading={act.isPending} data-testid="hand-over">{t('Hand over')}</Button>
      )}
      {f.status === 'picked_up' && <Alert type="success" showIcon message={t('Handed over')} />}
    </Card>
  );
}

function MemberCard({ query, onStartSale }: { query: string; onStartSale(s: SaleStart): void }) {
  const { t } = useI18n();
  const q = useQuery({ queryKey: ['customers', query], queryFn: () => clerkApi.get('/v1/customers', { q: query, limit: 10 }) });
  if (q.isPending) return <Spin />;
  if (q.isError) return <ProblemAlert error={q.error} />;
  if (!q.data.data.length) return <Empty description={t('No member matches “{q}”', { q: query })} />;
  return (
    <List
      bordered
      size="small"
      dataSource={q.data.data}
      renderItem={(c: any) => {
        const label = c.name ?? c.phone ?? c.email ?? c.id;
        return (
          <List.Item actions={[<Button type="primary" key="s" onClick={() => onStartSale({ customerId: c.id, label })}>{t('Start a sale')}</Button>]}>
            <List.Item.Meta title={<Space><Tag color="green">{t('Member')}</Tag>{label}</Space>} description={[c.phone, c.email].filter(Boolean).join(' · ')} />
          </List.Item>
        );
      }}
    />
  );
}

function MemberCodeCard({ code, onStartSale }: { code: string; onStartSale(s: SaleStart): void }) {
  const { t, lang } = useI18n();
  const q = useQuery({
    queryKey: ['member-code', code],
    staleTime: 0,
    gcTime: 0,
    queryFn: async () => {
      const member = await clerkApi.post('/v1/members/resolve-code', { code });
      const customer = await clerkApi.get(`/v1/customers/${member.customerId}`).catch(() => null);
      return { member, customer };
    },
  });
  if (q.isPending) return <Spin />;
  if (q.isError) return <ProblemAlert error={q.error} />;
  const { member: m, customer: c } = q.data;
  const label = c?.name ?? c?.phone ?? c?.email ?? m.customerId;
  return (
    <Card size="small" title={<Space><Tag color="green">{t('Member')}</Tag>{label}</Space>} extra={m.tier && <Tag color="gold">{m.tier.name}</Tag>}>
      <Descriptions size="small" column={1}>
        <Descriptions.Item label={t('Points')}>{m.balance}{m.frozen > 0 && ` (+${m.frozen} ${t('pending')})`}</Descriptions.Item>
        {m.nextTier && <Descriptions.Item label={t('Next tier')}>{t('{amount} more to {tier}', { amount: money(m.nextTier.amountToGo, 'CNY', lang), tier: m.nextTier.name })}</Descriptions.Item>}
      </Descriptions>
      <Button type="primary" block size="large" onClick={() => onStartSale({ customerId: m.customerId, label, pass: m.pass.token })} data-testid="start-sale">{t('Start a sale')}</Button>
    </Card>
  );
}
