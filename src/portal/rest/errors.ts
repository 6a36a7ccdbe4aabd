import type { FastifyError } from 'fastify';
import type { z } from 'zod';
import { DomainError, type DomainErrorCode } from '../../core/errors.ts';
import { StoreUnavailable } from '../../store/store-unavailable.ts';

/**
 * REST errors in WSO2's envelope (`Error` in devportal-api.yaml): `{code, message, description,
 * moreInfo, error: [{code, message, description}]}`. `code` is the HTTP status except for the
 * authentication failures, which carry WSO2's 9009xx codes as WSO2's REST APIs do.
 */
export interface ErrorItem {
  code: string;
  /** The field the problem concerns, e.g. `name` or `additionalProperties.pkceMandatory`. */
  message: string;
  description: string;
}

export interface ErrorBody {
  code: number;
  message: string;
  description: string;
  moreInfo: string;
  error: ErrorItem[];
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthenticated',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export class RestError extends Error {
  readonly status: number;
  readonly body: ErrorBody;
  readonly headers: Record<string, string>;

  constructor(status: number, description: string, options: { code?: number; items?: ErrorItem[]; headers?: Record<string, string>; message?: string } = {}) {
    super(description);
    this.name = 'RestError';
    this.status = status;
    this.headers = options.headers ?? {};
    this.body = {
      code: options.code ?? status,
      message: options.message ?? REASONS[status] ?? 'Error',
      description,
      moreInfo: '',
      error: options.items ?? [],
    };
  }
}

/** The one table from domain error codes to HTTP statuses (STYLE: "an error mapped to two statuses" is an anti-pattern). */
export const STATUS_BY_DOMAIN_CODE: Readonly<Record<DomainErrorCode, number>> = {
  VALIDATION: 400,
  // Business-rule preconditions (a lifecycle transition from the wrong state) are bad input to WSO2 clients.
  PRECONDITION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNAVAILABLE: 503,
};

export const badRequest = (field: string, reason: string): RestError =>
  new RestError(400, `${field}: ${reason}`, { items: [{ code: '400', message: field, description: reason }] });

export const notFound = (what: string): RestError => new RestError(404, `${what} not found`);

export const unauthenticated = (description: string, invalidToken: boolean): RestError =>
  new RestError(401, description, {
    code: invalidToken ? 900901 : 900902,
    message: invalidToken ? 'Invalid Credentials' : 'Missing Credentials',
    // RFC 6750 §3: no error attribute when the request carried no credentials.
    headers: { 'www-authenticate': invalidToken ? 'Bearer realm="gatehouse", error="invalid_token"' : 'Bearer realm="gatehouse"' },
  });

export const forbidden = (description: string, code = 403): RestError => new RestError(403, description, { code });

function fromDomain(error: DomainError): RestError {
  const status = STATUS_BY_DOMAIN_CODE[error.code];
  if (error.field !== undefined) {
    const description = error.publicMessage.startsWith(error.field) ? error.publicMessage : `${error.field}: ${error.publicMessage}`;
    return new RestError(status, description, { items: [{ code: String(status), message: error.field, description: error.publicMessage }] });
  }
  return new RestError(status, error.publicMessage);
}

/**
 * The field a zod issue concerns, written like the domain validators write it (`operations[0].verb`);
 * `unrecognized_keys` name the unknown key itself.
 */
function issueField(issue: z.core.$ZodIssue, root: string): string {
  const path: PropertyKey[] = [...issue.path];
  if (issue.code === 'unrecognized_keys') path.push(issue.keys[0] ?? '');
  const field = path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), '');
  return field || root;
}

function issueReason(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return 'unknown field';
  return issue.message;
}

/** A failed request validation: 400 naming every offending field (the first one in the description). */
export function fromZodIssues(issues: readonly z.core.$ZodIssue[], root: string): RestError {
  const items = issues.slice(0, 20).map((issue) => ({ code: '400', message: issueField(issue, root), description: issueReason(issue) }));
  const first = items[0] ?? { message: root, description: 'invalid' };
  return new RestError(400, `${first.message}: ${first.description}`, { items });
}

/**
 * The store could not be reached or did not answer in time: 503. A change whose outcome is unknown says
 * so (`Gatehouse-Outcome: unknown`) — never reported as success, nor as a failure that changed nothing.
 */
function storeUnavailable(error: StoreUnavailable): RestError {
  return error.outcomeUnknown
    ? new RestError(503, 'The store stopped answering during this change: it may or may not have been applied. Read the resource again before retrying.', {
        headers: { 'retry-after': '1', 'gatehouse-outcome': 'unknown' },
      })
    : new RestError(503, 'The store is unavailable; nothing was changed. Retry shortly.', { headers: { 'retry-after': '1' } });
}

/** Maps anything thrown while serving a REST call; 5xx bodies say nothing internal (STYLE, S06). */
export function toRestError(error: unknown): RestError {
  if (error instanceof RestError) return error;
  if (error instanceof DomainError) return fromDomain(error);
  if (error instanceof StoreUnavailable) return storeUnavailable(error);
  const fastify = error as Partial<FastifyError>;
  switch (fastify.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new RestError(413, 'the request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new RestError(415, 'send the request body as application/json');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return badRequest('body', 'the request body is not valid JSON');
    default:
      break;
  }
  if (error instanceof SyntaxError) return badRequest('body', 'the request body is not valid JSON');
  if (fastify.statusCode !== undefined && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    return new RestError(400, 'malformed request');
  }
  return new RestError(500, 'The server could not complete the request');
}
