import type { Generated } from 'kysely';

export interface AccessTables {
  staff_user: {
    id: string;
    email: string;
    name: string;
    role: string;
    store_ids: Generated<string[]>;
    password_hash: string;
    disabled_at: Date | null;
    created_at: Generated<Date>;
  };
  staff_session: { token_hash: string; user_id: string; expires_at: Date; created_at: Generated<Date> };
  api_key: {
    id: string;
    name: string;
    kind: 'secret' | 'publishable';
    token_hash: string;
    token_hint: string;
    scopes: string[];
    created_by: string | null;
    revoked_at: Date | null;
    last_used_at: Date | null;
    created_at: Generated<Date>;
  };
}
