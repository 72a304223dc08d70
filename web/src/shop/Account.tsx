import { useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { ApiError } from '../shared/api';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Button, Card, Empty, Form, Input, List, Radio, Space, Typography } from 'antd';
import { shopperApi } from '../shared/api';
import { ProblemAlert, QueryView, applyProblem, clearErrorsOnChange } from '../shared/ui';
import { useI18n } from '../shared/i18n';
import { dateTime, money } from '../shared/format';
import { StatusTag } from '../shared/status';
import { useShop } from './shop-context';
import { Qr } from './Qr';
import { MyAppointments } from './Appointments';

/** The member centre, or what `children` shows to a signed-in shopper; sign-in first otherwise. */
export function Account({ children }: { children?: ReactNode }) {
  const shop = useShop();
  if (!shop.shopperToken) return <SignIn />;
  return <>{children ?? <MemberCentre />}</>;
}

/** Email (or phone) and a one-time code; the account is made on first sign-in. */
function SignIn() {
  const { t, lang } = useI18n();
  const [form] = Form.useForm();
  const [sentTo, setSentTo] = useState<string | null>(null);
  const contact = (v: string) => (v.includes('@') ? { email: v } : { phone: v });
  const send = useMutation({
    mutationFn: (v: { who: string }) => shopperApi.post('/v1/shopper/auth/codes', { ...contact(v.who), locale: lang }, { token: null }),
    onSuccess: (_, v) => setSentTo(v.who),
    onError: (err) => applyProblem(form, err),
  });
  const verify = useMutation({
    mutationFn: (v: { code: string }) => shopperApi.post('/v1/shopper/auth/sessions', { ...contact(sentTo!), code: v.code, locale: lang }, { token: null }),
    onSuccess: (s) => { shopperApi.token = s.token; },
  });
  return (
    <Card title={t('Member sign-in')}>
      <ProblemAlert error={sentTo ? verify.error : send.error} />
      {!sentTo ? (
        <Form form={form} layout="vertical" onFinish={send.mutate} onValuesChange={clearErrorsOnChange(form)}>
          <Form.Item name="who" label={t('Email or mobile number')} rules={[{ required: true }]}><Input size="large" autoComplete="email" data-testid="member-contact" /></Form.Item>
          <Button type="primary" block size="large" htmlType="submit" loading={send.isPending} data-testid="send-code">{t('Send me a code')}</Button>
        </Form>
      ) : (
        <Form layout="vertical" onFinish={verify.mutate}>
          <Typography.Paragraph>{t('We sent a code to {who}.', { who: sentTo })}</Typography.Paragraph>
          <Form.Item name="code" label={t('Code')} rules={[{ required: true }]}><Input size="large" inputMode="numeric" autoComplete="one-time-code" data-testid="member-code" /></Form.Item>
          <Space>
            <Button type="primary" size="large" htmlType="submit" loading={verify.isPending} data-testid="verify-code">{t('Sign in')}</Button>
            <Button size="large" onClick={() => { setSentTo(null); verify.reset(); }}>{t('Back')}</Button>
          </Space>
        </Form>
      )}
    </Card>
  );
}

const SECTIONS = ['Vouchers', 'Coupons', 'Pickups', 'Orders', 'Appointments'] as const;

function MemberCentre() {
  const { t } = useI18n();
  // The section is in the address, so a finished booking can come back to the appointments.
  const [params, setParams] = useSearchParams();
  const section = SECTIONS.find((s) => s === params.get('section')) ?? 'Vouchers';
  const setSection = (s: string) => setParams({ section: s }, { replace: true });
  const me = useQuery({ queryKey: ['shopper-me'], queryFn: () => shopperApi.get('/v1/shopper/me') });
  const signOut = async () => {
    await shopperApi.delete('/v1/shopper/auth/sessions/current').catch(() => {});
    shopperApi.token = null;
  };
  return (
    <>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>{me.data?.name ?? me.data?.email ?? me.data?.phone ?? t('Member centre')}</Typography.Title>
        <Button size="small" onClick={signOut}>{t('Sign out')}</Button>
      </Space>
      <Membership />
      {/* Buttons that wrap rather than tabs that scroll: all five stay in sight on a phone. */}
      <Radio.Group value={section} onChange={(e) => setSection(e.target.value)} optionType="button" size="small" style={{ display: 'flex', flexWrap: 'wrap', gap: 6, margin: '12px 0' }}
        options={SECTIONS.map((k) => ({ value: k, label: t(k) }))} data-testid="member-sections" />
      {section === 'Vouchers' && <MyVouchers />}
      {section === 'Coupons' && <MyCoupons />}
      {section === 'Pickups' && <MyOrders pickupsOnly />}
      {section === 'Orders' && <MyOrders />}
      {section === 'Appointments' && <MyAppointments />}
    </>
  );
}

