import { Tag } from 'antd';
import { useT } from './i18n';

const COLORS: Record<string, string> = {
  paid: 'green', completed: 'green', fulfilled: 'green', picked_up: 'green', delivered: 'green', sold: 'green', issued: 'green', active: 'green', booked: 'blue', checked_in: 'green',
  reserved: 'gold', pending_payment: 'gold', pending: 'gold', held: 'gold', ready: 'blue', shipped: 'blue', partially_fulfilled: 'blue',
  cancelled: 'default', expired: 'default', no_show: 'red', refunded: 'purple', partially_refunded: 'purple', used_up: 'default', voided: 'red',
};

export function StatusTag({ status }: { status: string }) {
  const t = useT();
  return <Tag color={COLORS[status] ?? 'default'}>{t(status)}</Tag>;
}
