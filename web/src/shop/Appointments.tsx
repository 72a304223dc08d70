import { useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Empty, Input, Popconfirm, Radio, Space, Spin, Typography } from 'antd';
import { CalendarOutlined, EnvironmentOutlined } from '@ant-design/icons';
import { Link, useNavigate } from 'react-router';
import { shopperApi } from '../shared/api';
import { ProblemAlert, QueryView } from '../shared/ui';
import { useI18n, type Lang } from '../shared/i18n';
import { money } from '../shared/format';
import { StatusTag } from '../shared/status';
import { useShop } from './shop-context';
import { currentPosition } from './geo';
import './appointments.css';

/**
 * Appointments in the member centre: book a service at a store (nearest stores first when the
 * browser says where the shopper is), and move or cancel what is booked. Every time is shown in the
 * store's own time zone, as the store will keep it.
 */

/** How many days ahead the day picker offers (the service's horizon may be shorter). */
const DAYS_SHOWN = 14;

/** YYYY-MM-DD at `timeZone` today. */
function todayIn(timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** "Mon 3" for a local date (its own calendar day, whatever the browser's zone). */
function dayLabel(date: string, lang: Lang): { weekday: string; day: string } {
  const at = new Date(`${date}T12:00:00Z`);
  return {
    weekday: new Intl.DateTimeFormat(lang, { weekday: 'short', timeZone: 'UTC' }).format(at),
    day: new Intl.DateTimeFormat(lang, { month: 'numeric', day: 'numeric', timeZone: 'UTC' }).format(at),
  };
}

function storeTime(iso: string, lang: Lang, timeZone: string, withDate = true): string {
  return new Intl.DateTimeFormat(lang, { ...(withDate ? { dateStyle: 'medium' } : {}), timeStyle: 'short', timeZone }).format(new Date(iso));
}

/** Stores and services, for names; the storefront key reads them. */
function useAppointmentCatalog() {
  const shop = useShop();
  const services = useQuery({ queryKey: ['shop-appointment-services'], queryFn: async () => (await shopperApi.get('/v1/appointment-services', { active: 'true' }, { token: shop.key })).data as any[] });
  const stores = useQuery({ queryKey: ['shop-stores'], queryFn: async () => (await shopperApi.get('/v1/locations', { kind: 'store', limit: 100 }, { token: shop.key })).data as any[] });
  return { services: services.data ?? [], stores: stores.data ?? [] };
}

/** The day strip and the free times of a service at a store on the chosen day. */
function SlotPicker({ locationId, service, timeZone, value, onChange, current }: { locationId: string; service: any; timeZone: string; value: string | null; onChange(start: string | null): void; current?: string }) {
  const { t, lang } = useI18n();
  const first = todayIn(timeZone);
  const days = Array.from({ length: Math.min(DAYS_SHOWN, service.horizonDays + 1) }, (_, i) => addDays(first, i));
  const [date, setDate] = useState(first);
  const slots = useQuery({
    queryKey: ['slots', locationId, service.id, date],
    queryFn: () => shopperApi.get(`/v1/stores/${locationId}/appointment-slots`, { serviceId: service.id, date }),
  });
  return (
    <>
      <div className="day-strip" data-testid="appt-days">
        {days.map((d) => {
          const l = dayLabel(d, lang);
          return (
            <Button key={d} type={d === date ? 'primary' : 'default'} onClick={() => { setDate(d); onChange(null); }} data-testid="appt-day">
              <span className="day-strip-weekday">{d === first ? t('Today') : l.weekday}</span>
              <span>{l.day}</span>
            </Button>
          );
        })}
      </div>
      <QueryView q={slots} isEmpty={(s: any) => !s.slots.some((x: any) => x.remaining > 0)} empty={<Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('No free times on this day')} />}>
        {(s: any) => (
          <div className="slot-grid">
            {s.slots.map((x: any) => (
              <Button key={x.start} disabled={x.remaining === 0 || (current !== undefined && Date.parse(x.start) === Date.parse(current))} type={value === x.start ? 'primary' : 'default'} onClick={() => onChange(x.start)} data-testid="appt-slot">
                {storeTime(x.start, lang, s.timezone, false)}
              </Button>
            ))}
          </div>
        )}
      </QueryView>
    </>
  );
}

/** Stores that take appointments: by distance when the browser gives a position, else by name. */
function useAppointmentStores() {
  const shop = useShop();
  return useQuery({
    queryKey: ['appointment-stores'],
    queryFn: async () => {
      const where = await currentPosition();
      const stores: any[] = (await shopperApi.get('/v1/stores/nearby', { lat: where.lat, lng: where.lng, service: 'appointments', limit: 50 }, { token: shop.key })).data;
      return { exact: where.exact, stores: where.exact ? stores : [...stores].sort((a, b) => a.name.localeCompare(b.name)) };
    },
  });
}

/** The booking steps: store, service, day and time, then confirm. Needs a signed-in shopper. */
export function BookAppointment() {
  const { t, lang } = useI18n();
  const shop = useShop();
  const nav = useNavigate();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const stores = useAppointmentStores();
  const [storeId, setStoreId] = useState<string | null>(null);
  const [serviceId, setServiceId] = useState<string | null>(null);
  const [start, setStart] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const store = stores.data?.stores.find((s) => s.id === storeId);
  const services = useQuery({
    queryKey: ['shop-appointment-services', storeId],
    enabled: Boolean(storeId),
    queryFn: async () => (await shopperApi.get('/v1/appointment-services', { locationId: storeId, active: 'true' }, { token: shop.key })).data as any[],
  });
  const service = services.data?.find((s) => s.id === serviceId);
  const book = useMutation({
    mutationFn: () => shopperApi.post('/v1/shopper/appointments', { serviceId, locationId: storeId, start, ...(note.trim() ? { note: note.trim() } : {}) }),
    onSuccess: () => {
      message.success(t('Booked'));
      qc.invalidateQueries({ queryKey: ['my-appointments'] });
      qc.invalidateQueries({ queryKey: ['slots'] });
      nav('/shop/me?section=Appointments');
    },
    // A slot taken meanwhile: the times are fetched again so the shopper sees what is left.
    onError: () => qc.invalidateQueries({ queryKey: ['slots'] }),
  });
  return (
    <>
      <Typography.Title level={4} style={{ marginTop: 0 }}><CalendarOutlined /> {t('Book an appointment')}</Typography.Title>
      <Card size="small" title={<><EnvironmentOutlined /> {t('Store')}</>} style={{ marginBottom: 12 }}>
        <QueryView q={stores} isEmpty={(d) => d.stores.length === 0} empty={<Empty description={t('No store takes appointments yet')} />}>
          {(d) => (
            <>
              {!d.exact && <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>{t('Location unavailable: all stores that take appointments, by name.')}</Typography.Paragraph>}
              <Radio.Group value={storeId} onChange={(e) => { setStoreId(e.target.value); setServiceId(null); setStart(null); }} style={{ width: '100%' }}>
                <Space direction="vertical" style={{ width: '100%' }}>
                  {d.stores.map((s) => (
                    <Radio key={s.id} value={s.id}>
                      <span data-testid="appt-store">{s.name}</span>
                      <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
                        {d.exact ? `${(s.distanceM / 1000).toFixed(1)} km · ` : ''}{s.address?.line1}
                      </Typography.Text>
                    </Radio>
                  ))}
                </Space>
              </Radio.Group>
            </>
          )}
        </QueryView>
      </Card>
      {storeId && (
        <Card size="small" title={t('Service')} style={{ marginBottom: 12 }}>
          <QueryView q={services} isEmpty={(d) => d.length === 0} empty={<Empty description={t('This store offers no bookable service now')} />}>
            {(d) => (
              <Radio.Group value={serviceId} onChange={(e) => { setServiceId(e.target.value); setStart(null); }} style={{ width: '100%' }}>
                <Space direction="vertical" style={{ width: '100%' }}>
                  {d.map((s) => (
                    <Radio key={s.id} value={s.id}>
                      <span data-testid="appt-service">{s.name}</span>
                      <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
                        {t('{n} min', { n: s.durationMinutes })} · {s.price ? money(s.price.amount, s.price.currency, lang) : t('Free')}
                      </Typography.Text>
                    </Radio>
                  ))}
                </Space>
              </Radio.Group>
            )}
          </QueryView>
        </Card>
      )}
      {store && service && (
        <Card size="small" title={t('Day and time')} style={{ marginBottom: 12 }} extra={<Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('Store time ({zone})', { zone: store.timezone })}</Typography.Text>}>
          <SlotPicker key={`${store.id}/${service.id}`} locationId={store.id} service={service} timeZone={store.timezone} value={start} onChange={setStart} />
        </Card>
      )}
      {start && store && service && (
        <Card size="small" style={{ marginBottom: 12 }}>
          <Typography.Paragraph strong data-testid="appt-summary">{service.name} · {store.name} · {storeTime(start, lang, store.timezone)}</Typography.Paragraph>
          <Input.TextArea value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} autoSize={{ minRows: 2 }} placeholder={t('Anything the store should know (optional)')} />
          <ProblemAlert error={book.error} />
          <Button type="primary" size="large" block style={{ marginTop: 12 }} loading={book.isPending} onClick={() => book.mutate()} data-testid="confirm-booking">{t('Book')}</Button>
        </Card>
      )}
    </>
  );
}

