import { Tabs, Typography } from 'antd';
import { useSearchParams } from 'react-router';
import { useT } from '../shared/i18n';
import { FlashSales } from './deals/FlashSales';
import { GroupDeals } from './deals/GroupDeals';

/** Flash sales (秒杀) and group buys (拼团): special prices on one item, each with its own rules. */
export default function Deals() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  return (
    <>
      <Typography.Title level={3}>{t('Flash sales & group buys')}</Typography.Title>
      <Tabs
        activeKey={params.get('tab') ?? 'flash-sales'}
        onChange={(tab) => setParams({ tab }, { replace: true })}
        items={[
          { key: 'flash-sales', label: t('Flash sales'), children: <FlashSales /> },
          { key: 'group-buys', label: t('Group buys'), children: <GroupDeals /> },
        ]}
      />
    </>
  );
}
