import type { IncomingHttpHeaders } from 'node:http';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1), the credentials the backend must never see, and the client-address
 * headers only the gateway may set.
 */
const STRIPPED = [
  'authorization',
  'apikey',
  'x-jwt-assertion',
  'proxy-authorization',
  'proxy-connection',
  'keep-alive',
  'te',
  'trailer',
  'upgrade',
  'connection',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-real-ip',
];

/**
 * Gatehouse's own cookies (portal session, CSRF, flash; `__Host-` variants under TLS). Browsers scope
 * cookies by host, not port, so a portal and a gateway on one hostname share them: the gateway must
 * not hand a signed-in user's portal session to an API backend.
 */
const GATEHOUSE_COOKIE = /^(?:__Host-)?gatehouse-/;

/** The Cookie header without Gatehouse's cookies (undefined when nothing is left); others pass unchanged. */
export function withoutGatehouseCookies(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const joined = Array.isArray(header) ? header.join('; ') : header;
  if (!joined.includes('gatehouse-')) return joined;
  const kept = joined
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '' && !GATEHOUSE_COOKIE.test(pair));
  return kept.length > 0 ? kept.join('; ') : undefined;
}

export interface ForwardContext {
  clientIp: string;
  /** The socket peer: the client itself, or the trusted proxy that forwarded for it. */
  peer: string;
  proto: string;
  host: string | undefined;
  /** Forwarded-for chain already vouched for by a trusted proxy (kept), or undefined. */
  priorForwardedFor: string | undefined;
  assertion: string | undefined;
  /** The query string exactly as the client sent it (without `?`): forwarded, never normalised. */
  query: string;
}

/**
 * The headers sent to the backend: credentials, Gatehouse's cookies and hop-by-hop headers removed,
 * X-Forwarded-* and X-Real-IP set by us, backend JWT added. `headers` is the proxy's own copy of the request's headers, changed in place
 * (undefined = not sent), so no request pays for another copy.
 */
export function backendHeaders(headers: IncomingHttpHeaders, context: ForwardContext): IncomingHttpHeaders {
  for (const name of STRIPPED) if (headers[name] !== undefined) headers[name] = undefined;
  if (headers.cookie !== undefined) headers.cookie = withoutGatehouseCookies(headers.cookie);
  // Each hop appends the address it received the request from: the trusted chain, then our peer.
  headers['x-forwarded-for'] = context.priorForwardedFor ? `${context.priorForwardedFor}, ${context.peer}` : context.clientIp;
  // X-Real-IP (nginx) is the address the gateway determined, never the client's claim (CVE-2022-24112).
  headers['x-real-ip'] = context.clientIp;
  headers['x-forwarded-proto'] = context.proto;
  if (context.host) headers['x-forwarded-host'] = context.host;
  if (context.assertion) headers['x-jwt-assertion'] = context.assertion;
  return headers;
}

/** The backend URL without the query, which travels separately (see `ForwardContext.query`). */
export function backendUrl(endpoint: string, resourcePath: string): string {
  return resourcePath === '/' ? endpoint : `${endpoint}${resourcePath}`;
}
