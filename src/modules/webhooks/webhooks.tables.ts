import type { Generated } from 'kysely';

export interface WebhooksTables {
  webhook_endpoint: {
    id: string;
    url: string;
    event_types: string[];
    description: Generated<string>;
    enabled: Generated<boolean>;
    secret: string;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  webhook_delivery: {
    id: string;
    endpoint_id: string;
    event_id: string;
    event_type: string;
    body: string;
    status: Generated<'pending' | 'delivered' | 'failed'>;
    attempts: Generated<number>;
    next_attempt_at: Generated<Date>;
    locked_until: Date | null;
    last_status_code: number | null;
    last_error: string | null;
    delivered_at: Date | null;
    created_at: Generated<Date>;
  };
  webhook_attempt: {
    id: string;
    delivery_id: string;
    attempt: number;
    status_code: number | null;
    error: string | null;
    duration_ms: number;
    created_at: Generated<Date>;
  };
}
