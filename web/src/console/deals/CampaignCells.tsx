import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Popconfirm, Space, Tag, Typography } from 'antd';
import { ApiError, consoleApi } from '../../shared/api';
import { useI18n } from '../../shared/i18n';
import { dateTime } from '../../shared/format';
import { StatusTag } from '../../shared/status';
import { useProducts, variantIndex, variantLabel } from '../../shared/lookups';

/** Table cells and buttons flash sales and group-buy deals share. */

const PHASE_COLORS: Record<string, string> = { upcoming: 'blue', running: 'red' };

/** The status, and for an active campaign whether it is running yet. */
export function CampaignStatus({ c }: { c: any }) {
  const { t } = useI18n();
  return (
    <Space size={4} wrap>
      <StatusTag status={c.status} />
      {c.status === 'active' && c.phase !== 'over' && <Tag color={PHASE_COLORS[c.phase]}>{t(c.phase)}</Tag>}
    </Space>
  );
}

export function CampaignWindow({ c }: { c: any }) {
  const { lang } = useI18n();
  return <span style={{ whiteSpace: 'nowrap' }}>{dateTime(c.startsAt, lang)}<br />→ {dateTime(c.endsAt, lang)}</span>;
}

/** The campaign's name over the item it sells. */
export function useCampaignName() {
  const products = useProducts(consoleApi);
  const index = variantIndex(products.data);
  return (c: any) => (
    <>
      <div>{c.name}</div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>{variantLabel(index.get(c.variantId), c.variantId)}</Typography.Text>
    </>
  );
}

/** Edit, start, end and cancel, as the campaign's status allows (draft → active → ended; cancelled). */
export function CampaignActions({ c, path, queryKey, onEdit }: { c: any; path: string; queryKey: string; onEdit(): void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const to = useMutation({
    mutationFn: (status: string) => consoleApi.patch(`${path}/${c.id}`, { status }),
    onSuccess: () => { message.success(t('Done')); qc.invalidateQueries({ queryKey: [queryKey] }); },
    onError: (err) => message.error(err instanceof ApiError ? `${t(err.problem.code)}: ${err.problem.detail}` : t('Something went wrong')),
  });
  if (c.status === 'ended' || c.status === 'cancelled') return null;
  return (
    <Space size={4} wrap>
      <Button size="small" onClick={onEdit}>{t('Edit')}</Button>
      {c.status === 'draft' && <Button size="small" type="primary" loading={to.isPending} onClick={() => to.mutate('active')} data-testid="activate-campaign">{t('Start')}</Button>}
      {c.status === 'active' && (
        <Popconfirm title={t('End it now? Shoppers can no longer buy at this price.')} onConfirm={() => to.mutate('ended')}>
          <Button size="small">{t('End')}</Button>
        </Popconfirm>
      )}
      <Popconfirm title={t('Cancel this campaign? It cannot be started again.')} okText={t('Cancel campaign')} cancelText={t('Keep it')} onConfirm={() => to.mutate('cancelled')}>
        <Button size="small" danger>{t('Cancel campaign')}</Button>
      </Popconfirm>
    </Space>
  );
}
