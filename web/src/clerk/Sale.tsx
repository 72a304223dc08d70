import { useMemo, useState } from 'react';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Divider, Input, InputNumber, List, Segmented, Select, Space, Tag, Typography } from 'antd';
import { DeleteOutlined } from '@ant-design/icons';
import { ApiError, clerkApi } from '../shared/api';
import { ProblemAlert } from '../shared/ui';
import { useI18n } from '../shared/i18n';
import { money, toMinor } from '../shared/format';
import { useChannels, useProducts, type Location } from '../shared/lookups';
import type { SaleStart } from './ClerkApp';
import { Receipt } from './Receipt';
import { SaleDiscounts } from './SaleDiscounts';

/** What was scanned or chosen: a variant, or a code the catalogue on this till does not know (yet). */
interface Entry { variantId?: string; code?: string; quantity: number }
interface Line extends Entry { key: string; title: string; sku: string; unit: number | null }

export function Sale({ store, customer, onClearCustomer }: { store: Location; customer: SaleStart | null; onClearCustomer(): void }) {
  const { t, lang } = useI18n();
  const products = useProducts(clerkApi);
  const pos = useChannels(clerkApi).data?.find((c) => c.kind === 'pos');
  const [entries, setEntries] = useState<Entry[]>([]);
  const [scan, setScan] = useState('');
  const [method, setMethod] = useState<'cash' | 'card' | 'qr'>('cash');
  const [tendered, setTendered] = useState<number | null>(null);
  const [codes, setCodes] = useState<string[]>([]);
  const [points, setPoints] = useState<number | null>(null);
  const currency = pos?.currency ?? 'CNY';

  // Shelf price for display: the POS channel's own price if it has one, else the default.
  const variants = useMemo(() => {
    const out: Array<{ id: string; sku: string; barcode: string | null; title: string; unit: number | null }> = [];
    for (const p of products.data ?? [])
      for (const v of p.variants) {
        const price = v.prices.find((x: any) => x.channelId === pos?.id && x.currency === currency) ?? v.prices.find((x: any) => !x.channelId && x.currency === currency);
        out.push({ id: v.id, sku: v.sku, barcode: v.barcode, title: `${p.title} ${Object.values(v.options ?? {}).join('/')}`, unit: price?.amount ?? null });
      }
    return out;
  }, [products.data, pos, currency]);

  // Lines are resolved against the catalogue on every render, so a code scanned before the catalogue
  // had loaded joins the same line as the next scan of that item, priced, instead of staying apart.
  const lines = useMemo(() => {
    const out = new Map<string, Line>();
    for (const e of entries) {
      const code = e.code?.toLowerCase();
      const v = e.variantId ? variants.find((x) => x.id === e.variantId) : variants.find((x) => x.barcode === e.code || x.sku.toLowerCase() === code);
      const key = v?.id ?? e.variantId ?? e.code!;
      const same = out.get(key);
      if (same) same.quantity += e.quantity;
      else out.set(key, v ? { key, variantId: v.id, title: v.title, sku: v.sku, unit: v.unit, quantity: e.quantity } : { ...e, key, title: e.code ?? key, sku: e.code ?? key, unit: null });
    }
    return [...out.values()];
  }, [entries, variants]);
  const add = (entry: Omit<Entry, 'quantity'>) => setEntries((es) => [...es, { ...entry, quantity: 1 }]);
  /** Sets a line's quantity (0 removes it); the entries become one per line, as resolved now. */
  const setQuantity = (key: string, quantity: number) =>
    setEntries(lines.flatMap((l) => (l.key !== key ? [{ variantId: l.variantId, code: l.code, quantity: l.quantity }] : quantity > 0 ? [{ variantId: l.variantId, code: l.code, quantity }] : [])));
  const addCode = (raw: string) => {
    const code = raw.trim();
    if (!code) return;
    // Unknown codes still go to the till: the server knows every barcode and SKU, and says if it does not.
    add({ code });
    setScan('');
  };
  const total = lines.reduce((n, l) => n + (l.unit ?? 0) * l.quantity, 0);
  const basket = {
    locationId: store.id,
    ...(pos ? { channelId: pos.id } : {}),
    ...(customer ? { customerId: customer.customerId, ...(points && customer.pass ? { points, memberPass: customer.pass } : {}) } : {}),
    ...(codes.length ? { couponCodes: codes } : {}),
    lines: lines.map((l) => ({ ...(l.variantId ? { variantId: l.variantId } : { code: l.code }), quantity: l.quantity })),
  };
  // What the sale will cost with promotions, coupons and points, priced by the server as the sale will be.
  const quote = useQuery({
    queryKey: ['pos-quote', basket],
    enabled: lines.length > 0,
    placeholderData: keepPreviousData,
    retry: false,
    queryFn: async () => (await clerkApi.post('/v1/pos/quotes', basket)) as { grandTotal: number; discountTotal: number },
  });
  const due = lines.length && quote.data && !quote.isError ? quote.data.grandTotal : null;
  const sale = useMutation({
    mutationFn: () =>
      clerkApi.post('/v1/pos/sales', {
        ...basket,
        payment: { provider: 'manual', method, ...(method === 'cash' && tendered ? { tendered: toMinor(tendered, currency) } : {}) },
      }, { idempotent: true }),
  });
  const startOver = () => { setEntries([]); setTendered(null); setCodes([]); setPoints(null); sale.reset(); onClearCustomer(); };

  if (sale.data) {
    return (
      <div className="clerk-body">
        <Alert type="success" showIcon message={t('Sale complete')} style={{ marginBottom: 12 }} className="no-print" />
        <Receipt order={sale.data} store={store} />
        <Space style={{ marginTop: 12 }} className="no-print">
          <Button onClick={() => window.print()}>{t('Print receipt')}</Button>
          <Button type="primary" onClick={startOver} data-testid="new-sale">{t('New sale')}</Button>
        </Space>
      </div>
    );
  }
  return (
    <div className="clerk-body">
      {customer && <Alert type="info" showIcon style={{ marginBottom: 8 }} message={t('Selling to member {name}', { name: customer.label })} closable onClose={onClearCustomer} />}
      <Input.Search size="large" placeholder={t('Scan a barcode or type a SKU')} enterButton={t('Add')} value={scan} onChange={(e) => setScan(e.target.value)} onSearch={addCode} data-testid="sale-code" />
      <Select
        showSearch
        style={{ width: '100%', marginTop: 8 }}
        placeholder={t('Or search by name')}
        value={null}
        optionFilterProp="label"
        loading={products.isPending}
        options={variants.map((v) => ({ value: v.id, label: `${v.title} · ${v.sku}` }))}
        onChange={(id: string) => add({ variantId: id })}
        data-testid="sale-search"
      />
      <List
        style={{ marginTop: 8 }}
        size="small"
        locale={{ emptyText: t('No items yet') }}
        dataSource={lines}
        renderItem={(l) => (
          <List.Item actions={[
            <InputNumber key="q" size="small" min={1} value={l.quantity} style={{ width: 60 }} onChange={(q) => setQuantity(l.key, q ?? 1)} />,
            <Button key="d" size="small" type="text" icon={<DeleteOutlined />} onClick={() => setQuantity(l.key, 0)} />,
          ]}>
            <List.Item.Meta title={l.title} description={<>{l.sku} · {l.unit === null ? <Tag>{t('price at till')}</Tag> : money(l.unit, currency, lang)}</>} />
          </List.Item>
        )}
      />
      <SaleDiscounts customerId={customer?.customerId ?? null} canSpendPoints={Boolean(customer?.pass)} codes={codes} onCodes={(c) => { setCodes(c); sale.reset(); }} points={points} onPoints={(n) => { setPoints(n); sale.reset(); }} error={sale.error ?? quote.error} />
      <Divider style={{ margin: '8px 0' }} />
      <div style={{ display: 'flex', justifyContent: 'space-between' }}>
        <span>{t('Subtotal')}</span>
        <span data-testid="sale-total">{money(total, currency, lang)}</span>
      </div>
      {due !== null && quote.data!.discountTotal > 0 && (
        <div style={{ display: 'flex', justifyContent: 'space-between' }}>
          <span>{t('Discounts')}</span>
          <span data-testid="sale-discount">−{money(quote.data!.discountTotal, currency, lang)}</span>
        </div>
      )}
      <div style={{ display: 'flex', justifyContent: 'space-between', fontSize: 18 }}>
        <span>{t('To pay')}</span>
        <strong data-testid="sale-due">{due === null ? '—' : money(due, currency, lang)}</strong>
      </div>
      {quote.error instanceof ApiError && !sale.error && (
        <Typography.Text type="danger" data-testid="quote-problem">{t(quote.error.problem.code)}: {quote.error.problem.detail}</Typography.Text>
      )}
      <Segmented block style={{ marginTop: 12 }} value={method} onChange={(v) => setMethod(v as any)}
        options={[{ value: 'cash', label: t('cash') }, { value: 'card', label: t('card') }, { value: 'qr', label: t('qr') }]} />
      {method === 'cash' && (
        <InputNumber style={{ width: '100%', marginTop: 8 }} size="large" min={0} step={10} placeholder={t('Cash received')} value={tendered} onChange={setTendered} prefix="¥" />
      )}
      <ProblemAlert error={sale.error ?? quote.error} />
      <Button type="primary" size="large" block style={{ marginTop: 12 }} disabled={!lines.length} loading={sale.isPending} onClick={() => sale.mutate()} data-testid="complete-sale">
        {due === null ? t('Take payment') : `${t('Take payment')} ${money(due, currency, lang)}`}
      </Button>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 8 }}>{t('Payment is taken at the counter (cash, card terminal or QR); the till records it.')}</Typography.Paragraph>
    </div>
  );
}
