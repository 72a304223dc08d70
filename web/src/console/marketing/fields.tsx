import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Input, Select, type FormRule, type InputProps, type SelectProps } from 'antd';
import { consoleApi } from '../../shared/api';
import { useT } from '../../shared/i18n';
import { useChannels, useLocations, useProducts, variantIndex, variantLabel } from '../../shared/lookups';
import { minorDigits, parseMinor } from './money';

/** Form inputs and pickers shared by the marketing screens; pickers read the existing list APIs. */

export function MoneyInput({ currency = 'CNY', ...props }: InputProps & { currency?: string }) {
  return <Input inputMode="decimal" prefix={currency === 'CNY' ? '¥' : currency} placeholder={(0).toFixed(minorDigits(currency))} {...props} />;
}

/** A money field's rule: a plain amount with at most the currency's decimals, above `min` minor units. */
export function useMoneyRule() {
  const t = useT();
  return (opts: { required?: boolean; min?: number; currency?: string } = {}): FormRule => ({
    validator: async (_, value) => {
      if (value === undefined || value === null || value === '') {
        if (opts.required) throw new Error(t('Enter an amount'));
        return;
      }
      const n = parseMinor(value, opts.currency);
      if (n === null) throw new Error(t('An amount such as 12.30'));
      if (opts.min !== undefined && n < opts.min) throw new Error(t('Must be more than zero'));
    },
  });
}

type Picker = Omit<SelectProps, 'options'>;
const multi = (props: Picker): SelectProps => ({ mode: 'multiple', allowClear: true, showSearch: true, optionFilterProp: 'label', ...props });

export function ChannelPicker(props: Picker) {
  const q = useChannels(consoleApi);
  return <Select {...multi(props)} loading={q.isPending} options={(q.data ?? []).map((c) => ({ value: c.id, label: c.name }))} />;
}

export function StorePicker(props: Picker) {
  const q = useLocations(consoleApi);
  return <Select {...multi(props)} loading={q.isPending} options={(q.data ?? []).filter((l) => l.kind === 'store').map((l) => ({ value: l.id, label: `${l.name} (${l.code})` }))} />;
}

export function ProductPicker(props: Picker) {
  const q = useProducts(consoleApi);
  return <Select {...multi(props)} loading={q.isPending} options={(q.data ?? []).map((p) => ({ value: p.id, label: p.title }))} />;
}

export function useVariantOptions() {
  const q = useProducts(consoleApi);
  const options = useMemo(() => [...variantIndex(q.data).values()].map((v) => ({ value: v.id, label: `${v.sku} · ${variantLabel(v, v.id)}` })), [q.data]);
  return { options, loading: q.isPending };
}

export function VariantPicker(props: Picker) {
  const { options, loading } = useVariantOptions();
  const t = useT();
  return <Select {...multi(props)} placeholder={props.placeholder ?? t('SKU or name')} loading={loading} options={options} />;
}

export function CategoryPicker(props: Picker) {
  const q = useQuery({ queryKey: ['categories'], queryFn: async () => (await consoleApi.get('/v1/categories')).data as any[], staleTime: 300_000 });
  return <Select {...multi(props)} loading={q.isPending} options={(q.data ?? []).map((c) => ({ value: c.id, label: c.name }))} />;
}

export const useTiers = () => useQuery({ queryKey: ['tiers'], queryFn: async () => (await consoleApi.get('/v1/loyalty/tiers')).data as any[] });

export function TierPicker(props: Picker) {
  const q = useTiers();
  return <Select {...multi(props)} mode="tags" loading={q.isPending} options={(q.data ?? []).map((x) => ({ value: x.id, label: x.name }))} />;
}

export const customerLabel = (c: any) => [c.name, c.email, c.phone].filter(Boolean).join(' · ') || c.id;

/** Customers found by part of their email, phone or name, as the operator types. */
export function CustomerPicker(props: Picker) {
  const [q, setQ] = useState('');
  const found = useQuery({ queryKey: ['customers', q], queryFn: async () => (await consoleApi.get('/v1/customers', { q: q || undefined, limit: 20 })).data as any[], staleTime: 30_000 });
  const t = useT();
  return (
    <Select
      {...props}
      showSearch
      filterOption={false}
      onSearch={setQ}
      loading={found.isFetching}
      placeholder={props.placeholder ?? t('Email, phone or name')}
      notFoundContent={found.isFetching ? null : t('No customer matches')}
      options={(found.data ?? []).map((c) => ({ value: c.id, label: customerLabel(c) }))}
    />
  );
}

export const usePromotions = () => useQuery({ queryKey: ['promotions'], queryFn: async () => (await consoleApi.get('/v1/promotions')).data as any[] });

export function PromotionPicker({ trigger, ...props }: Picker & { trigger?: 'coupon' | 'automatic' }) {
  const q = usePromotions();
  const t = useT();
  return (
    <Select {...props} showSearch optionFilterProp="label" loading={q.isPending}
      options={(q.data ?? []).filter((p) => !trigger || p.trigger === trigger).map((p) => ({ value: p.id, label: `${p.name} · ${t(p.status)}` }))} />
  );
}

export const useCouponTemplates = () => useQuery({ queryKey: ['coupon-templates'], queryFn: async () => (await consoleApi.get('/v1/coupon-templates', { limit: 100 })).data as any[] });

export function CouponTemplatePicker(props: Picker) {
  const q = useCouponTemplates();
  return <Select {...props} showSearch optionFilterProp="label" loading={q.isPending} options={(q.data ?? []).map((c) => ({ value: c.id, label: c.name }))} />;
}
