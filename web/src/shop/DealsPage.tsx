import { Button, Typography } from 'antd';
import { TeamOutlined, ThunderboltFilled } from '@ant-design/icons';
import { Link } from 'react-router';
import { useT } from '../shared/i18n';
import { FlashSaleList } from './FlashSales';
import { GroupDealList } from './GroupBuy';

/** Every flash sale and group buy on now or soon, and the way to the shopper's own groups. */
export function DealsPage() {
  const t = useT();
  return (
    <>
      <div className="row-between" style={{ alignItems: 'center' }}>
        <Typography.Title level={4} style={{ margin: 0 }}><ThunderboltFilled style={{ color: '#c2410c' }} /> {t('Flash sales')}</Typography.Title>
        <Link to="/shop/me/group-buys"><Button size="small" icon={<TeamOutlined />} data-testid="my-group-buys-link">{t('My group buys')}</Button></Link>
      </div>
      <div style={{ margin: '10px 0 20px' }}><FlashSaleList /></div>
      <Typography.Title level={4}><TeamOutlined style={{ color: '#c2410c' }} /> {t('Group buys')}</Typography.Title>
      <GroupDealList />
    </>
  );
}
