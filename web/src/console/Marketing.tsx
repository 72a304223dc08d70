import { Tabs, Typography } from 'antd';
import { useSearchParams } from 'react-router';
import { useI18n } from '../shared/i18n';
import { Promotions } from './marketing/Promotions';
import { Coupons } from './marketing/Coupons';
import { Loyalty } from './marketing/Loyalty';

/** Promotions (with the rule builder and a sample-cart preview), coupons and their codes, and the loyalty programme. */
export default function Marketing() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  return (
    <>
      <Typography.Title level={3}>{t('Marketing')}</Typography.Title>
      <Tabs
        activeKey={params.get('tab') ?? 'promotions'}
        onChange={(tab) => setParams({ tab }, { replace: true })}
        items={[
          { key: 'promotions', label: t('Promotions'), children: <Promotions /> },
          { key: 'coupons', label: t('Coupons'), children: <Coupons /> },
          { key: 'loyalty', label: t('Loyalty'), children: <Loyalty /> },
        ]}
      />
    </>
  );
}
