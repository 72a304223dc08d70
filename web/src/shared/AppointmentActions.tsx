import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Space } from 'antd';
import type { Api } from './api';
import { ApiError } from './api';
import { useT } from './i18n';

/** Check-in, no-show and cancel for one appointment, for console and clerk alike. */
export function AppointmentActions({ api, appointment }: { api: Api; appointment: any }) {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: (action: string) => api.post(`/v1/appointments/${appointment.id}/${action}`, action === 'cancel' ? { reason: 'cancelled by staff' } : undefined),
    onSuccess: () => {
      message.success(t('Done'));
      qc.invalidateQueries({ queryKey: ['appointments'] });
    },
    onError: (err) => message.error(err instanceof ApiError ? `${t(err.problem.code)}: ${err.problem.detail}` : String(err)),
  });
  if (appointment.status !== 'booked') return null;
  return (
    <Space size={4}>
      <Button size="small" type="primary" loading={m.isPending} onClick={() => m.mutate('check-in')}>{t('Check in')}</Button>
      <Button size="small" onClick={() => m.mutate('no-show')}>{t('No-show')}</Button>
      <Button size="small" danger onClick={() => m.mutate('cancel')}>{t('Cancel')}</Button>
    </Space>
  );
}
