import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Card, Col, Row, Statistic, Table, Typography } from 'antd';
import { consoleApi } from '../shared/api';
import { Chart } from '../shared/Chart';
import { QueryView } from '../shared/ui';
import { useI18n } from '../shared/i18n';
import { money, localDay } from '../shared/format';
import { byId, useChannels, useLocations, useProducts, variantIndex, variantLabel } from '../shared/lookups';

const DAYS = 30;
const LOW_STOCK = 2;
const WAITING = new Set(['pending', 'held', 'ready']);

/**
 * The numbers are computed here from the list APIs (orders of the last 30 days, vouchers, stock),
 * which is fine for a brand's daily volume; a reporting API would replace it for large ones.
 */
function useDashboardData() {
  return useQuery({
    queryKey: ['dashboard'],
    queryFn: async () => {
      const since = new Date();
      since.setHours(0, 0, 0, 0);
      since.setDate(since.getDate() - (DAYS - 1));
      const [orders, vouchers, stock] = await Promise.all([
        consoleApi.all('/v1/orders', { limit: 100 }, { cursorParam: 'after', max: 5000, stop: (o: any) => new Date(o.createdAt) < since }),
        consoleApi.all('/v1/vouchers', { limit: 100 }, { max: 5000 }).catch(() => []),
        consoleApi.get('/v1/stock').then((r) => r.data as any[]),
      ]);
      return { orders, vouchers, stock, since };
    },
    refetchInterval: 60_000,
  });
}

