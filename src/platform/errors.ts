/**
 * One error type for the whole product. Services throw AppError with a stable code; the HTTP layer
 * maps the code to a status and renders RFC 9457 problem+json. Codes are part of the public API.
 */
export interface ErrorDetails {
  field?: string;
  [key: string]: unknown;
}

export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** HTTP status per error code; a code not listed is a 400. */
const STATUS: Record<string, number> = {
  validation_failed: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  store_out_of_scope: 403,
  not_found: 404,
  conflict: 409,
  already_exists: 409,
  idempotency_in_progress: 409,
  idempotency_key_reused: 422,
  insufficient_stock: 409,
  invalid_state: 409,
  rate_limited: 429,
  contention: 503,
};

export function statusFor(code: string): number {
  return STATUS[code] ?? 400;
}

export function registerErrorStatus(codes: Record<string, number>): void {
  Object.assign(STATUS, codes);
}

export const notFound = (what: string, id: string, field?: string) =>
  new AppError('not_found', `${what} ${id} does not exist`, { ...(field ? { field } : {}), id });

export const invalid = (field: string, message: string) =>
  new AppError('validation_failed', message, { field });

const camel = (column: string) => column.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());

/**
 * A database refusal no module translated itself, as the error the client should see: a unique
 * violation means the thing already exists (a concurrent writer got there first); a deadlock or a
 * serialization failure means the same rows were changed at once and the request can simply be sent
 * again (a 503, so an Idempotency-Key is not spent on it). Anything else is left alone (a 500).
 */
export function fromDatabase(err: unknown): AppError | null {
  const e = err as { code?: unknown; constraint?: string; detail?: string };
  if (e?.code === '23505') {
    // "Key (email)=(a@b.c) already exists." names the columns; an expression key names none.
    const columns = /^Key \(([\w, ]+)\)=/.exec(e.detail ?? '')?.[1].split(', ');
    return new AppError('already_exists', 'a record with the same values already exists; it was written at the same time as this one', {
      ...(columns && { field: camel(columns[columns.length - 1]) }),
      ...(e.constraint && { constraint: e.constraint }),
    });
  }
  if (e?.code === '40P01' || e?.code === '40001') {
    return new AppError('contention', 'another request changed the same records at the same time; send this one again', { retryable: true });
  }
  return null;
}
