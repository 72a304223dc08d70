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
