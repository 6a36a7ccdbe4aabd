import type { IncomingHttpHeaders } from 'node:http';

export type PresentedCredential =
  | { kind: 'bearer'; token: string }
  | { kind: 'apikey'; key: string }
  | { kind: 'none' }
  /** RFC 6750 §3.1 invalid_request: a malformed header or more than one method. */
  | { kind: 'malformed'; reason: string };

// Node caps all headers at 16 KiB; anything this long that is not a known credential is simply invalid.
const MAX_CREDENTIAL_LENGTH = 16_384;
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

function single(value: string | string[] | undefined): string | undefined | null {
  if (Array.isArray(value)) return null;
  return value;
}

/**
 * Reads the request's credential (SPEC §5): `Authorization: Bearer <token>` (scheme case-insensitive,
 * RFC 7235 §2.1) or an `apikey` header. Tokens in the query string are not accepted (G04). Another
 * scheme, such as Basic, counts as no credential (RFC 6750 §3.1, G03).
 */
export function presentedCredential(headers: IncomingHttpHeaders, query: string): PresentedCredential {
  const authorization = single(headers.authorization);
  const apikey = single(headers.apikey);
  if (authorization === null || apikey === null) return { kind: 'malformed', reason: 'credential headers must be sent once' };
  if (authorization !== undefined) {
    // `<scheme> <token>`: the scheme runs to the first space, then spaces, then the token (checked below).
    const space = authorization.indexOf(' ');
    const scheme = space < 0 ? authorization : authorization.slice(0, space);
    if (scheme.length !== 6 || scheme.toLowerCase() !== 'bearer') return apikey !== undefined ? apiKey(apikey) : { kind: 'none' };
    let start = space < 0 ? authorization.length : space;
    while (authorization.charCodeAt(start) === 32) start++;
    const token = authorization.slice(start);
    if (!B64TOKEN.test(token) || token.length > MAX_CREDENTIAL_LENGTH) {
      return { kind: 'malformed', reason: 'invalid authorization header value format' };
    }
    if (/(^|&)access_token=/.test(query)) return { kind: 'malformed', reason: 'the token must only be provided using one mechanism' };
    return { kind: 'bearer', token };
  }
  if (apikey !== undefined) return apiKey(apikey);
  return { kind: 'none' };
}

function apiKey(value: string): PresentedCredential {
  const key = value.trim();
  if (key === '' || key.length > MAX_CREDENTIAL_LENGTH) return { kind: 'malformed', reason: 'invalid apikey header value' };
  return { kind: 'apikey', key };
}
