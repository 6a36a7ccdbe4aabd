/**
 * Domain errors carry a stable code, a message that is safe to show, and optionally the
 * field it concerns. Only the HTTP layers map a code to a status (one table each).
 */
export type DomainErrorCode =
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'VALIDATION'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'PRECONDITION'
  | 'UNAVAILABLE';

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly publicMessage: string;
  readonly field: string | undefined;

  constructor(code: DomainErrorCode, publicMessage: string, options: { field?: string; detail?: string } = {}) {
    super(options.detail ?? publicMessage);
    this.name = 'DomainError';
    this.code = code;
    this.publicMessage = publicMessage;
    this.field = options.field;
  }
}

export const notFound = (what: string): DomainError => new DomainError('NOT_FOUND', `${what} not found`);

export const invalid = (field: string, message: string): DomainError =>
  new DomainError('VALIDATION', message, { field });

export const conflict = (message: string): DomainError => new DomainError('CONFLICT', message);

/** Thrown by store backends when a unique constraint rejects a write. */
export class UniqueViolation extends Error {
  constructor(readonly constraint: string) {
    super(`unique constraint violated: ${constraint}`);
    this.name = 'UniqueViolation';
  }
}
