import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { Api } from './api';

/** The area's token, re-rendering when it is set or dropped. */
export function useToken(api: Api): string | null {
  const [token, setToken] = useState(api.token);
  useEffect(() => api.subscribe(() => setToken(api.token)), [api]);
  return token;
}

export interface StaffActor {
  kind: 'staff' | 'api_key';
  id: string;
  role?: 'owner' | 'operator' | 'marketer' | 'analyst' | 'clerk';
  storeIds?: string[];
  scopes: string[];
}

export function useMe(api: Api, token: string | null) {
  return useQuery<StaffActor>({ queryKey: ['me', token], queryFn: () => api.get('/v1/auth/me'), enabled: Boolean(token), staleTime: 60_000 });
}