function MyVouchers() {
  const { t, lang } = useI18n();
  const q = useQuery({ queryKey: ['my-vouchers'], queryFn: () => shopperApi.get('/v1/shopper/vouchers') });
  return (
    <QueryView q={q} isEmpty={(d: any) => d.data.length === 0} empty={<Empty description={t('No vouchers yet')} />}>
      {(d: any) => (
        <List dataSource={d.data} renderItem={(v: any) => (
          <Card size="small" style={{ marginBottom: 12, textAlign: 'center' }} title={v.templateName} extra={<StatusTag status={v.status} />}>
            {v.status === 'active' && <Qr src={v.qr.svgDataUrl} payload={v.qr.payload} />}
            <Typography.Title level={4} copyable style={{ letterSpacing: 2, margin: '8px 0' }}>{v.code}</Typography.Title>
            <Typography.Text type="secondary">{t('{n} of {m} uses left', { n: v.usesLeft, m: v.usesTotal })} · {money(v.faceValue.amount, v.faceValue.currency, lang)} · {t('until {date}', { date: dateTime(v.expiresAt, lang) })}</Typography.Text>
          </Card>
        )} />
      )}
    </QueryView>
  );
}

function MyOrders({ pickupsOnly }: { pickupsOnly?: boolean }) {
  const { t, lang } = useI18n();
  const q = useQuery({ queryKey: ['my-orders'], queryFn: () => shopperApi.get('/v1/shopper/orders', { limit: 50 }) });
  return (
    <QueryView q={q}>
      {(d: any) => {
        if (pickupsOnly) {
          const pickups = d.data.flatMap((o: any) => o.fulfillments.filter((f: any) => f.type === 'pickup' && ['pending', 'held', 'ready'].includes(f.status)).map((f: any) => ({ o, f })));
          if (!pickups.length) return <Empty description={t('No pickups waiting')} />;
          return pickups.map(({ o, f }: any) => (
            <Card key={f.id} size="small" style={{ marginBottom: 12, textAlign: 'center' }} title={`${t('Order')} ${o.id.slice(-8)}`} extra={<StatusTag status={f.status} />}>
              <Typography.Title level={2} style={{ letterSpacing: 6, margin: 0 }}>{f.pickupCode}</Typography.Title>
              {f.qrPayload && <Qr payload={f.qrPayload} />}
            </Card>
          ));
        }
        if (!d.data.length) return <Empty description={t('No orders yet')} />;
        return (
          <List size="small" bordered style={{ background: '#fff' }} dataSource={d.data} renderItem={(o: any) => (
            <List.Item>
              <List.Item.Meta title={<Space>{o.id.slice(-8)} <StatusTag status={o.status} /></Space>} description={`${dateTime(o.createdAt, lang)} · ${o.lines.map((l: any) => l.title).join(', ')}`} />
              <span style={{ whiteSpace: 'nowrap' }}>{money(o.grandTotal, o.currency, lang)}</span>
            </List.Item>
          )} />
        );
      }}
    </QueryView>
  );
}

/** Membership: points, tier, and the rotating code a clerk scans at the till. */
function Membership() {
  const { t, lang } = useI18n();
  const membership = useQuery({
    queryKey: ['membership'],
    retry: false,
    queryFn: () => shopperApi.get('/v1/shopper/membership').catch((err) => {
      if (err instanceof ApiError && err.problem.status === 404) return null;
      throw err;
    }),
  });
  const join = useMutation({ mutationFn: () => shopperApi.post('/v1/shopper/membership'), onSuccess: () => membership.refetch() });
  // The code changes every 30 seconds; fetching it again a little sooner keeps the QR good.
  const code = useQuery({ queryKey: ['member-code'], enabled: Boolean(membership.data), refetchInterval: 25_000, queryFn: () => shopperApi.get('/v1/shopper/member-code') });
  return (
    <QueryView q={membership}>
      {(m: any) => !m ? (
        <Card size="small" style={{ textAlign: 'center' }}>
          <Typography.Paragraph>{t('Join the membership to earn points on every order, online and in store.')}</Typography.Paragraph>
          <ProblemAlert error={join.error} />
          <Button type="primary" size="large" loading={join.isPending} onClick={() => join.mutate()} data-testid="join">{t('Join')}</Button>
        </Card>
      ) : (
        <Card size="small" style={{ textAlign: 'center' }} title={m.tier?.name ?? t('Member')}>
          {code.data && <Qr src={code.data.qr} payload={code.data.code} />}
          <Typography.Paragraph type="secondary">{t('Show this at the till to earn points.')}</Typography.Paragraph>
          <Typography.Title level={3} style={{ margin: 0 }} data-testid="points">{t('{n} points', { n: m.balance })}</Typography.Title>
          {m.frozen > 0 && <Typography.Text type="secondary">{t('{n} more once the return window closes', { n: m.frozen })}</Typography.Text>}
          {m.nextTier && <Typography.Paragraph type="secondary">{t('{amount} more to {tier}', { amount: money(m.nextTier.amountToGo, 'CNY', lang), tier: m.nextTier.name })}</Typography.Paragraph>}
        </Card>
      )}
    </QueryView>
  );
}

function MyCoupons() {
  const { t, lang } = useI18n();
  const q = useQuery({ queryKey: ['my-coupons'], queryFn: () => shopperApi.get('/v1/shopper/coupons') });
  return (
    <QueryView q={q} isEmpty={(d: any) => d.data.length === 0} empty={<Empty description={t('No coupons yet')} />}>
      {(d: any) => (
        <List size="small" bordered style={{ background: '#fff' }} dataSource={d.data} renderItem={(c: any) => (
          <List.Item>
            <List.Item.Meta title={c.name} description={<>{c.code} · {c.validUntil ? t('until {date}', { date: dateTime(c.validUntil, lang) }) : ''}</>} />
            <StatusTag status={c.status} />
          </List.Item>
        )} />
      )}
    </QueryView>
  );
}
