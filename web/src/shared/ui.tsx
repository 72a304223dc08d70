import { Alert, Button, Empty, Result, Segmented, Spin, type FormInstance } from 'antd';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError } from './api';
import { useI18n, useT } from './i18n';

/** The problem+json code and detail, as the server sent them, so a person can act on them. */
export function ProblemAlert({ error, onClose }: { error: unknown; onClose?: () => void }) {
  const t = useT();
  if (!error) return null;
  const p = error instanceof ApiError ? error.problem : null;
  return (
    <Alert
      type="error"
      showIcon
      closable={Boolean(onClose)}
      onClose={onClose}
      style={{ marginBottom: 12 }}
      data-testid="problem"
      message={p ? `${t(p.code)}${p.field ? ` · ${p.field}` : ''}` : t('Something went wrong')}
      description={p ? p.detail : String((error as Error)?.message ?? error)}
    />
  );
}

/** Puts a validation problem onto the form field it names (the alert still shows it too). */
export function applyProblem(form: FormInstance, error: unknown) {
  if (!(error instanceof ApiError) || !error.problem.field) return;
  const name = error.problem.field.split('.');
  if (form.getFieldInstance?.(name) !== undefined || form.getFieldsValue(true)[name[0]] !== undefined) {
    form.setFields([{ name, errors: [error.problem.detail] }]);
  }
}

/** A server's field error stays on the field only until the field is changed. */
export function clearErrorsOnChange(form: FormInstance) {
  return (changed: Record<string, unknown>) => form.setFields(Object.keys(changed).map((name) => ({ name, errors: [] })));
}

/** Loading, error (with retry) and empty states around a query's data. */
export function QueryView<T>({ q, isEmpty, empty, children }: { q: UseQueryResult<T>; isEmpty?: (d: T) => boolean; empty?: ReactNode; children: (data: T) => ReactNode }) {
  const t = useT();
  if (q.isPending) return <div style={{ padding: 32, textAlign: 'center' }}><Spin /></div>;
  if (q.isError)
    return (
      <Result
        status="warning"
        title={q.error instanceof ApiError ? t(q.error.problem.code) : t('Something went wrong')}
        subTitle={q.error instanceof ApiError ? q.error.problem.detail : String(q.error)}
        extra={<Button onClick={() => q.refetch()}>{t('Try again')}</Button>}
      />
    );
  if (isEmpty?.(q.data)) return <>{empty ?? <Empty description={t('Nothing here yet')} />}</>;
  return <>{children(q.data)}</>;
}

export function LangSwitch({ size }: { size?: 'small' | 'middle' }) {
  const { lang, setLang } = useI18n();
  return (
    <Segmented
      size={size ?? 'small'}
      value={lang}
      onChange={(v) => setLang(v as any)}
      options={[{ label: '中文', value: 'zh-CN' }, { label: 'EN', value: 'en' }]}
      data-testid="lang-switch"
    />
  );
}
