import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Button, Col, Form, InputNumber, Progress, Row, Table, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { consoleApi } from '../../shared/api';
import { QueryView } from '../../shared/ui';
import { useI18n } from '../../shared/i18n';
import { money } from '../../shared/format';
import { CampaignEditor } from './CampaignEditor';
import { CampaignActions, CampaignStatus, CampaignWindow, useCampaignName } from './CampaignCells';

const PATH = '/v1/flash-sales';
const KEY = 'flash-sales';

/** Flash sales (秒杀): an allotment of one item at a special price for a time, a few per shopper. */
export function FlashSales() {
  const { t, lang } = useI18n();
  const [editing, setEditing] = useState<{ item: any | null } | null>(null);
  const q = useQuery({ queryKey: [KEY], queryFn: () => consoleApi.all(PATH, { limit: 100 }, { max: 500 }) });
  const name = useCampaignName();
  const count = { min: 1, precision: 0, style: { width: '100%' } };
  return (
    <>
      <Button type="primary" icon={<PlusOutlined />} style={{ marginBottom: 12 }} onClick={() => setEditing({ item: null })} data-testid="new-flash-sale">{t('New flash sale')}</Button>
      <QueryView q={q} isEmpty={(d) => d.length === 0} empty={<Typography.Paragraph type="secondary">{t('No flash sales yet.')}</Typography.Paragraph>}>
        {(d) => (
          <Table rowKey="id" size="small" dataSource={d} pagination={{ pageSize: 20 }} scroll={{ x: true }} data-testid="flash-sales" columns={[
            { title: t('Name'), key: 'name', render: (_, s: any) => name(s) },
            { title: t('Status'), key: 'status', render: (_, s: any) => <CampaignStatus c={s} /> },
            { title: t('Runs'), key: 'when', render: (_, s: any) => <CampaignWindow c={s} /> },
            { title: t('Special price'), key: 'price', align: 'right', render: (_, s: any) => money(s.price.amount, s.price.currency, lang) },
            { title: t('Sold / allotment'), key: 'sold', render: (_, s: any) => (
              <div style={{ minWidth: 110 }}>
                {s.sold} / {s.allotment}
                <Progress percent={Math.round((100 * s.sold) / s.allotment)} size="small" showInfo={false} />
              </div>
            ) },
            { title: t('Per shopper'), dataIndex: 'perCustomerLimit', align: 'right' },
            { title: '', key: 'a', render: (_, s: any) => <CampaignActions c={s} path={PATH} queryKey={KEY} onEdit={() => setEditing({ item: s })} /> },
          ]} />
        )}
      </QueryView>
      <CampaignEditor
        open={editing !== null}
        item={editing?.item ?? null}
        onClose={() => setEditing(null)}
        title={editing?.item ? t('Edit flash sale') : t('New flash sale')}
        path={PATH}
        queryKey={KEY}
        testId="flash-sale-form"
        defaults={{ allotment: 100, perCustomerLimit: 1 }}
        fromItem={(s) => ({ allotment: s.allotment, perCustomerLimit: s.perCustomerLimit })}
        toBody={(v) => ({ allotment: v.allotment, perCustomerLimit: v.perCustomerLimit })}
        fields={
          <Row gutter={16}>
            <Col xs={12}>
              <Form.Item name="allotment" label={t('Allotment')} tooltip={t('Units sold at the special price')} rules={[{ required: true }]}>
                <InputNumber {...count} max={10_000_000} data-testid="flash-allotment" />
              </Form.Item>
            </Col>
            <Col xs={12}>
              <Form.Item name="perCustomerLimit" label={t('Per shopper')} tooltip={t('Units one shopper may buy at the special price')} rules={[{ required: true }]}>
                <InputNumber {...count} max={10_000} data-testid="flash-limit" />
              </Form.Item>
            </Col>
          </Row>
        }
      />
    </>
  );
}
