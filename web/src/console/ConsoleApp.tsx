import { lazy, Suspense } from 'react';
import { Route, Routes, useLocation, useNavigate } from 'react-router';
import { Button, Layout, Menu, Space, Spin, Tag, Typography } from 'antd';
import {
  ApiOutlined, AppstoreOutlined, CalendarOutlined, DashboardOutlined, DatabaseOutlined, GiftOutlined, ShopOutlined, ShoppingOutlined, TagsOutlined, TeamOutlined, ThunderboltOutlined,
} from '@ant-design/icons';
import { consoleApi } from '../shared/api';
import { useMe, useToken } from '../shared/session';
import { StaffSignIn } from '../shared/StaffSignIn';
import { LangSwitch } from '../shared/ui';
import { useT } from '../shared/i18n';

const Dashboard = lazy(() => import('./Dashboard'));
const Catalog = lazy(() => import('./Catalog'));
const Locations = lazy(() => import('./Locations'));
const Stock = lazy(() => import('./Stock'));
const Orders = lazy(() => import('./Orders'));
const Vouchers = lazy(() => import('./Vouchers'));
const Appointments = lazy(() => import('./Appointments'));
const Integrations = lazy(() => import('./Integrations'));
const Staff = lazy(() => import('./Staff'));
const Marketing = lazy(() => import('./Marketing'));
const Deals = lazy(() => import('./Deals'));

export default function ConsoleApp() {
  const t = useT();
  const token = useToken(consoleApi);
  if (!token) return <StaffSignIn api={consoleApi} title={t('Omniloop console')} hint={t('Demo: owner@demo.omniloop.dev / omniloop-demo')} />;
  return <ConsoleLayout />;
}

function ConsoleLayout() {
  const t = useT();
  const nav = useNavigate();
  const where = useLocation();
  const me = useMe(consoleApi, consoleApi.token);
  const items = [
    { key: '', icon: <DashboardOutlined />, label: t('Dashboard') },
    { key: 'catalog', icon: <AppstoreOutlined />, label: t('Catalog') },
    { key: 'locations', icon: <ShopOutlined />, label: t('Stores & warehouses') },
    { key: 'stock', icon: <DatabaseOutlined />, label: t('Stock') },
    { key: 'orders', icon: <ShoppingOutlined />, label: t('Orders') },
    { key: 'vouchers', icon: <GiftOutlined />, label: t('Vouchers & partners') },
    { key: 'marketing', icon: <TagsOutlined />, label: t('Marketing') },
    { key: 'deals', icon: <ThunderboltOutlined />, label: t('Flash sales & group buys') },
    { key: 'appointments', icon: <CalendarOutlined />, label: t('Appointments') },
    { key: 'integrations', icon: <ApiOutlined />, label: t('Webhooks & API keys') },
    { key: 'staff', icon: <TeamOutlined />, label: t('Staff') },
  ];
  const selected = where.pathname.replace(/^\/console\/?/, '').split('/')[0];
  const signOut = async () => {
    await consoleApi.delete('/v1/auth/sessions/current').catch(() => {});
    consoleApi.token = null;
  };
  return (
    <Layout hasSider style={{ minHeight: '100vh' }}>
      <Layout.Sider breakpoint="lg" collapsedWidth={0} theme="light" width={220}>
        <div style={{ padding: '16px 20px', fontWeight: 700, fontSize: 18, color: '#0f766e' }}>Omniloop</div>
        <Menu mode="inline" selectedKeys={[selected]} items={items} onClick={(e) => nav(`/console/${e.key}`)} />
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: '#fff', padding: '0 24px', display: 'flex', justifyContent: 'flex-end', alignItems: 'center' }}>
          <Space>
            {me.data && <Tag color="green">{t(me.data.role ?? me.data.kind)}</Tag>}
            <LangSwitch />
            <Button size="small" onClick={signOut} data-testid="sign-out">{t('Sign out')}</Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          <Suspense fallback={<Spin />}>
            <Routes>
              <Route index element={<Dashboard />} />
              <Route path="catalog" element={<Catalog />} />
              <Route path="locations" element={<Locations />} />
              <Route path="stock" element={<Stock />} />
              <Route path="orders" element={<Orders />} />
              <Route path="vouchers" element={<Vouchers />} />
              <Route path="marketing" element={<Marketing />} />
              <Route path="deals" element={<Deals />} />
              <Route path="appointments" element={<Appointments />} />
              <Route path="integrations" element={<Integrations />} />
              <Route path="staff" element={<Staff />} />
              <Route path="*" element={<Typography.Text>{t('This page does not exist.')}</Typography.Text>} />
            </Routes>
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
