/** RFC 6749 §5.2 error, rendered as `{error, error_description}` with no-store headers. */
export class OAuthError extends Error {
  readonly status: number;
  readonly error: string;
  readonly headers: Record<string, string>;

  constructor(status: number, error: string, description: string, headers: Record<string, string> = {}) {
    super(description);
    this.name = 'OAuthError';
    this.status = status;
    this.error = error;
    this.headers = headers;
  }
}

export const invalidRequest = (description: string): OAuthError => new OAuthError(400, 'invalid_request', description);
export const invalidGrant = (description: string): OAuthError => new OAuthError(400, 'invalid_grant', description);
export const invalidScope = (description: string): OAuthError => new OAuthError(400, 'invalid_scope', description);
export const unauthorizedClient = (description: string): OAuthError => new OAuthError(400, 'unauthorized_client', description);

/** 401 invalid_client; when the client used Basic, the challenge names that scheme (RFC 6749 §5.2). */
export const invalidClient = (basicRealm: string | null, description = 'client authentication failed'): OAuthError =>
  new OAuthError(401, 'invalid_client', description, basicRealm ? { 'www-authenticate': `Basic realm="${basicRealm}"` } : {});

/** 429 while a credential check is throttled (P08, T19); `error` is the code the endpoint uses for a failed check. */
export const throttled = (error: string, retryAfterSeconds: number): OAuthError =>
  new OAuthError(429, error, 'too many failed attempts; retry later', { 'retry-after': String(retryAfterSeconds) });

export const NO_STORE_HEADERS = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;
