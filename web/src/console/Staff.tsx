import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, Select, Table, Tag, Typography } from 'antd';
import { consoleApi } from '../shared/api';
import { ProblemAlert, QueryView, applyProblem, clearErrorsOnChange } from '../shared/ui';
import { useI18n } from '../shared/i18n';
import { dateTime } from '../shared/format';
import { byId, useLocations } from '../shared/lookups';

const ROLES = ['owner', 'operator', 'marketer', 'analyst', 'clerk'];

export default function Staff() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const qc = useQueryClient();
  const locations = useLocations(consoleApi);
  const locById = byId(locations.data);
  const q = useQuery({ queryKey: ['staff'], queryFn: async () => (await consoleApi.get('/v1/staff')).data as any[] });
  const add = useMutation({
    mutationFn: (v: any) => consoleApi.post('/v1/staff', v),
    onSuccess: () => { message.success(t('Done')); form.resetFields(); qc.invalidateQueries({ queryKey: ['staff'] }); },
    onError: (err) => applyProblem(form, err),
  });
  const role = Form.useWatch('role', form);
  return (
    <>
      <Typography.Title level={3}>{t('Staff')}</Typography.Title>
      <QueryView q={q}>
        {(d) => (
          <Table rowKey="id" size="small" dataSource={d} pagination={false} columns={[
            { title: t('Name'), dataIndex: 'name' },
            { title: t('Email'), dataIndex: 'email' },
            { title: t('Role'), dataIndex: 'role', render: (v) => <Tag>{t(v)}</Tag> },
            { title: t('Stores'), dataIndex: 'storeIds', render: (ids: string[]) => ids.map((id) => <Tag key={id}>{locById.get(id)?.name ?? id}</Tag>) },
            { title: t('Added'), dataIndex: 'createdAt', render: (v) => dateTime(v, lang) },
          ]} />
        )}
      </QueryView>
      <Card size="small" title={t('Add staff')} style={{ marginTop: 16, maxWidth: 520 }}>
        <ProblemAlert error={add.error} />
        <Form form={form} layout="vertical" onFinish={add.mutate} initialValues={{ role: 'clerk' }} onValuesChange={clearErrorsOnChange(form)}>
          <Form.Item name="name" label={t('Name')} rules={[{ required: true }]}><Input /></Form.Item>
          <Form.Item name="email" label={t('Email')} rules={[{ required: true, type: 'email' }]}><Input /></Form.Item>
          <Form.Item name="role" label={t('Role')}><Select options={ROLES.map((r) => ({ value: r, label: t(r) }))} /></Form.Item>
          {role === 'clerk' && (
            <Form.Item name="storeIds" label={t('Stores')} rules={[{ required: true }]}>
              <Select mode="multiple" options={(locations.data ?? []).filter((l) => l.kind === 'store').map((l) => ({ value: l.id, label: l.name }))} />
            </Form.Item>
          )}
          <Form.Item name="password" label={t('Password')} rules={[{ required: true }]}><Input.Password autoComplete="new-password" /></Form.Item>
          <Button type="primary" htmlType="submit" loading={add.isPending}>{t('Add')}</Button>
        </Form>
      </Card>
    </>
  );
}
