import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Button, Input, InputNumber, Space, Tag, Typography } from 'antd';
import { ApiError, clerkApi } from '../shared/api';
import { ProblemAlert } from '../shared/ui';
import { useT } from '../shared/i18n';

/**
 * Coupon codes and points the clerk adds to a sale. The till prices them when the sale is placed
 * (and refuses the whole sale, naming the code, if one does not apply), so here they are only
 * collected, next to what the member holds.
 */
export function SaleDiscounts({ customerId, canSpendPoints, codes, onCodes, points, onPoints, error }: {
  customerId: string | null;
  /** Points are spent only for a member whose code was scanned: they are at the till. */
  canSpendPoints: boolean;
  codes: string[];
  onCodes(codes: string[]): void;
  points: number | null;
  onPoints(points: number | null): void;
  /** The last refused sale: a problem naming couponCodes.N or points is shown on it. */
  error: unknown;
}) {
  const t = useT();
  const [code, setCode] = useState('');
  const member = useQuery({
    queryKey: ['member', customerId],
    enabled: Boolean(customerId),
    retry: false,
    queryFn: () => clerkApi.get(`/v1/members/${customerId}`),
  });
  const field = error instanceof ApiError ? error.problem.field ?? '' : '';
  const refused = /^couponCodes\.(\d+)$/.exec(field)?.[1];
  const add = (raw: string) => {
    const c = raw.trim().toUpperCase();
    if (c && !codes.includes(c)) onCodes([...codes, c]);
    setCode('');
  };
  const notMember = member.error instanceof ApiError && member.error.problem.code === 'member_not_found';
  const balance: number | undefined = member.data?.balance;

  return (
    <div style={{ marginTop: 8 }} data-testid="sale-discounts">
      <Input.Search placeholder={t('Scan or type a coupon code')} enterButton={t('Add coupon')} value={code} onChange={(e) => setCode(e.target.value)} onSearch={add} data-testid="sale-coupon" />
      {codes.length > 0 && (
        <Space size={[4, 4]} wrap style={{ marginTop: 6 }} data-testid="sale-coupons">
          {codes.map((c, i) => (
            <Tag key={c} color={String(i) === refused ? 'red' : 'green'} closable onClose={(e) => { e.preventDefault(); onCodes(codes.filter((x) => x !== c)); }}>{c}</Tag>
          ))}
        </Space>
      )}
      {customerId && (
        <div style={{ marginTop: 8 }}>
          {member.isPending ? (
            <Typography.Text type="secondary">{t('Loading points…')}</Typography.Text>
          ) : notMember ? (
            <Typography.Text type="secondary">{t('Not a member: no points to use.')}</Typography.Text>
          ) : member.isError ? (
            <ProblemAlert error={member.error} />
          ) : (
            <>
              <Typography.Text data-testid="member-balance">{t('Points balance: {n}', { n: balance ?? 0 })}</Typography.Text>
              {canSpendPoints ? (
                <>
                  <Space.Compact block style={{ marginTop: 4 }}>
                    <InputNumber min={0} max={balance} precision={0} value={points} onChange={onPoints} status={field === 'points' ? 'error' : undefined}
                      placeholder={t('Points to use')} style={{ flex: 1 }} disabled={!balance} data-testid="sale-points" />
                    <Button onClick={() => onPoints(balance ?? null)} disabled={!balance}>{t('Use all')}</Button>
                  </Space.Compact>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('At most the share of a sale points may pay is taken; the receipt shows how many.')}</Typography.Text>
                </>
              ) : (
                <Typography.Paragraph type="secondary" style={{ fontSize: 12 }} data-testid="points-need-code">{t("Scan the member's code to pay with points.")}</Typography.Paragraph>
              )}
            </>
          )}
        </div>
      )}
    </div>
  );
}
