/** The Omniloop HTTP API: a token per area (console, clerk, shop) and problem+json errors as ApiError. */

export interface Problem {
  status: number;
  code: string;
  detail: string;
  field?: string;
  title?: string;
}

export class ApiError extends Error {
  constructor(public problem: Problem) {
    super(problem.detail);
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions {
  query?: Query;
  /** Overrides the area's token: a string, or null to send none. */
  token?: string | null;
  /** Value-moving POSTs carry an Idempotency-Key so a retried click is not a second sale. */
  idempotent?: boolean;
}

function randomKey(): string {
  if (typeof globalThis.crypto?.randomUUID === 'function') return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export class Api {
  private listeners = new Set<() => void>();

  constructor(private storageKey: string) {}

  get token(): string | null {
    return localStorage.getItem(this.storageKey);
  }

  set token(value: string | null) {
    if (value) localStorage.setItem(this.storageKey, value);
    else localStorage.removeItem(this.storageKey);
    for (const l of this.listeners) l();
  }

  /** Called when the token changes (sign-in, sign-out, or the server no longer knows it). */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async request<T = any>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
    const token = opts.token === undefined ? this.token : opts.token;
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (opts.idempotent) headers['idempotency-key'] = randomKey();
    let res: Response;
    try {
      res = await fetch(withQuery(path, opts.query), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError({ status: 0, code: 'network_error', detail: 'the server cannot be reached' });
    }
    const text = await res.text();
    let data: any = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = text;
    }
    if (!res.ok) {
      const problem: Problem =
        data && typeof data === 'object' && data.code
          ? { status: res.status, code: data.code, detail: data.detail ?? data.title ?? '', field: data.field, title: data.title }
          : { status: res.status, code: `http_${res.status}`, detail: typeof data === 'string' ? data.slice(0, 200) : res.statusText };
      // A token the server no longer accepts is dropped, which sends the area back to its sign-in.
      if (problem.code === 'unauthenticated' && token && token === this.token) this.token = null;
      throw new ApiError(problem);
    }
    return data as T;
  }

  get<T = any>(path: string, query?: Query, opts: RequestOptions = {}) {
    return this.request<T>('GET', path, undefined, { ...opts, query });
  }
  post<T = any>(path: string, body?: unknown, opts: RequestOptions = {}) {
    return this.request<T>('POST', path, body ?? {}, opts);
  }
  put<T = any>(path: string, body: unknown, opts: RequestOptions = {}) {
    return this.request<T>('PUT', path, body, opts);
  }
  patch<T = any>(path: string, body: unknown, opts: RequestOptions = {}) {
    return this.request<T>('PATCH', path, body, opts);
  }
  delete<T = any>(path: string, opts: RequestOptions = {}) {
    return this.request<T>('DELETE', path, undefined, opts);
  }

  /** Every page of a cursor-paged list, up to `max` items (lists name their cursor nextCursor or next). */
  async all<T = any>(path: string, query: Query = {}, opts: { max?: number; cursorParam?: string; stop?: (item: T) => boolean; token?: string | null } = {}): Promise<T[]> {
    const out: T[] = [];
    let cursor: string | null | undefined;
    const max = opts.max ?? 1000;
    do {
      const page: any = await this.get(path, { ...query, ...(cursor ? { [opts.cursorParam ?? 'cursor']: cursor } : {}) }, { token: opts.token });
      for (const item of page.data as T[]) {
        if (opts.stop?.(item)) return out;
        out.push(item);
      }
      cursor = page.nextCursor ?? page.next;
    } while (cursor && out.length < max);
    return out;
  }
}

export const consoleApi = new Api('omniloop.console.token');
export const clerkApi = new Api('omniloop.clerk.token');
export const shopperApi = new Api('omniloop.shop.token');
