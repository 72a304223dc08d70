import { useState, type ReactNode } from 'react';
import { useMutation, useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import { App, Button, Card, Form, Modal, Table, type TableColumnsType } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { consoleApi } from '../../shared/api';
import { ProblemAlert, QueryView, applyProblem, clearErrorsOnChange } from '../../shared/ui';
import { useT } from '../../shared/i18n';

/**
 * A list of settings (tiers, earn rules, rewards) with create and edit in a dialog: POST to `path`
 * for a new one, PATCH `path/:id` for a change.
 */
export function ConfigList<V extends object>({ title, path, query, queryKey, columns, fields, defaults, fromItem, toBody, testId }: {
  title: string;
  path: string;
  query: UseQueryResult<any[]>;
  queryKey: string;
  columns: TableColumnsType<any>;
  fields: ReactNode;
  defaults: Partial<V>;
  fromItem: (item: any) => Partial<V>;
  toBody: (values: V) => Record<string, unknown>;
  testId: string;
}) {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [editing, setEditing] = useState<{ item: any | null } | null>(null);
  const [form] = Form.useForm<V>();
  const save = useMutation({
    mutationFn: (v: V) => (editing?.item ? consoleApi.patch(`${path}/${editing.item.id}`, toBody(v)) : consoleApi.post(path, toBody(v))),
    onSuccess: () => {
      message.success(t('Saved'));
      qc.invalidateQueries({ queryKey: [queryKey] });
      setEditing(null);
    },
    onError: (err) => applyProblem(form, err),
  });
  const open = (item: any | null) => {
    save.reset();
    form.resetFields();
    form.setFieldsValue((item ? fromItem(item) : defaults) as any);
    setEditing({ item });
  };
  return (
    <Card size="small" title={title} style={{ marginBottom: 16 }} data-testid={testId}
      extra={<Button size="small" icon={<PlusOutlined />} onClick={() => open(null)}>{t('Add')}</Button>}>
      <QueryView q={query} isEmpty={(d) => d.length === 0}>
        {(d) => (
          <Table rowKey="id" size="small" dataSource={d} pagination={false} scroll={{ x: true }}
            columns={[...columns, { title: '', key: 'edit', width: 80, render: (_, item) => <Button size="small" onClick={() => open(item)}>{t('Edit')}</Button> }]} />
        )}
      </QueryView>
      <Modal open={editing !== null} title={`${title} · ${editing?.item ? t('Edit') : t('Add')}`} onCancel={() => setEditing(null)}
        onOk={() => form.submit()} okText={t('Save')} cancelText={t('Cancel')} confirmLoading={save.isPending} forceRender>
        <ProblemAlert error={save.error} onClose={save.reset} />
        <Form form={form} layout="vertical" onFinish={save.mutate} onValuesChange={clearErrorsOnChange(form)}>
          {fields}
        </Form>
      </Modal>
    </Card>
  );
}
