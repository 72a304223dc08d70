import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Descriptions, Drawer, Input, InputNumber, Popconfirm, Select, Space, Table, Typography } from 'antd';
import { consoleApi } from '../shared/api';
import { ProblemAlert, QueryView } from '../shared/ui';
import { useI18n } from '../shared/i18n';
import { dateTime, money, toMinor } from '../shared/format';
import { StatusTag } from '../shared/status';
import { byId, useChannels, useLocations } from '../shared/lookups';

const STATUSES = ['reserved', 'pending_payment', 'paid', 'partially_fulfilled', 'fulfilled', 'completed', 'partially_refunded', 'refunded', 'cancelled'];

export default function Orders() {
  const { t, lang } = useI18n();
  const [filters, setFilters] = useState<{ channelId?: string; locationId?: string; status?: string }>({});
  const [pages, setPages] = useState<string[]>([]);
  const [open, setOpen] = useState<any>(null);
  const channels = useChannels(consoleApi);
  const locations = useLocations(consoleApi);
  const chById = byId(channels.data);
  const q = useQuery({ queryKey: ['orders', filters, pages.at(-1)], queryFn: () => consoleApi.get('/v1/orders', { ...filters, limit: 25, after: pages.at(-1) }) });
  const set = (k: string, v?: string) => { setFilters({ ...filters, [k]: v }); setPages([]); };
  return (
    <>
      <Typography.Title level={3}>{t('Orders')}</Typography.Title>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select allowClear placeholder={t('Channel')} style={{ width: 200 }} onChange={(v) => set('channelId', v)} options={(channels.data ?? []).map((c) => ({ value: c.id, label: c.name }))} />
        <Select allowClear placeholder={t('Store')} style={{ width: 200 }} onChange={(v) => set('locationId', v)} options={(locations.data ?? []).map((l) => ({ value: l.id, label: l.name }))} />
        <Select allowClear placeholder={t('Status')} style={{ width: 180 }} onChange={(v) => set('status', v)} options={STATUSES.map((s) => ({ value: s, label: t(s) }))} />
      </Space>
      <QueryView q={q}>
        {(d: any) => (
          <Table
            rowKey="id"
            size="small"
            dataSource={d.data}
            pagination={false}
            onRow={(o: any) => ({ onClick: () => setOpen(o), style: { cursor: 'pointer' } })}
            columns={[
              { title: t('Order'), dataIndex: 'id', render: (v) => <Typography.Text code>{v.slice(-8)}</Typography.Text> },
              { title: t('Placed'), dataIndex: 'createdAt', render: (v) => dateTime(v, lang) },
              { title: t('Channel'), dataIndex: 'channelId', render: (v) => chById.get(v)?.name ?? v },
              { title: t('Customer'), key: 'who', render: (_, o: any) => o.email ?? o.phone ?? o.customerId ?? '—' },
              { title: t('Fulfilment'), dataIndex: 'fulfillments', render: (fs: any[]) => <Space size={4} wrap>{fs.map((f) => <span key={f.id}>{t(f.type)} <StatusTag status={f.status} /></span>)}</Space> },
              { title: t('Status'), dataIndex: 'status', render: (v) => <StatusTag status={v} /> },
              { title: t('Total'), dataIndex: 'grandTotal', align: 'right', render: (v, o: any) => money(v, o.currency, lang) },
            ]}
            footer={() => (
              <Space>
                {pages.length > 0 && <a onClick={() => setPages(pages.slice(0, -1))}>{t('Previous')}</a>}
                {d.nextCursor && <a onClick={() => setPages([...pages, d.nextCursor])}>{t('Next')}</a>}
              </Space>
            )}
          />
        )}
      </QueryView>
      <Drawer open={Boolean(open)} onClose={() => setOpen(null)} width={720} title={t('Order')} destroyOnHidden>
        {open && <OrderDetail order={open} />}
      </Drawer>
    </>
  );
}

