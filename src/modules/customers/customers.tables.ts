import type { Generated } from 'kysely';

export interface CustomersTables {
  customer: {
    id: string;
    email: string | null;
    phone: string | null;
    name: string | null;
    /** A `date`: always read as text (`birthday::text`) so no time zone shifts it. */
    birthday: string | null;
    locale: 'zh-CN' | 'en' | null;
    email_verified_at: Date | null;
    phone_verified_at: Date | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  customer_sign_in_code: {
    identity: string;
    code_hash: string;
    expires_at: Date;
    attempts: Generated<number>;
    used_at: Date | null;
    last_sent_at: Date;
    window_started_at: Date;
    sent_in_window: number;
  };
  customer_session: { token_hash: string; customer_id: string; expires_at: Date; created_at: Generated<Date> };
}
