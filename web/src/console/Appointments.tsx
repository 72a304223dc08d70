import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { DatePicker, Select, Space, Table, Typography } from 'antd';
import { consoleApi } from '../shared/api';
import { QueryView } from '../shared/ui';
import { useI18n } from '../shared/i18n';
import { localDay, money, time } from '../shared/format';
import { StatusTag } from '../shared/status';
import { byId, useLocations } from '../shared/lookups';
import { AppointmentActions } from '../shared/AppointmentActions';

export default function Appointments() {
  const { t, lang } = useI18n();
  const locations = useLocations(consoleApi);
  const stores = (locations.data ?? []).filter((l) => l.kind === 'store');
  const [locationId, setLocationId] = useState<string>();
  const [date, setDate] = useState(localDay(new Date()));
  const current = locationId ?? stores[0]?.id;
  const services = useQuery({ queryKey: ['appointment-services'], queryFn: async () => (await consoleApi.get('/v1/appointment-services')).data as any[] });
  const svcById = byId(services.data);
  const q = useQuery({ queryKey: ['appointments', current, date], enabled: Boolean(current), queryFn: () => consoleApi.get('/v1/appointments', { locationId: current, date }) });
  return (
    <>
      <Typography.Title level={3}>{t('Appointments')}</Typography.Title>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select style={{ width: 220 }} value={current} onChange={setLocationId} options={stores.map((s) => ({ value: s.id, label: s.name }))} />
        <DatePicker onChange={(_, s) => typeof s === 'string' && s && setDate(s)} />
      </Space>
      <QueryView q={q} isEmpty={(d: any) => d.data.length === 0} empty={<Typography.Text type="secondary">{t('No appointments on {date}', { date })}</Typography.Text>}>
        {(d: any) => (
          <Table rowKey="id" size="small" dataSource={d.data} pagination={false} columns={[
            { title: t('Time'), dataIndex: 'start', render: (v, a: any) => `${time(v, lang, a.timezone)}–${time(a.end, lang, a.timezone)}` },
            { title: t('Service'), dataIndex: 'serviceId', render: (v) => svcById.get(v)?.name ?? v },
            { title: t('Customer'), key: 'who', render: (_, a: any) => a.contact?.name ?? a.contact?.phone ?? a.customerId ?? '—' },
            { title: t('Status'), dataIndex: 'status', render: (v) => <StatusTag status={v} /> },
            { title: '', key: 'act', render: (_, a: any) => <AppointmentActions api={consoleApi} appointment={a} /> },
          ]} />
        )}
      </QueryView>
      <Typography.Title level={4} style={{ marginTop: 24 }}>{t('Bookable services')}</Typography.Title>
      <QueryView q={services} isEmpty={(d) => d.length === 0}>
        {(d) => (
          <Table rowKey="id" size="small" dataSource={d} pagination={false} columns={[
            { title: t('Name'), dataIndex: 'name' },
            { title: t('Kind'), dataIndex: 'kind', render: (v) => t(v) },
            { title: t('Minutes'), dataIndex: 'durationMinutes' },
            { title: t('Places per slot'), dataIndex: 'capacity' },
            { title: t('Price'), dataIndex: 'price', render: (p) => (p ? money(p.amount, p.currency, lang) : '—') },
            { title: t('Stores'), dataIndex: 'locations', render: (ls: any[]) => ls?.length ?? 0 },
          ]} />
        )}
      </QueryView>
    </>
  );
}
