import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Descriptions, Empty, Form, Input, InputNumber, Progress, Row, Space, Table, Tag, Typography } from 'antd';
import { ApiError, consoleApi } from '../../shared/api';
import { ProblemAlert, QueryView, applyProblem, clearErrorsOnChange } from '../../shared/ui';
import { useI18n } from '../../shared/i18n';
import { dateTime, money } from '../../shared/format';
import { CustomerPicker } from './fields';

/** Find a member by customer: balance, frozen points, tier and progress, the points ledger, and a manual adjustment. */
export function MemberLookup() {
  const { t } = useI18n();
  const [customerId, setCustomerId] = useState<string>();
  return (
    <Card size="small" title={t('Find a member')} data-testid="member-lookup">
      <CustomerPicker value={customerId} onChange={setCustomerId} allowClear style={{ width: 360, maxWidth: '100%' }} data-testid="member-search" />
      {customerId && <Member customerId={customerId} />}
    </Card>
  );
}

function Member({ customerId }: { customerId: string }) {
  const { t, lang } = useI18n();
  const qc = useQueryClient();
  const membership = useQuery({
    queryKey: ['member', customerId],
    queryFn: () => consoleApi.get(`/v1/members/${customerId}`),
    retry: (n, err) => !(err instanceof ApiError && err.problem.status === 404) && n < 2,
  });
  const enrol = useMutation({
    mutationFn: () => consoleApi.post('/v1/members', { customerId }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['member', customerId] }),
  });
  if (membership.error instanceof ApiError && membership.error.problem.code === 'member_not_found') {
    return (
      <Empty style={{ marginTop: 16 }} description={t('This customer is not a member yet.')}>
        <ProblemAlert error={enrol.error} />
        <Button type="primary" loading={enrol.isPending} onClick={() => enrol.mutate()}>{t('Enrol as a member')}</Button>
      </Empty>
    );
  }
  return (
    <div style={{ marginTop: 16 }}>
      <QueryView q={membership}>
        {(m: any) => {
          const reached = m.nextTier ? Math.min(100, Math.floor((100 * m.spend) / Math.max(1, m.nextTier.minSpend))) : 100;
          return (
            <Row gutter={[16, 16]}>
              <Col xs={24} lg={14}>
                <Descriptions size="small" column={{ xs: 1, sm: 2 }} bordered>
                  <Descriptions.Item label={t('Points')}><b data-testid="member-balance">{m.balance}</b></Descriptions.Item>
                  <Descriptions.Item label={t('Frozen points')}>{m.frozen}</Descriptions.Item>
                  <Descriptions.Item label={t('Tier')}>{m.tier ? <Tag color="gold">{m.tier.name}</Tag> : '—'}</Descriptions.Item>
                  <Descriptions.Item label={t('Member since')}>{dateTime(m.enrolledAt, lang)}</Descriptions.Item>
                  <Descriptions.Item label={t('Spend in the tier window')}>{money(m.spend, 'CNY', lang)}</Descriptions.Item>
                  <Descriptions.Item label={t('Next tier')}>
                    {m.nextTier ? (
                      <>
                        <Progress size="small" percent={reached} />
                        <Typography.Text type="secondary">{t('{amount} more to {tier}', { amount: money(m.nextTier.amountToGo, 'CNY', lang), tier: m.nextTier.name })}</Typography.Text>
                      </>
                    ) : t('Top tier')}
                  </Descriptions.Item>
                </Descriptions>
              </Col>
              <Col xs={24} lg={10}><Adjust customerId={customerId} /></Col>
              <Col xs={24}><Ledger customerId={customerId} /></Col>
            </Row>
          );
        }}
      </QueryView>
    </div>
  );
}

function Adjust({ customerId }: { customerId: string }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ points: number; reason: string }>();
  const adjust = useMutation({
    mutationFn: (v: { points: number; reason: string }) => consoleApi.post(`/v1/members/${customerId}/points/adjust`, { points: v.points, reason: v.reason.trim() }, { idempotent: true }),
    onSuccess: (r) => {
      message.success(t('Balance is now {n} points', { n: r.balance }));
      form.resetFields();
      qc.invalidateQueries({ queryKey: ['member', customerId] });
      qc.invalidateQueries({ queryKey: ['member-points', customerId] });
    },
    onError: (err) => applyProblem(form, err),
  });
  return (
    <Card size="small" title={t('Adjust points')}>
      <ProblemAlert error={adjust.error} onClose={adjust.reset} />
      <Form form={form} layout="vertical" onFinish={adjust.mutate} onValuesChange={clearErrorsOnChange(form)}>
        <Form.Item name="points" label={t('Points (+ credit, − debit)')} rules={[{ required: true }, { validator: async (_, v) => { if (v === 0) throw new Error(t('Must not be zero')); } }]}>
          <InputNumber precision={0} style={{ width: '100%' }} data-testid="adjust-points" />
        </Form.Item>
        <Form.Item name="reason" label={t('Reason')} rules={[{ required: true, whitespace: true, message: t('Say why') }]}>
          <Input maxLength={500} data-testid="adjust-reason" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={adjust.isPending} data-testid="adjust-submit">{t('Adjust')}</Button>
      </Form>
    </Card>
  );
}

const KIND_COLORS: Record<string, string> = { confirmed: 'green', adjusted: 'blue', frozen: 'gold', released: 'default', spent: 'purple', spend_refunded: 'cyan', expired: 'default', clawed_back: 'red' };

function Ledger({ customerId }: { customerId: string }) {
  const { t, lang } = useI18n();
  const [pages, setPages] = useState<string[]>([]);
  const q = useQuery({ queryKey: ['member-points', customerId, pages.at(-1)], queryFn: () => consoleApi.get(`/v1/members/${customerId}/points`, { limit: 20, cursor: pages.at(-1) }) });
  return (
    <Card size="small" title={t('Points ledger')}>
      <QueryView q={q} isEmpty={(d: any) => d.data.length === 0 && pages.length === 0} empty={<Typography.Text type="secondary">{t('No points yet.')}</Typography.Text>}>
        {(d: any) => (
          <Table rowKey="id" size="small" dataSource={d.data} pagination={false} data-testid="points-ledger" columns={[
            { title: t('When'), dataIndex: 'createdAt', render: (v) => dateTime(v, lang) },
            { title: t('Kind'), dataIndex: 'kind', render: (v) => <Tag color={KIND_COLORS[v]}>{t(v)}</Tag> },
            { title: t('Points'), dataIndex: 'points', align: 'right', render: (v) => <span style={{ color: v < 0 ? '#cf1322' : '#389e0d' }}>{v > 0 ? `+${v}` : v}</span> },
            { title: t('Reason'), dataIndex: 'reason', render: (v) => v ?? '—' },
            { title: t('Reference'), dataIndex: 'reference', render: (r) => (r ? `${t(r.type)} ${r.id}` : '—') },
          ]} footer={pages.length > 0 || d.nextCursor ? () => (
            <Space>
              {pages.length > 0 && <a onClick={() => setPages(pages.slice(0, -1))}>{t('Previous')}</a>}
              {d.nextCursor && <a onClick={() => setPages([...pages, d.nextCursor])}>{t('Next')}</a>}
            </Space>
          ) : undefined} />
        )}
      </QueryView>
    </Card>
  );
}
