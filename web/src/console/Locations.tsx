import { Table, Tag, Typography } from 'antd';
import { consoleApi } from '../shared/api';
import { QueryView } from '../shared/ui';
import { useT } from '../shared/i18n';
import { useLocations } from '../shared/lookups';

export default function Locations() {
  const t = useT();
  const q = useLocations(consoleApi);
  return (
    <>
      <Typography.Title level={3}>{t('Stores & warehouses')}</Typography.Title>
      <QueryView q={q} isEmpty={(d) => d.length === 0}>
        {(data) => (
          <Table rowKey="id" size="small" dataSource={data} pagination={false} columns={[
            { title: t('Code'), dataIndex: 'code' },
            { title: t('Name'), dataIndex: 'name' },
            { title: t('Kind'), dataIndex: 'kind', render: (v) => <Tag color={v === 'store' ? 'blue' : 'purple'}>{t(v)}</Tag> },
            { title: t('Address'), dataIndex: 'address', render: (a) => `${a.line1}, ${a.city}` },
            { title: t('Services'), dataIndex: 'services', render: (s: string[]) => s.map((x) => <Tag key={x}>{t(x)}</Tag>) },
            { title: t('Partner'), dataIndex: 'partnerId', render: (v) => (v ? <Tag color="gold">{t('partner')}</Tag> : t('own')) },
            { title: t('Phone'), dataIndex: 'phone' },
            { title: t('Active'), dataIndex: 'active', render: (v) => (v ? <Tag color="green">{t('yes')}</Tag> : <Tag>{t('no')}</Tag>) },
          ]} />
        )}
      </QueryView>
    </>
  );
}
