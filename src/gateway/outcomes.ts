/**
 * Every way the gateway can refuse a request, and the one table that maps each to its HTTP answer
 * (SPEC §5, wso2-apim.md §4.8). Verification returns these codes as data; only this file knows
 * statuses, WSO2 error codes and challenges.
 */
export type Denial =
  | 'NO_API'
  | 'NO_RESOURCE'
  | 'MISSING_CREDENTIALS'
  | 'MALFORMED_CREDENTIALS'
  | 'INVALID_CREDENTIALS'
  | 'EXPIRED_CREDENTIALS'
  | 'WRONG_TOKEN_TYPE'
  | 'API_BLOCKED'
  | 'SUBSCRIPTION_BLOCKED'
  | 'NOT_SUBSCRIBED'
  | 'RESTRICTED'
  | 'NO_SANDBOX_ENDPOINT'
  | 'NO_PRODUCTION_ENDPOINT'
  | 'INSUFFICIENT_SCOPE'
  | 'THROTTLED_API'
  | 'THROTTLED_RESOURCE'
  | 'THROTTLED_SUBSCRIPTION'
  | 'THROTTLED_APPLICATION'
  | 'UNAVAILABLE'
  /** Too many unknown credentials from one client address: further lookups wait (issue 11 §2). */
  | 'LOOKUPS_LIMITED'
  /** An unexpected failure on the request path (S06): a generic answer, never a forwarded request. */
  | 'INTERNAL_ERROR';

interface Answer {
  status: number;
  code: string;
  message: string;
  description: string;
  /** RFC 6750 §3 error for the challenge; null = challenge without error; undefined = no challenge. */
  challenge?: string | null;
}

const THROTTLED = { status: 429, message: 'Message throttled out', description: 'You have exceeded your quota' };

export const ANSWERS: Record<Denial, Answer> = {
  NO_API: { status: 404, code: '900906', message: 'No matching resource found for given API Request', description: 'Check the API context and version in the invocation URL' },
  NO_RESOURCE: { status: 403, code: '900906', message: 'No matching resource found in the API for the given request', description: 'Check the API documentation and add a proper REST resource path to the invocation URL' },
  MISSING_CREDENTIALS: {
    status: 401,
    code: '900902',
    message: 'Missing Credentials',
    description: "Invalid Credentials. Make sure your API invocation call has a header: 'Authorization : Bearer ACCESS_TOKEN' or 'apikey : API_KEY'",
    challenge: null,
  },
  MALFORMED_CREDENTIALS: { status: 400, code: '900902', message: 'Invalid Credentials', description: 'Malformed credentials in the request', challenge: 'invalid_request' },
  INVALID_CREDENTIALS: { status: 401, code: '900901', message: 'Invalid Credentials', description: 'Make sure you have provided the correct security credentials', challenge: 'invalid_token' },
  EXPIRED_CREDENTIALS: { status: 401, code: '900901', message: 'Invalid Credentials', description: 'The access token expired', challenge: 'invalid_token' },
  WRONG_TOKEN_TYPE: { status: 401, code: '900905', message: 'Incorrect Access Token Type is provided', description: 'This resource does not accept this type of access token', challenge: 'invalid_token' },
  API_BLOCKED: { status: 401, code: '900907', message: 'The requested API is temporarily blocked', description: 'The API is blocked by its publisher' },
  SUBSCRIPTION_BLOCKED: { status: 401, code: '900907', message: 'The requested API is temporarily blocked', description: 'The subscription to this API is blocked' },
  NOT_SUBSCRIBED: { status: 403, code: '900908', message: 'Resource forbidden', description: 'User is NOT authorized to access the Resource. API Subscription validation failed.' },
  RESTRICTED: { status: 403, code: '900908', message: 'Access forbidden for the invocations', description: 'The API key is not permitted from this address or referer' },
  NO_SANDBOX_ENDPOINT: { status: 403, code: '900901', message: 'Sandbox key offered to the API with no sandbox endpoint', description: 'Use a production key for this API' },
  NO_PRODUCTION_ENDPOINT: { status: 403, code: '900901', message: 'Production key offered to the API with no production endpoint', description: 'Use a sandbox key for this API' },
  INSUFFICIENT_SCOPE: {
    status: 403,
    code: '900910',
    message: 'The access token does not allow you to access the requested resource',
    description: 'The access token does not carry a scope this resource requires',
    challenge: 'insufficient_scope',
  },
  THROTTLED_API: { ...THROTTLED, code: '900800' },
  THROTTLED_RESOURCE: { ...THROTTLED, code: '900802' },
  THROTTLED_SUBSCRIPTION: { ...THROTTLED, code: '900804' },
  THROTTLED_APPLICATION: { ...THROTTLED, code: '900803' },
  LOOKUPS_LIMITED: { ...THROTTLED, code: '900800', description: 'Too many unknown credentials from this address; retry later' },
  UNAVAILABLE: { status: 503, code: '900424', message: 'temporarily_unavailable', description: 'The gateway cannot verify credentials right now; retry shortly' },
  INTERNAL_ERROR: { status: 500, code: '900900', message: 'Unclassified Authentication Failure', description: 'The gateway could not process this request' },
};

export const REALM = 'gatehouse';

export interface DenialDetails {
  /** Scopes that would have been accepted (insufficient_scope). */
  scopes?: readonly string[];
  retryAfterSeconds?: number;
}

export function denialResponse(denial: Denial, details: DenialDetails = {}): { status: number; headers: Record<string, string>; body: Record<string, string> } {
  const answer = ANSWERS[denial];
  const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' };
  if (answer.challenge === null) headers['www-authenticate'] = `Bearer realm="${REALM}"`;
  else if (answer.challenge !== undefined) {
    const scope = details.scopes?.length ? `, scope="${details.scopes.join(' ')}"` : '';
    headers['www-authenticate'] = `Bearer realm="${REALM}", error="${answer.challenge}", error_description="${answer.description}"${scope}`;
  }
  const body: Record<string, string> = { code: answer.code, message: answer.message, description: answer.description };
  if (details.retryAfterSeconds !== undefined) {
    headers['retry-after'] = String(details.retryAfterSeconds);
    body.nextAccessTime = new Date(Date.now() + details.retryAfterSeconds * 1000).toISOString();
  }
  return { status: answer.status, headers, body };
}
