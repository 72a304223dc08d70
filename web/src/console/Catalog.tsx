import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Input, Table, Tabs, Tag, Typography, Space } from 'antd';
import { consoleApi } from '../shared/api';
import { QueryView } from '../shared/ui';
import { useI18n } from '../shared/i18n';
import { money } from '../shared/format';
import { byId, useChannels } from '../shared/lookups';

export default function Catalog() {
  const { t } = useI18n();
  return (
    <>
      <Typography.Title level={3}>{t('Catalog')}</Typography.Title>
      <Tabs
        items={[
          { key: 'products', label: t('Products'), children: <Products /> },
          { key: 'channels', label: t('Channels'), children: <Channels /> },
          { key: 'prices', label: t('Price consistency'), children: <PriceReport /> },
        ]}
      />
    </>
  );
}

function Products() {
  const { t, lang } = useI18n();
  const [q, setQ] = useState('');
  const [cursor, setCursor] = useState<string[]>([]);
  const channels = byId(useChannels(consoleApi).data);
  const products = useQuery({ queryKey: ['products', q, cursor.at(-1)], queryFn: () => consoleApi.get('/v1/products', { limit: 25, q, cursor: cursor.at(-1) }) });
  const priceTags = (prices: any[]) => (
    <Space wrap size={4}>
      {prices.map((p) => (
        <Tag key={`${p.channelId}:${p.currency}`} color={p.channelId ? 'orange' : 'default'}>
          {p.channelId ? `${channels.get(p.channelId)?.code ?? p.channelId} ` : ''}{money(p.amount, p.currency, lang)}
        </Tag>
      ))}
    </Space>
  );
  return (
    <>
      <Input.Search placeholder={t('Search products')} allowClear onSearch={(v) => { setQ(v); setCursor([]); }} style={{ maxWidth: 320, marginBottom: 12 }} />
      <QueryView q={products}>
        {(data: any) => (
          <Table
            rowKey="id"
            size="small"
            dataSource={data.data}
            pagination={false}
            expandable={{
              expandedRowRender: (p: any) => (
                <Table rowKey="id" size="small" pagination={false} dataSource={p.variants} columns={[
                  { title: 'SKU', dataIndex: 'sku' },
                  { title: t('Barcode'), dataIndex: 'barcode' },
                  { title: t('Options'), dataIndex: 'options', render: (o) => Object.values(o ?? {}).join(' / ') },
                  { title: t('Prices'), dataIndex: 'prices', render: priceTags },
                ]} />
              ),
            }}
            columns={[
              { title: t('Product'), dataIndex: 'title' },
              { title: t('Type'), dataIndex: 'type', render: (v) => t(v) },
              { title: t('Status'), dataIndex: 'status', render: (v) => <Tag color={v === 'active' ? 'green' : 'default'}>{t(v)}</Tag> },
              { title: t('Variants'), dataIndex: 'variants', render: (v) => v.length },
              { title: t('From'), key: 'from', render: (_, p: any) => {
                const amounts = p.variants.flatMap((v: any) => v.prices.filter((x: any) => !x.channelId)).map((x: any) => x.amount);
                return amounts.length ? money(Math.min(...amounts), p.variants[0].prices[0]?.currency, lang) : '—';
              } },
            ]}
            footer={() => (
              <Space>
                <a onClick={() => setCursor(cursor.slice(0, -1))} style={{ visibility: cursor.length ? 'visible' : 'hidden' }}>{t('Previous')}</a>
                {data.nextCursor && <a onClick={() => setCursor([...cursor, data.nextCursor])}>{t('Next')}</a>}
              </Space>
            )}
          />
        )}
      </QueryView>
    </>
  );
}

function Channels() {
  const { t } = useI18n();
  const q = useChannels(consoleApi);
  return (
    <QueryView q={q}>
      {(data) => (
        <Table rowKey="id" size="small" dataSource={data} pagination={false} columns={[
          { title: t('Code'), dataIndex: 'code' },
          { title: t('Name'), dataIndex: 'name' },
          { title: t('Kind'), dataIndex: 'kind', render: (v) => t(v) },
          { title: t('Currency'), dataIndex: 'currency' },
          { title: t('Active'), dataIndex: 'active', render: (v) => (v ? <Tag color="green">{t('yes')}</Tag> : <Tag>{t('no')}</Tag>) },
        ]} />
      )}
    </QueryView>
  );
}

function PriceReport() {
  const { t, lang } = useI18n();
  const q = useQuery({ queryKey: ['price-report'], queryFn: () => consoleApi.get('/v1/prices/inconsistencies', { currency: 'CNY' }) });
  const columns = [
    { title: 'SKU', dataIndex: 'sku' },
    { title: t('Product'), dataIndex: 'productTitle' },
    { title: t('Default price'), dataIndex: 'defaultAmount', render: (v: number | null) => money(v, 'CNY', lang) },
    { title: t('By channel'), dataIndex: 'channels', render: (cs: any[]) => (
      <Space wrap size={4}>
        {cs.map((c) => <Tag key={c.channelId} color={c.source === 'channel' ? 'orange' : c.amount === null ? 'red' : 'default'}>{c.channelCode}: {money(c.amount, 'CNY', lang)}</Tag>)}
      </Space>
    ) },
  ];
  return (
    <QueryView q={q}>
      {(data: any) => (
        <>
          <Typography.Title level={5}>{t('Prices that differ by channel')} ({data.differing.length})</Typography.Title>
          <Table rowKey="variantId" size="small" dataSource={data.differing} columns={columns} pagination={{ pageSize: 10 }} data-testid="price-differing" />
          <Typography.Title level={5}>{t('Listed without a price')} ({data.unpriced.length})</Typography.Title>
          <Table rowKey="variantId" size="small" dataSource={data.unpriced} columns={columns} pagination={{ pageSize: 10 }} />
        </>
      )}
    </QueryView>
  );
}