/** The shopper's appointments, newest first, with reschedule and cancel for those still booked. */
export function MyAppointments() {
  const { t } = useI18n();
  const q = useQuery({ queryKey: ['my-appointments'], queryFn: () => shopperApi.get('/v1/shopper/appointments') });
  const names = useAppointmentCatalog();
  return (
    <>
      <Link to="/shop/me/appointments/new"><Button type="primary" block icon={<CalendarOutlined />} style={{ marginBottom: 12 }} data-testid="book-appointment">{t('Book an appointment')}</Button></Link>
      <QueryView q={q} isEmpty={(d: any) => d.data.length === 0} empty={<Empty description={t('No appointments')} />}>
        {(d: any) => d.data.map((a: any) => <AppointmentCard key={a.id} appointment={a} service={names.services.find((s) => s.id === a.serviceId)} store={names.stores.find((s) => s.id === a.locationId)} />)}
      </QueryView>
    </>
  );
}

function AppointmentCard({ appointment: a, service, store }: { appointment: any; service?: any; store?: any }) {
  const { t, lang } = useI18n();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [moving, setMoving] = useState(false);
  const [start, setStart] = useState<string | null>(null);
  const done = () => {
    message.success(t('Done'));
    setMoving(false);
    setStart(null);
    qc.invalidateQueries({ queryKey: ['my-appointments'] });
    qc.invalidateQueries({ queryKey: ['slots'] });
  };
  const reschedule = useMutation({ mutationFn: () => shopperApi.post(`/v1/shopper/appointments/${a.id}/reschedule`, { start }), onSuccess: done });
  const cancel = useMutation({ mutationFn: () => shopperApi.post(`/v1/shopper/appointments/${a.id}/cancel`, { reason: 'cancelled by the customer' }), onSuccess: done });
  const upcoming = a.status === 'booked' && Date.parse(a.end) > Date.now();
  const zoneNote = useMemo(() => (Intl.DateTimeFormat().resolvedOptions().timeZone === a.timezone ? '' : ` (${a.timezone})`), [a.timezone]);
  return (
    <Card size="small" style={{ marginBottom: 12 }} title={service?.name ?? t('Appointment')} extra={<StatusTag status={a.status} />} data-testid="my-appointment">
      <Typography.Paragraph style={{ marginBottom: 4 }} strong>{storeTime(a.start, lang, a.timezone)}–{storeTime(a.end, lang, a.timezone, false)}{zoneNote}</Typography.Paragraph>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>{store?.name ?? ''}{store?.address?.line1 ? ` · ${store.address.line1}` : ''}</Typography.Paragraph>
      <ProblemAlert error={reschedule.error ?? cancel.error} />
      {upcoming && !moving && (
        <Space>
          <Button onClick={() => setMoving(true)} data-testid="reschedule">{t('Reschedule')}</Button>
          <Popconfirm title={t('Cancel this appointment?')} okText={t('Cancel appointment')} cancelText={t('Keep it')} onConfirm={() => cancel.mutate()}>
            <Button danger loading={cancel.isPending} data-testid="cancel-appointment">{t('Cancel')}</Button>
          </Popconfirm>
        </Space>
      )}
      {moving && service && (
        <>
          <SlotPicker locationId={a.locationId} service={service} timeZone={a.timezone} value={start} onChange={setStart} current={a.start} />
          <Space style={{ marginTop: 12 }}>
            <Button type="primary" disabled={!start} loading={reschedule.isPending} onClick={() => reschedule.mutate()} data-testid="confirm-reschedule">{t('Move here')}</Button>
            <Button onClick={() => { setMoving(false); setStart(null); reschedule.reset(); }}>{t('Back')}</Button>
          </Space>
        </>
      )}
      {moving && !service && <Spin />}
    </Card>
  );
}
