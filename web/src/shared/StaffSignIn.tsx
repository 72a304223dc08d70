import { useState } from 'react';
import { Button, Card, Form, Input, Typography } from 'antd';
import type { Api } from './api';
import { ProblemAlert, LangSwitch, applyProblem, clearErrorsOnChange } from './ui';
import { useT } from './i18n';

/** Email and password sign-in for staff; the token goes to the area's storage. */
export function StaffSignIn({ api, title, hint }: { api: Api; title: string; hint?: string }) {
  const t = useT();
  const [form] = Form.useForm();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (v: { email: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      const res = await api.post('/v1/auth/sessions', v);
      api.token = res.token;
    } catch (err) {
      setError(err);
      applyProblem(form, err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: '#f0f5f4', padding: 16 }}>
      <Card style={{ width: '100%', maxWidth: 380 }}>
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginBottom: 16 }}>
          <Typography.Title level={4} style={{ margin: 0 }}>{title}</Typography.Title>
          <LangSwitch />
        </div>
        <ProblemAlert error={error} />
        <Form form={form} layout="vertical" onFinish={submit} requiredMark={false} onValuesChange={clearErrorsOnChange(form)}>
          <Form.Item name="email" label={t('Email')} rules={[{ required: true, type: 'email', message: t('Enter your email') }]}>
            <Input autoComplete="username" data-testid="email" />
          </Form.Item>
          <Form.Item name="password" label={t('Password')} rules={[{ required: true, message: t('Enter your password') }]}>
            <Input.Password autoComplete="current-password" data-testid="password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="sign-in">{t('Sign in')}</Button>
        </Form>
        {hint && <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0, fontSize: 12 }}>{hint}</Typography.Paragraph>}
      </Card>
    </div>
  );
}
