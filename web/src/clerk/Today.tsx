import { useMutation, useQuery } from '@tanstack/react-query';
import { App, Button, Card, Empty, List, Space, Tag, Typography } from 'antd';
import { clerkApi } from '../shared/api';
import { ProblemAlert, QueryView } from '../shared/ui';
import { useI18n } from '../shared/i18n';
import { time } from '../shared/format';
import { StatusTag } from '../shared/status';
import { AppointmentActions } from '../shared/AppointmentActions';

const WAITING = ['pending', 'held', 'ready'];

export function Today({ storeId }: { storeId: string }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const pickups = useQuery({
    queryKey: ['today', 'pickups', storeId],
    queryFn: async () => {
      const orders = await clerkApi.all('/v1/orders', { locationId: storeId, limit: 100 }, { cursorParam: 'after', max: 500 });
      return orders.flatMap((o: any) => o.fulfillments.filter((f: any) => f.type === 'pickup' && f.locationId === storeId && WAITING.includes(f.status)).map((f: any) => ({ order: o, f })));
    },
  });
  const appointments = useQuery({ queryKey: ['appointments', storeId, 'today'], queryFn: () => clerkApi.get('/v1/appointments', { locationId: storeId }) });
  const services = useQuery({ queryKey: ['appointment-services', storeId], queryFn: async () => (await clerkApi.get('/v1/appointment-services', { locationId: storeId })).data as any[] });
  const ready = useMutation({
    mutationFn: (id: string) => clerkApi.post(`/v1/fulfillments/${id}/ready`),
    onSuccess: () => { message.success(t('Done')); pickups.refetch(); },
  });
  return (
    <div className="clerk-body">
      <Card size="small" title={t('Pickups waiting')} style={{ marginBottom: 12 }}>
        <ProblemAlert error={ready.error} />
        <QueryView q={pickups} isEmpty={(d) => d.length === 0} empty={<Empty description={t('No pickups waiting')} />}>
          {(d) => (
            <List size="small" dataSource={d} data-testid="pickups" renderItem={({ order, f }: any) => (
              <List.Item actions={['pending', 'held'].includes(f.status) ? [<Button key="r" size="small" onClick={() => ready.mutate(f.id)}>{t('Ready')}</Button>] : []}>
                <List.Item.Meta
                  title={<Space><Typography.Text code>{f.pickupCode}</Typography.Text><StatusTag status={f.status} /></Space>}
                  description={`${order.email ?? order.phone ?? ''} · ${order.lines.filter((l: any) => f.lineIds.includes(l.id)).map((l: any) => `${l.quantity}× ${l.title}`).join(', ')}`}
                />
              </List.Item>
            )} />
          )}
        </QueryView>
      </Card>
      <Card size="small" title={t('Appointments today')}>
        <QueryView q={appointments} isEmpty={(d: any) => d.data.length === 0} empty={<Empty description={t('No appointments today')} />}>
          {(d: any) => (
            <List size="small" dataSource={d.data} renderItem={(a: any) => (
              <List.Item>
                <div style={{ width: '100%' }}>
                  <Space wrap>
                    <Tag>{time(a.start, lang, a.timezone)}</Tag>
                    <span>{services.data?.find((s) => s.id === a.serviceId)?.name ?? ''}</span>
                    <span>{a.contact?.name ?? a.contact?.phone ?? ''}</span>
                    <StatusTag status={a.status} />
                  </Space>
                  <div style={{ marginTop: 4 }}><AppointmentActions api={clerkApi} appointment={a} /></div>
                </div>
              </List.Item>
            )} />
          )}
        </QueryView>
      </Card>
    </div>
  );
}