export default function Dashboard() {
  const { t, lang } = useI18n();
  const q = useDashboardData();
  const channels = useChannels(consoleApi);
  const locations = useLocations(consoleApi);
  const products = useProducts(consoleApi);

  const view = useMemo(() => {
    if (!q.data) return null;
    const chById = byId(channels.data);
    const locById = byId(locations.data);
    const today = localDay(new Date());
    const days = Array.from({ length: DAYS }, (_, i) => {
      const d = new Date(q.data.since);
      d.setDate(d.getDate() + i);
      return localDay(d);
    });
    const sold = q.data.orders.filter((o: any) => o.status !== 'cancelled');
    const currency = sold[0]?.currency ?? channels.data?.[0]?.currency ?? 'CNY';
    const perChannelDay = new Map<string, number[]>();
    const todayByChannel = new Map<string, number>();
    const byStore = new Map<string, { today: number; month: number }>();
    let todayCount = 0;
    let todaySales = 0;
    let monthSales = 0;
    let pickupsWaiting = 0;
    for (const o of sold) {
      const day = localDay(new Date(o.createdAt));
      const ch = chById.get(o.channelId)?.name ?? o.channelId;
      if (!perChannelDay.has(ch)) perChannelDay.set(ch, days.map(() => 0));
      const idx = days.indexOf(day);
      if (idx >= 0) perChannelDay.get(ch)![idx] += o.grandTotal;
      monthSales += o.grandTotal;
      const storeId = o.fulfillments?.find((f: any) => f.locationId)?.locationId ?? o.locationIds?.[0];
      const store = storeId ? (locById.get(storeId)?.name ?? storeId) : t('Not assigned');
      const s = byStore.get(store) ?? { today: 0, month: 0 };
      s.month += o.grandTotal;
      if (day === today) {
        todayCount += 1;
        todaySales += o.grandTotal;
        todayByChannel.set(ch, (todayByChannel.get(ch) ?? 0) + o.grandTotal);
        s.today += o.grandTotal;
      }
      byStore.set(store, s);
      for (const f of o.fulfillments ?? []) if (f.type === 'pickup' && WAITING.has(f.status)) pickupsWaiting += 1;
    }
    const redeemed = q.data.vouchers.reduce((n: number, v: any) => n + (v.usesTotal - v.usesLeft), 0);
    const variants = variantIndex(products.data);
    const low = q.data.stock
      .filter((s: any) => locById.get(s.locationId)?.kind === 'store' && s.available <= LOW_STOCK)
      .sort((a: any, b: any) => a.available - b.available)
      .map((s: any) => ({ ...s, key: `${s.variantId}:${s.locationId}`, variant: variantLabel(variants.get(s.variantId), s.variantId), location: locById.get(s.locationId)?.name }));
    const fmt = (v: number) => money(v, currency, lang);
    const daily = {
      tooltip: { trigger: 'axis', valueFormatter: fmt },
      legend: { top: 0 },
      grid: { left: 60, right: 16, top: 40, bottom: 30 },
      xAxis: { type: 'category', data: days.map((d) => d.slice(5)) },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => fmt(v).replace(/\.00$/, '') } },
      series: [...perChannelDay.entries()].map(([name, data]) => ({ name, type: 'bar', stack: 'sales', data })),
    };
    const stores = [...byStore.entries()].sort((a, b) => b[1].month - a[1].month);
    const storeChart = {
      tooltip: { trigger: 'axis', valueFormatter: fmt },
      legend: { top: 0 },
      grid: { left: 140, right: 16, top: 40, bottom: 30 },
      xAxis: { type: 'value', axisLabel: { formatter: (v: number) => fmt(v).replace(/\.00$/, '') } },
      yAxis: { type: 'category', data: stores.map(([n]) => n) },
      series: [
        { name: t('Today'), type: 'bar', data: stores.map(([, s]) => s.today) },
        { name: t('Last 30 days'), type: 'bar', data: stores.map(([, s]) => s.month) },
      ],
    };
    const todayPie = {
      tooltip: { trigger: 'item', valueFormatter: fmt },
      series: [{ type: 'pie', radius: ['40%', '70%'], data: [...todayByChannel.entries()].map(([name, value]) => ({ name, value })) }],
    };
    return { todayCount, todaySales, monthCount: sold.length, monthSales, pickupsWaiting, redeemed, low, daily, storeChart, todayPie, fmt, hasToday: todayByChannel.size > 0 };
  }, [q.data, channels.data, locations.data, products.data, lang, t]);

  return (
    <QueryView q={q}>
      {() =>
        view && (
          <div data-testid="dashboard">
            <Typography.Title level={3}>{t('Dashboard')}</Typography.Title>
            <Row gutter={[16, 16]}>
              {[
                [t("Today's orders"), view.todayCount, 'kpi-today-orders'],
                [t("Today's sales"), view.fmt(view.todaySales), 'kpi-today-sales'],
                [t('Orders, last 30 days'), view.monthCount, 'kpi-month-orders'],
                [t('Sales, last 30 days'), view.fmt(view.monthSales), 'kpi-month-sales'],
                [t('Pickups waiting'), view.pickupsWaiting, 'kpi-pickups'],
                [t('Voucher uses redeemed'), view.redeemed, 'kpi-redeemed'],
                [t('Low stock in stores'), view.low.length, 'kpi-low-stock'],
              ].map(([title, value, id]) => (
                <Col xs={12} md={8} xl={6} xxl={3} key={id as string}>
                  <Card size="small"><Statistic title={title} value={value as any} data-testid={id} /></Card>
                </Col>
              ))}
            </Row>
            <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
              <Col xs={24} xl={16}>
                <Card title={t('Sales by channel, last 30 days')} size="small"><Chart option={view.daily} testId="chart-daily" /></Card>
              </Col>
              <Col xs={24} xl={8}>
                <Card title={t("Today's sales by channel")} size="small">
                  {view.hasToday ? <Chart option={view.todayPie} testId="chart-today" /> : <Typography.Text type="secondary">{t('No orders today yet')}</Typography.Text>}
                </Card>
              </Col>
              <Col xs={24} xl={12}>
                <Card title={t('Sales by store')} size="small"><Chart option={view.storeChart} testId="chart-stores" /></Card>
              </Col>
              <Col xs={24} xl={12}>
                <Card title={t('Low stock in stores')} size="small">
                  <Table size="small" dataSource={view.low} pagination={{ pageSize: 8 }} columns={[
                    { title: t('Item'), dataIndex: 'variant' },
                    { title: t('Store'), dataIndex: 'location' },
                    { title: t('Available'), dataIndex: 'available', align: 'right' },
                  ]} />
                </Card>
              </Col>
            </Row>
          </div>
        )
      }
    </QueryView>
  );
}
