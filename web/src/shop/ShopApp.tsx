import { Badge, Result, Spin, Typography } from 'antd';
import { HomeOutlined, ShoppingCartOutlined, ThunderboltOutlined, UserOutlined } from '@ant-design/icons';
import { NavLink, Route, Routes } from 'react-router';
import { useT } from '../shared/i18n';
import { LangSwitch, ProblemAlert } from '../shared/ui';
import { ShopProvider, readStorefrontKey, useCart, useWebChannel } from './shop-context';
import { Browse } from './Browse';
import { ProductPage } from './ProductPage';
import { CartPage } from './CartPage';
import { OrderPage } from './OrderPage';
import { Account } from './Account';
import { BookAppointment } from './Appointments';
import { FlashSaleStrip } from './FlashSales';
import { GroupPage, OrderGroupShare } from './GroupBuy';
import { MyGroupBuys } from './MyGroupBuys';
import { DealsPage } from './DealsPage';
import './shop.css';

export default function ShopApp() {
  const t = useT();
  const key = readStorefrontKey();
  if (!key) {
    return (
      <div className="shop">
        <Result status="info" title={t('This storefront needs a publishable key')}
          subTitle={t('An operator creates one in the console (Webhooks & API keys → publishable) and opens the storefront link shown there.')} />
      </div>
    );
  }
  return <WithChannel storefrontKey={key} />;
}

function WithChannel({ storefrontKey }: { storefrontKey: string }) {
  const channel = useWebChannel(storefrontKey);
  if (channel.isPending) return <div style={{ padding: 48, textAlign: 'center' }}><Spin /></div>;
  if (channel.isError) return <div className="shop" style={{ padding: 16 }}><ProblemAlert error={channel.error} /></div>;
  return (
    <ShopProvider storefrontKey={storefrontKey} channel={channel.data}>
      <ShopShell />
    </ShopProvider>
  );
}

function ShopShell() {
  const t = useT();
  const cart = useCart();
  const count = cart.data?.lines?.reduce((n: number, l: any) => n + l.quantity, 0) ?? 0;
  return (
    <div className="shop">
      <header className="shop-head">
        <NavLink to="/shop" className="shop-brand">衣见 Yijian</NavLink>
        <LangSwitch />
      </header>
      <main className="shop-main">
        <Routes>
          <Route index element={<><FlashSaleStrip /><Browse /></>} />
          <Route path="deals" element={<DealsPage />} />
          <Route path="groups/:id" element={<GroupPage />} />
          <Route path="p/:id" element={<ProductPage />} />
          <Route path="cart" element={<CartPage />} />
          <Route path="orders/:id" element={<><OrderPage /><OrderGroupShare /></>} />
          <Route path="me" element={<Account />} />
          <Route path="me/appointments/new" element={<Account><BookAppointment /></Account>} />
          <Route path="me/group-buys" element={<Account><MyGroupBuys /></Account>} />
          <Route path="*" element={<Typography.Text>{t('This page does not exist.')}</Typography.Text>} />
        </Routes>
      </main>
      <nav className="shop-nav">
        <NavLink to="/shop" end><HomeOutlined /><span>{t('Shop')}</span></NavLink>
        <NavLink to="/shop/deals" data-testid="nav-deals"><ThunderboltOutlined /><span>{t('Deals')}</span></NavLink>
        <NavLink to="/shop/cart" data-testid="nav-cart"><Badge count={count} size="small" offset={[6, 0]}><ShoppingCartOutlined /></Badge><span>{t('Cart')}</span></NavLink>
        <NavLink to="/shop/me"><UserOutlined /><span>{t('Me')}</span></NavLink>
      </nav>
    </div>
  );
}
