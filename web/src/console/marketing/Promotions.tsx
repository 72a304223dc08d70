import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { consoleApi } from '../../shared/api';
import { ProblemAlert, QueryView } from '../../shared/ui';
import { useI18n, type Lang } from '../../shared/i18n';
import { dateTime, money } from '../../shared/format';
import { StatusTag } from '../../shared/status';
import { usePromotions } from './fields';
import { PromotionForm } from './PromotionForm';
import { PreviewCart } from './PreviewCart';
import { RULE_LABELS } from './RuleFields';

type T = (s: string, v?: Record<string, string | number>) => string;

/** A rule in a few words, e.g. "Spend ¥200.00, take off ¥30.00". */
function ruleText(rule: any, currency: string, lang: Lang, t: T): string {
  const m = (n: number) => money(n, currency, lang);
  switch (rule.type) {
    case 'percentage': return rule.maxDiscount ? t('{n}% off, at most {amount}', { n: rule.percent, amount: m(rule.maxDiscount) }) : t('{n}% off', { n: rule.percent });
    case 'fixed': return t('{amount} off', { amount: m(rule.amount) });
    case 'threshold': return rule.tiers.map((x: any) => t('spend {min}, take off {off}', { min: m(x.minSubtotal), off: m(x.discount) })).join('; ');
    case 'buy_x_get_y': return rule.percent === 100 ? t('buy {buy} get {get} free', rule) : t('buy {buy} get {get} at {percent}% off', rule);
    case 'bundle': return t('{n} items for {amount}', { n: rule.items.reduce((s: number, x: any) => s + x.quantity, 0), amount: m(rule.price) });
    case 'member_price': return t('member prices on {n} items', { n: rule.prices.length });
    case 'free_shipping': return rule.maxDiscount ? t('free shipping up to {amount}', { amount: m(rule.maxDiscount) }) : t('free shipping');
    case 'gift': return t('gift');
    default: return t(RULE_LABELS[rule.type as keyof typeof RULE_LABELS] ?? rule.type);
  }
}

export function Promotions() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [editing, setEditing] = useState<{ promotion: any | null } | null>(null);
  const q = usePromotions();
  const act = useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'activate' | 'deactivate' | 'archive' }) =>
      action === 'archive' ? consoleApi.delete(`/v1/promotions/${id}`) : consoleApi.post(`/v1/promotions/${id}/${action}`),
    onSuccess: () => { message.success(t('Done')); qc.invalidateQueries({ queryKey: ['promotions'] }); },
  });
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ promotion: null })} data-testid="new-promotion">{t('New promotion')}</Button>
      </Space>
      <ProblemAlert error={act.error} onClose={act.reset} />
      <QueryView q={q} isEmpty={(d) => d.length === 0} empty={<Typography.Paragraph type="secondary">{t('No promotions yet.')}</Typography.Paragraph>}>
        {(d) => (
          <Table rowKey="id" size="small" dataSource={d} pagination={{ pageSize: 20 }} scroll={{ x: true }} columns={[
            { title: t('Name'), dataIndex: 'name' },
            { title: t('Rule'), dataIndex: 'rule', render: (r, p: any) => ruleText(r, p.currency, lang, t) },
            { title: t('Trigger'), dataIndex: 'trigger', render: (v) => <Tag>{t(v)}</Tag> },
            { title: t('Status'), dataIndex: 'status', render: (v) => <StatusTag status={v} /> },
            { title: t('Runs'), key: 'when', render: (_, p: any) => `${dateTime(p.startsAt, lang)} → ${dateTime(p.endsAt, lang)}` },
            { title: t('Used'), dataIndex: 'used', align: 'right' },
            { title: t('Discount given'), dataIndex: 'spent', align: 'right', render: (v, p: any) => money(v, p.currency, lang) },
            { title: '', key: 'a', render: (_, p: any) => (
              <Space size={4}>
                {p.status !== 'archived' && <Button size="small" onClick={() => setEditing({ promotion: p })}>{t('Edit')}</Button>}
                {p.status === 'active' && <Button size="small" onClick={() => act.mutate({ id: p.id, action: 'deactivate' })}>{t('Stop')}</Button>}
                {['draft', 'inactive'].includes(p.status) && <Button size="small" type="primary" onClick={() => act.mutate({ id: p.id, action: 'activate' })} data-testid="start-promotion">{t('Start')}</Button>}
                {p.status !== 'archived' && (
                  <Popconfirm title={t('Archive this promotion? Its usage history stays.')} onConfirm={() => act.mutate({ id: p.id, action: 'archive' })}>
                    <Button size="small" danger>{t('Archive')}</Button>
                  </Popconfirm>
                )}
              </Space>
            ) },
          ]} />
        )}
      </QueryView>
      <div style={{ marginTop: 16 }}><PreviewCart /></div>
      <PromotionForm open={editing !== null} promotion={editing?.promotion ?? null} onClose={() => setEditing(null)} />
    </>
  );
}