function OrderDetail({ order }: { order: any }) {
  const id = order.id;
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const locById = byId(useLocations(consoleApi).data);
  // The list row is the whole order; actions below replace it with the server's answer.
  const q = useQuery({ queryKey: ['order', id], queryFn: () => consoleApi.get(`/v1/orders/${id}`), initialData: order, staleTime: Infinity });
  const [refund, setRefund] = useState<number | null>(null);
  const [reason, setReason] = useState('');
  const act = useMutation({
    mutationFn: ({ path, body }: { path: string; body?: unknown }) => consoleApi.post(path, body, { idempotent: true }),
    onSuccess: (o) => {
      qc.setQueryData(['order', id], o);
      qc.invalidateQueries({ queryKey: ['orders'] });
      message.success(t('Done'));
    },
  });
  return (
    <QueryView q={q}>
      {(o: any) => (
        <>
          <ProblemAlert error={act.error} onClose={act.reset} />
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('Order')}>{o.id}</Descriptions.Item>
            <Descriptions.Item label={t('Status')}><StatusTag status={o.status} /></Descriptions.Item>
            <Descriptions.Item label={t('Placed')}>{dateTime(o.createdAt, lang)}</Descriptions.Item>
            <Descriptions.Item label={t('Customer')}>{o.email ?? o.phone ?? o.customerId ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('Total')}>{money(o.grandTotal, o.currency, lang)}</Descriptions.Item>
            <Descriptions.Item label={t('Paid')}>{money(o.paidAmount, o.currency, lang)} {o.paymentMethod && `(${t(o.paymentMethod)})`}</Descriptions.Item>
            <Descriptions.Item label={t('Refunded')}>{money(o.refundedAmount, o.currency, lang)}</Descriptions.Item>
            <Descriptions.Item label={t('Discounts')}>{money(o.discountTotal, o.currency, lang)}</Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5} style={{ marginTop: 16 }}>{t('Lines')}</Typography.Title>
          <Table rowKey="id" size="small" pagination={false} dataSource={o.lines} columns={[
            { title: t('Item'), dataIndex: 'title' },
            { title: 'SKU', dataIndex: 'sku' },
            { title: t('Qty'), dataIndex: 'quantity', align: 'right' },
            { title: t('Returned'), dataIndex: 'returnedQuantity', align: 'right' },
            { title: t('Total'), dataIndex: 'total', align: 'right', render: (v) => money(v, o.currency, lang) },
          ]} />
          <Typography.Title level={5} style={{ marginTop: 16 }}>{t('Fulfilments')}</Typography.Title>
          <Table rowKey="id" size="small" pagination={false} dataSource={o.fulfillments} columns={[
            { title: t('Type'), dataIndex: 'type', render: (v) => t(v) },
            { title: t('Where'), dataIndex: 'locationId', render: (v) => (v ? (locById.get(v)?.name ?? v) : '—') },
            { title: t('Status'), dataIndex: 'status', render: (v) => <StatusTag status={v} /> },
            { title: t('Pickup code'), dataIndex: 'pickupCode' },
            { title: '', key: 'act', render: (_, f: any) => (
              <Space>
                {f.type === 'pickup' && ['pending', 'held'].includes(f.status) && <Button size="small" onClick={() => act.mutate({ path: `/v1/fulfillments/${f.id}/ready` })}>{t('Mark ready')}</Button>}
                {['delivery', 'ship_from_store'].includes(f.type) && ['pending', 'held'].includes(f.status) && <Button size="small" onClick={() => act.mutate({ path: `/v1/fulfillments/${f.id}/ship`, body: {} })}>{t('Mark shipped')}</Button>}
                {f.status === 'shipped' && <Button size="small" onClick={() => act.mutate({ path: `/v1/fulfillments/${f.id}/deliver` })}>{t('Mark delivered')}</Button>}
              </Space>
            ) },
          ]} />
          <Space style={{ marginTop: 16 }} wrap>
            {!['cancelled', 'completed', 'fulfilled', 'refunded'].includes(o.status) && (
              <Popconfirm title={t('Cancel this order? Stock is released and payments refunded.')} onConfirm={() => act.mutate({ path: `/v1/orders/${o.id}/cancel`, body: { reason: 'cancelled in console' } })}>
                <Button danger>{t('Cancel order')}</Button>
              </Popconfirm>
            )}
            {o.paidAmount > o.refundedAmount && (
              <>
                <InputNumber min={0.01} step={1} placeholder={t('Amount')} value={refund} onChange={setRefund} />
                <Input placeholder={t('Reason')} value={reason} onChange={(e) => setReason(e.target.value)} style={{ width: 180 }} />
                <Button disabled={!refund || !reason} onClick={() => act.mutate({ path: `/v1/orders/${o.id}/refunds`, body: { amount: toMinor(refund!, o.currency), reason } })}>{t('Refund')}</Button>
              </>
            )}
          </Space>
        </>
      )}
    </QueryView>
  );
}
