import { useState } from 'react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Button, Empty, Input, Segmented, Spin } from 'antd';
import { Link } from 'react-router';
import { shopperApi } from '../shared/api';
import { ProblemAlert } from '../shared/ui';
import { useI18n } from '../shared/i18n';
import { money } from '../shared/format';
import { useShop } from './shop-context';
import { Picture } from './Picture';

export function lowestPrice(p: any): number | null {
  const amounts = p.variants.map((v: any) => v.price?.amount).filter((a: any) => typeof a === 'number');
  return amounts.length ? Math.min(...amounts) : null;
}

export function Browse() {
  const { t, lang } = useI18n();
  const shop = useShop();
  const [q, setQ] = useState('');
  const [category, setCategory] = useState<string>('');
  const categories = useQuery({ queryKey: ['shop-categories'], staleTime: 300_000, queryFn: async () => (await shopperApi.get('/v1/categories', undefined, { token: shop.key })).data as any[] });
  const list = useInfiniteQuery({
    queryKey: ['storefront', shop.channel.id, q, category],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => shopperApi.get(`/v1/channels/${shop.channel.id}/products`, { limit: 20, q, category, cursor: pageParam }, { token: shop.key }),
    getNextPageParam: (last: any) => last.nextCursor ?? undefined,
  });
  const products = list.data?.pages.flatMap((p: any) => p.data) ?? [];
  const currency = list.data?.pages[0]?.currency ?? shop.channel.currency;
  const roots = (categories.data ?? []).filter((c) => !c.parentId);
  return (
    <>
      <Input.Search placeholder={t('Search the shop')} allowClear onSearch={setQ} size="large" data-testid="shop-search" />
      {roots.length > 0 && (
        <div style={{ overflowX: 'auto', margin: '10px 0' }}>
          <Segmented value={category} onChange={(v) => setCategory(v as string)} options={[{ value: '', label: t('All') }, ...roots.map((c) => ({ value: c.id, label: c.name }))]} />
        </div>
      )}
      {list.isError && <ProblemAlert error={list.error} />}
      {list.isPending ? (
        <div style={{ textAlign: 'center', padding: 32 }}><Spin /></div>
      ) : products.length === 0 ? (
        <Empty description={t('Nothing matches')} />
      ) : (
        <div className="grid" data-testid="product-grid">
          {products.map((p: any) => (
            <Link to={`/shop/p/${p.id}`} key={p.id} className="tile" data-testid="product-tile">
              <Picture product={p} className="pic" />
              <div className="info">
                <div className="name">{p.title}</div>
                <div className="price">{lowestPrice(p) === null ? t('Not for sale') : money(lowestPrice(p), currency, lang)}</div>
              </div>
            </Link>
          ))}
        </div>
      )}
      {list.hasNextPage && <Button block style={{ marginTop: 12 }} loading={list.isFetchingNextPage} onClick={() => list.fetchNextPage()}>{t('More')}</Button>}
    </>
  );
}
