import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Button, Col, Form, InputNumber, List, Row, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { consoleApi } from '../../shared/api';
import { QueryView } from '../../shared/ui';
import { useI18n } from '../../shared/i18n';
import { dateTime, money } from '../../shared/format';
import { StatusTag } from '../../shared/status';
import { CampaignEditor } from './CampaignEditor';
import { CampaignActions, CampaignStatus, CampaignWindow, useCampaignName } from './CampaignCells';

const PATH = '/v1/group-buy-deals';
const KEY = 'group-buy-deals';
const GROUP_COLORS: Record<string, string> = { open: 'gold', complete: 'green', failed: 'red' };

/** Group-buy deals (拼团): an item at a group price once enough shoppers pay; each deal's groups below it. */
export function GroupDeals() {
  const { t, lang } = useI18n();
  const [editing, setEditing] = useState<{ item: any | null } | null>(null);
  const [expanded, setExpanded] = useState<string[]>([]);
  const q = useQuery({ queryKey: [KEY], queryFn: () => consoleApi.all(PATH, { limit: 100 }, { max: 500 }) });
  const name = useCampaignName();
  const count = { min: 1, precision: 0, style: { width: '100%' } };
  return (
    <>
      <Button type="primary" icon={<PlusOutlined />} style={{ marginBottom: 12 }} onClick={() => setEditing({ item: null })} data-testid="new-group-deal">{t('New group buy')}</Button>
      <QueryView q={q} isEmpty={(d) => d.length === 0} empty={<Typography.Paragraph type="secondary">{t('No group buys yet.')}</Typography.Paragraph>}>
        {(d) => (
          <Table rowKey="id" size="small" dataSource={d} pagination={{ pageSize: 20 }} scroll={{ x: true }} data-testid="group-deals"
            expandable={{ expandedRowKeys: expanded, onExpandedRowsChange: (keys) => setExpanded(keys as string[]), expandedRowRender: (deal: any) => <DealGroups dealId={deal.id} /> }}
            columns={[
              { title: t('Name'), key: 'name', render: (_, x: any) => name(x) },
              { title: t('Status'), key: 'status', render: (_, x: any) => <CampaignStatus c={x} /> },
              { title: t('Runs'), key: 'when', render: (_, x: any) => <CampaignWindow c={x} /> },
              { title: t('Group price'), key: 'price', align: 'right', render: (_, x: any) => money(x.price.amount, x.price.currency, lang) },
              { title: t('Group size'), dataIndex: 'groupSize', align: 'right' },
              { title: t('Time limit'), dataIndex: 'timeLimitMinutes', align: 'right', render: (v) => t('{n} min', { n: v }) },
              { title: t('Units per member'), dataIndex: 'unitsPerMember', align: 'right' },
              { title: '', key: 'a', render: (_, x: any) => <CampaignActions c={x} path={PATH} queryKey={KEY} onEdit={() => setEditing({ item: x })} /> },
            ]} />
        )}
      </QueryView>
      <CampaignEditor
        open={editing !== null}
        item={editing?.item ?? null}
        onClose={() => setEditing(null)}
        title={editing?.item ? t('Edit group buy') : t('New group buy')}
        path={PATH}
        queryKey={KEY}
        testId="group-deal-form"
        defaults={{ groupSize: 2, timeLimitMinutes: 24 * 60, unitsPerMember: 1 }}
        fromItem={(x) => ({ groupSize: x.groupSize, timeLimitMinutes: x.timeLimitMinutes, unitsPerMember: x.unitsPerMember })}
        // A group's size is fixed once groups may have opened; only a new deal sends it.
        toBody={(v) => ({ timeLimitMinutes: v.timeLimitMinutes, unitsPerMember: v.unitsPerMember, ...(editing?.item ? {} : { groupSize: v.groupSize }) })}
        fields={
          <Row gutter={16}>
            <Col xs={8}>
              <Form.Item name="groupSize" label={t('Group size')} tooltip={t('Members, the opener included, who must pay for the group to go ahead')} rules={[{ required: true }]}
                extra={editing?.item ? t('Fixed once the deal exists.') : undefined}>
                <InputNumber {...count} min={2} max={100} disabled={Boolean(editing?.item)} data-testid="group-size" />
              </Form.Item>
            </Col>
            <Col xs={8}>
              <Form.Item name="timeLimitMinutes" label={t('Time limit (minutes)')} tooltip={t('How long a group stays open for others to join')} rules={[{ required: true }]}>
                <InputNumber {...count} max={30 * 24 * 60} data-testid="group-time-limit" />
              </Form.Item>
            </Col>
            <Col xs={8}>
              <Form.Item name="unitsPerMember" label={t('Units per member')} rules={[{ required: true }]}>
                <InputNumber {...count} max={99} />
              </Form.Item>
            </Col>
          </Row>
        }
      />
    </>
  );
}

/** A deal's groups, newest first, with who is in each and their orders. */
function DealGroups({ dealId }: { dealId: string }) {
  const { t, lang } = useI18n();
  const q = useQuery({ queryKey: [KEY, dealId, 'groups'], queryFn: () => consoleApi.all(`${PATH}/${dealId}/groups`, { limit: 100 }, { max: 500 }) });
  return (
    <QueryView q={q} isEmpty={(d) => d.length === 0} empty={<Typography.Text type="secondary">{t('No group has opened yet.')}</Typography.Text>}>
      {(groups) => (
        <Table rowKey="id" size="small" dataSource={groups} pagination={false} scroll={{ x: true }} data-testid="deal-groups" columns={[
          { title: t('Group'), dataIndex: 'id', render: (v) => <Typography.Text code>{v.slice(-8)}</Typography.Text> },
          { title: t('Status'), key: 'status', render: (_, g: any) => (
            <><Tag color={GROUP_COLORS[g.status]}>{t(g.status)}</Tag>{(g.completedAt ?? g.failedAt) && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{dateTime(g.completedAt ?? g.failedAt, lang)}</Typography.Text>}</>
          ) },
          { title: t('Members'), key: 'members', render: (_, g: any) => `${g.members} / ${g.size}` },
          { title: t('Opened'), dataIndex: 'openedAt', render: (v) => dateTime(v, lang) },
          { title: t('Deadline'), key: 'deadline', render: (_, g: any) => dateTime(g.deadline, lang) },
          { title: t('Who joined'), key: 'list', render: (_, g: any) => (
            <List size="small" split={false} dataSource={g.memberList} renderItem={(m: any) => (
              <List.Item style={{ padding: '2px 0' }}>
                <Space size={6} wrap>
                  <Typography.Text copyable={{ text: m.customerId }}>{m.customerId.slice(-8)}</Typography.Text>
                  <span>{t('order {id}', { id: m.orderId.slice(-8) })}</span>
                  <span>× {m.quantity}</span>
                  <StatusTag status={m.status} />
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>{dateTime(m.paidAt ?? m.leftAt ?? m.joinedAt, lang)}</Typography.Text>
                </Space>
              </List.Item>
            )} />
          ) },
        ]} />
      )}
    </QueryView>
  );
}
