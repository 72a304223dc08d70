import { Card, Col, Row, Typography, Alert } from 'antd';
import { Link } from 'react-router';
import { LangSwitch } from './shared/ui';
import { useT } from './shared/i18n';

export function Home({ notFound }: { notFound?: boolean }) {
  const t = useT();
  const areas = [
    { to: '/console', title: t('Operator console'), text: t('Catalog, stock, orders, vouchers and the numbers of every channel and store.') },
    { to: '/clerk', title: t('Store clerk'), text: t('One box for voucher, pickup and member codes; the till; returns.') },
    { to: '/shop', title: t('Storefront'), text: t('Browse, check stock nearby, buy for delivery or pickup.') },
  ];
  return (
    <div style={{ maxWidth: 960, margin: '0 auto', padding: 24 }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
        <Typography.Title level={2} style={{ margin: 0 }}>Omniloop</Typography.Title>
        <LangSwitch />
      </div>
      <Typography.Paragraph type="secondary">{t('Omnichannel commerce: one stock, one order history, every channel and store.')}</Typography.Paragraph>
      {notFound && <Alert type="warning" showIcon message={t('This page does not exist.')} style={{ marginBottom: 16 }} />}
      <Row gutter={[16, 16]}>
        {areas.map((a) => (
          <Col xs={24} md={8} key={a.to}>
            <Link to={a.to}>
              <Card hoverable title={a.title}>{a.text}</Card>
            </Link>
          </Col>
        ))}
      </Row>
      <Typography.Paragraph style={{ marginTop: 24 }}>
        <a href="/docs">{t('API documentation')}</a>
      </Typography.Paragraph>
    </div>
  );
}
