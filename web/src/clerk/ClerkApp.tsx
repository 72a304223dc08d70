import { useEffect, useState } from 'react';
import { Button, Select, Space, Spin, Tabs, Typography, Result } from 'antd';
import { clerkApi } from '../shared/api';
import { useMe, useToken } from '../shared/session';
import { StaffSignIn } from '../shared/StaffSignIn';
import { LangSwitch } from '../shared/ui';
import { useT } from '../shared/i18n';
import { byId, useLocations } from '../shared/lookups';
import { Scan } from './Scan';
import { Sale } from './Sale';
import { Today } from './Today';
import { Returns } from './Returns';
import './clerk.css';

const STORE_KEY = 'omniloop.clerk.store';

export default function ClerkApp() {
  const t = useT();
  const token = useToken(clerkApi);
  if (!token) return <StaffSignIn api={clerkApi} title={t('Store clerk')} hint={t('Demo: clerk.sh-njr@demo.omniloop.dev / omniloop-demo')} />;
  return <ClerkShell />;
}

/** What the scan box hands to the till: a member to sell to. */
/** Whom a sale is for; `pass` when the member's code was scanned, which lets the sale spend their points. */
export interface SaleStart { customerId: string; label: string; pass?: string }

/** Whether these permissions look members up (customers:read, or a wider grant of it). */
const canLookUpMembers = (scopes: string[]) => scopes.some((s) => ['*', '*:read', 'customers:*', 'customers:read'].includes(s));

function ClerkShell() {
  const t = useT();
  const me = useMe(clerkApi, clerkApi.token);
  const locations = useLocations(clerkApi);
  const [storeId, setStoreId] = useState<string | null>(localStorage.getItem(STORE_KEY));
  const [tab, setTab] = useState('scan');
  const [saleFor, setSaleFor] = useState<SaleStart | null>(null);
  // Clerks work at their own stores; others (a manager trying the screen) may pick any store.
  const stores = (locations.data ?? []).filter((l) => l.kind === 'store' && (me.data?.role !== 'clerk' || me.data.storeIds?.includes(l.id)));
  useEffect(() => {
    if (stores.length && !stores.some((s) => s.id === storeId)) setStoreId(stores[0].id);
  }, [stores, storeId]);
  useEffect(() => {
    if (storeId) localStorage.setItem(STORE_KEY, storeId);
  }, [storeId]);
  const signOut = async () => {
    await clerkApi.delete('/v1/auth/sessions/current').catch(() => {});
    clerkApi.token = null;
  };
  if (me.isPending || locations.isPending) return <div style={{ padding: 48, textAlign: 'center' }}><Spin /></div>;
  const store = byId(stores).get(storeId ?? '');
  return (
    <div className="clerk">
      <header className="clerk-head no-print">
        <Space size={6} wrap>
          <Typography.Text strong style={{ color: '#fff' }}>{t('Store clerk')}</Typography.Text>
          {stores.length > 1 ? (
            <Select size="small" value={storeId} onChange={setStoreId} options={stores.map((s) => ({ value: s.id, label: s.name }))} style={{ minWidth: 140 }} />
          ) : (
            <Typography.Text style={{ color: '#d1fae5' }} data-testid="clerk-store">{store?.name}</Typography.Text>
          )}
        </Space>
        <Space size={6}>
          <LangSwitch />
          <Button size="small" onClick={signOut}>{t('Sign out')}</Button>
        </Space>
      </header>
      {!store ? (
        <Result status="warning" title={t('You are not staff of any store')} />
      ) : (
        <Tabs
          activeKey={tab}
          onChange={setTab}
          centered
          className="clerk-tabs"
          items={[
            { key: 'scan', label: t('Scan'), children: <Scan storeId={store.id} members={canLookUpMembers(me.data?.scopes ?? [])} onStartSale={(s) => { setSaleFor(s); setTab('sale'); }} /> },
            { key: 'sale', label: t('Sale'), children: <Sale store={store} customer={saleFor} onClearCustomer={() => setSaleFor(null)} /> },
            { key: 'today', label: t('Today'), children: <Today storeId={store.id} /> },
            { key: 'returns', label: t('Returns'), children: <Returns storeId={store.id} /> },
          ]}
        />
      )}
    </div>
  );
}
