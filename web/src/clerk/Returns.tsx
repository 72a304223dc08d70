import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Input, InputNumber, List, Typography } from 'antd';
import { clerkApi } from '../shared/api';
import { ProblemAlert } from '../shared/ui';
import { useI18n } from '../shared/i18n';
import { money } from '../shared/format';
import { StatusTag } from '../shared/status';

/** Goods brought back to this store: restocked here and refunded to the original payment. */
export function Returns({ storeId }: { storeId: string }) {
  const { t, lang } = useI18n();
  const [orderId, setOrderId] = useState('');
  const [qty, setQty] = useState<Record<string, number>>({});
  const [reason, setReason] = useState('');
  const q = useQuery({ queryKey: ['return-order', orderId], enabled: Boolean(orderId), retry: false, queryFn: () => clerkApi.get(`/v1/orders/${orderId}`) });
  const ret = useMutation({
    mutationFn: () => clerkApi.post(`/v1/orders/${orderId}/returns`, {
      locationId: storeId,
      reason: reason || 'returned in store',
      lines: Object.entries(qty).filter(([, n]) => n > 0).map(([orderLineId, quantity]) => ({ orderLineId, quantity })),
    }, { idempotent: true }),
    onSuccess: () => { setQty({}); q.refetch(); },
  });
  // Recent orders handed over here, to pick from when the shopper has no order number at hand.
  const recent = useQuery({
    queryKey: ['recent-orders', storeId],
    enabled: !orderId,
    queryFn: async () => (await clerkApi.get('/v1/orders', { locationId: storeId, limit: 20 })).data.filter((x: any) => ['fulfilled', 'completed', 'partially_refunded'].includes(x.status)),
  });
  const o = q.data;
  return (
    <div className="clerk-body">
      <Input.Search size="large" placeholder={t('Order number')} enterButton={t('Find')} onSearch={(v) => { setOrderId(v.trim()); ret.reset(); setQty({}); }} data-testid="return-order" />
      {!orderId && recent.data && recent.data.length > 0 && (
        <List size="small" style={{ marginTop: 12 }} header={t('Recent orders at this store')} dataSource={recent.data} renderItem={(r: any) => (
          <List.Item onClick={() => setOrderId(r.id)} style={{ cursor: 'pointer' }}>
            <span>{r.id.slice(-8)} · {r.lines.map((l: any) => l.title).join(', ')}</span>
            <span style={{ whiteSpace: 'nowrap' }}>{money(r.grandTotal, r.currency, lang)}</span>
          </List.Item>
        )} />
      )}
      {orderId && <Button type="link" style={{ padding: 0 }} onClick={() => { setOrderId(''); ret.reset(); setQty({}); }}>{t('Back')}</Button>}
      {q.isError && <div style={{ marginTop: 12 }}><ProblemAlert error={q.error} /></div>}
      {o && (
        <div style={{ marginTop: 12 }}>
          <Typography.Paragraph>{t('Order')} {o.id.slice(-8)} <StatusTag status={o.status} /> {money(o.grandTotal, o.currency, lang)}</Typography.Paragraph>
          <List size="small" bordered dataSource={o.lines} renderItem={(l: any) => {
            const left = l.quantity - l.returnedQuantity;
            return (
              <List.Item actions={[<InputNumber key="q" size="small" min={0} max={left} disabled={!left} value={qty[l.id] ?? 0} onChange={(n) => setQty({ ...qty, [l.id]: n ?? 0 })} style={{ width: 64 }} />]}>
                <List.Item.Meta title={l.title} description={`${l.sku} · ${t('{n} of {m} can be returned', { n: left, m: l.quantity })} · ${money(l.total, o.currency, lang)}`} />
              </List.Item>
            );
          }} />
          <Input placeholder={t('Reason')} value={reason} onChange={(e) => setReason(e.target.value)} style={{ marginTop: 8 }} />
          <ProblemAlert error={ret.error} />
          {ret.data && <Alert type="success" showIcon style={{ marginTop: 8 }} message={t('Returned; refunded {amount}', { amount: money(ret.data.refunded ?? 0, o.currency, lang) })} />}
          <Button type="primary" block size="large" style={{ marginTop: 8 }} disabled={!Object.values(qty).some((n) => n > 0)} loading={ret.isPending} onClick={() => ret.mutate()}>{t('Take back and refund')}</Button>
        </div>
      )}
    </div>
  );
}
