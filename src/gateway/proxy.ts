/**
 * Request headers never forwarded: hop-by-hop headers (RFC 9110 §7.6.1), the credentials the backend must
 * never see, the client-address headers only the gateway may set, Host (the backend's own is sent) and
 * Expect (answered by this server).
 */
const STRIPPED = new Set([
  'authorization',
  'apikey',
  'x-jwt-assertion',
  'proxy-authorization',
  'proxy-connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'connection',
  'expect',
  'host',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-real-ip',
]);

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
}

/**
 * The headers sent to the backend, from the client's as received (Node's flat `rawHeaders`, repeats and
 * order kept): credentials, Gatehouse's cookies, hop-by-hop headers and those the client's Connection
 * header names removed; X-Forwarded-* and X-Real-IP set by us, after, so no client header can displace
 * them; the backend JWT added.
 */
export function backendHeaders(rawHeaders: readonly string[], context: ForwardContext): string[] {
  let listed: Set<string> | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() !== 'connection') continue;
    listed ??= new Set();
    for (const name of rawHeaders[i + 1]!.split(',')) listed.add(name.trim().toLowerCase());
  }
  const headers: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const lower = name.toLowerCase();
    if (STRIPPED.has(lower) || listed?.has(lower)) continue;
    const value = lower === 'cookie' ? withoutGatehouseCookies(rawHeaders[i + 1]) : rawHeaders[i + 1];
    if (value !== undefined) headers.push(name, value);
  }
  // Each hop appends the address it received the request from: the trusted chain, then our peer.
  headers.push('x-forwarded-for', context.priorForwardedFor ? `${context.priorForwardedFor}, ${context.peer}` : context.clientIp);
  // X-Real-IP (nginx) is the address the gateway determined, never the client's claim (CVE-2022-24112).
  headers.push('x-real-ip', context.clientIp, 'x-forwarded-proto', context.proto);
  if (context.host) headers.push('x-forwarded-host', context.host);
  if (context.assertion) headers.push('x-jwt-assertion', context.assertion);
  return headers;
}

/**
 * A configured API endpoint, split once when its API is compiled (`route-table.ts`), not per request:
 * the origin undici connects to and the base path every resource path goes under. `origin` is null for
 * a URL no parser accepts: a request routed there fails (500) rather than going anywhere else.
 */
export interface Endpoint {
  origin: string | null;
  basePath: string;
}

export function parseEndpoint(url: string): Endpoint {
  try {
    const parsed = new URL(url);
    return { origin: parsed.origin, basePath: parsed.pathname };
  } catch {
    return { origin: null, basePath: '' };
  }
}

/**
 * Where a request goes: the endpoint's origin, and its base path joined with the (normalised) resource
 * path and the client's query exactly as sent (never normalised).
 */
export function backendTarget(endpoint: Endpoint, resourcePath: string, query: string): { origin: string; path: string } {
  const { origin, basePath } = endpoint;
  if (origin === null) throw new Error('the API endpoint is not a usable URL');
  const path = resourcePath === '/' ? basePath : basePath === '/' ? resourcePath : `${basePath}${resourcePath}`;
  return { origin, path: query === '' ? path : `${path}?${query}` };
}
