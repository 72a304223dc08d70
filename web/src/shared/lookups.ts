import { useQuery } from '@tanstack/react-query';
import type { Api } from './api';

export interface Channel { id: string; code: string; name: string; kind: string; currency: string; active: boolean }
export interface Location { id: string; kind: 'store' | 'warehouse'; code: string; name: string; address: { line1: string; city: string }; geo: { lat: number; lng: number }; timezone: string; services: string[]; active: boolean; partnerId: string | null; phone: string | null; priority: number }
export interface VariantInfo { id: string; sku: string; barcode: string | null; title: string; productId: string; productTitle: string; options: Record<string, string> }

export function useChannels(api: Api) {
  return useQuery<Channel[]>({ queryKey: ['channels', api.token], queryFn: async () => (await api.get('/v1/channels')).data, staleTime: 300_000 });
}

export function useLocations(api: Api) {
  return useQuery<Location[]>({ queryKey: ['locations', api.token], queryFn: () => api.all('/v1/locations', { limit: 500 }), staleTime: 300_000 });
}

/** Every product, for naming variants in stock, order and report screens. */
export function useProducts(api: Api) {
  return useQuery<any[]>({ queryKey: ['products-all', api.token], queryFn: () => api.all('/v1/products', { limit: 100 }), staleTime: 120_000 });
}

export function variantIndex(products: any[] | undefined): Map<string, VariantInfo> {
  const map = new Map<string, VariantInfo>();
  for (const p of products ?? []) for (const v of p.variants) map.set(v.id, { ...v, productId: p.id, productTitle: p.title });
  return map;
}

export function byId<T extends { id: string }>(list: T[] | undefined): Map<string, T> {
  return new Map((list ?? []).map((x) => [x.id, x]));
}

export const variantLabel = (v: VariantInfo | undefined, fallback: string) =>
  v ? `${v.productTitle} · ${Object.values(v.options ?? {}).join(' / ') || v.sku}` : fallback;
