import { BlockList, isIP } from 'node:net';

/** Parses a comma-separated IP / CIDR list (IPv4 and IPv6) into a matcher; throws on a bad entry. */
export function parseIpList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix, extra] = entry.split('/');
    const family = isIP(address ?? '');
    if (!family || extra !== undefined) throw new Error(`invalid IP or CIDR ${JSON.stringify(entry)}`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) {
      list.addAddress(address!, type);
      continue;
    }
    const bits = Number(prefix);
    if (!/^\d+$/.test(prefix) || bits > (family === 4 ? 32 : 128)) throw new Error(`invalid CIDR prefix in ${JSON.stringify(entry)}`);
    list.addSubnet(address!, bits, type);
  }
  return list;
}

/** Whether `ip` (as Node reports it, possibly IPv4-mapped IPv6) is in the list. */
export function ipAllowed(list: BlockList, ip: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const address = mapped ? mapped[1]! : ip;
  const family = isIP(address);
  if (!family) return false;
  return list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * One permitted-Referer pattern, WSO2's `[scheme://]host[:port][/path]` with `*` wildcards, taken apart
 * so each part is matched on its own against the parsed Referer (WHATWG URL): a wildcard can never
 * reach from the path into the host, or past `?`, `#` or `@` (Referer bypasses with
 * `https://evil.com/https://a.example.com/` and the like).
 */
interface RefererPattern {
  /** `http:` / `https:`; both when the pattern names no scheme or `*`. */
  schemes: readonly string[];
  /** The host, lower-case and punycode (as URL.hostname), a `*` label standing for one or more labels. */
  host: RegExp;
  /** The port as URL.port ('' = the scheme's default); null = any (`:*`). */
  port: string | null;
  /** Matched against pathname + search; null when the pattern has no path (any path). */
  path: RegExp | null;
}

const PATTERN_PARTS = /^(?:([A-Za-z*][A-Za-z0-9+.-]*):\/\/)?([^/?#]*)(.*)$/;
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function parseRefererPattern(pattern: string): RefererPattern {
  const fail = (why: string) => new Error(`invalid Referer pattern ${JSON.stringify(pattern)}: ${why}`);
  const [, scheme, authority = '', rest = ''] = PATTERN_PARTS.exec(pattern.trim()) ?? [];
  const schemes = scheme === undefined || scheme === '*' ? ['http:', 'https:'] : [`${scheme.toLowerCase()}:`];
  if (!schemes.every((s) => s === 'http:' || s === 'https:')) throw fail('the scheme must be http, https or *');
  if (authority.includes('@')) throw fail('no user information');
  const portAt = /:(\d+|\*)$/.exec(authority);
  const hostText = portAt ? authority.slice(0, portAt.index) : authority;
  if (hostText.split('.').some((label) => label.includes('*') && label !== '*')) throw fail('a * in the host must be a whole label');
  let normalised: URL;
  try {
    normalised = new URL(`http://${hostText}${portAt && portAt[1] !== '*' ? `:${portAt[1]}` : ''}/`);
  } catch {
    throw fail('not a host name');
  }
  if (normalised.hostname === '') throw fail('no host');
  const host = new RegExp(`^${normalised.hostname.split('.').map((l) => (l === '*' ? '[^.]+(?:\\.[^.]+)*' : escapeRegExp(l))).join('\\.')}$`);
  // http://host:80 and https://host:443 normalise the port away, as they do in a Referer.
  const port = portAt?.[1] === '*' ? null : (portAt?.[1] ?? '');
  if (rest !== '' && !rest.startsWith('/')) throw fail('the path must start with /');
  const path = rest === '' ? null : new RegExp(`^${rest.split('*').map(escapeRegExp).join('.*')}$`, 's');
  return { schemes, host, port, path };
}

function refererAllowed(pattern: RefererPattern, url: URL): boolean {
  if (!pattern.schemes.includes(url.protocol) || !pattern.host.test(url.hostname)) return false;
  const defaultPort = url.protocol === 'https:' ? '443' : '80';
  if (pattern.port !== null && url.port !== pattern.port && !(url.port === '' && pattern.port === defaultPort)) return false;
  return pattern.path === null || pattern.path.test(url.pathname + url.search);
}

/**
 * Referer patterns (WSO2 `permittedReferer`), e.g. `https://*.example.com/*`, `*.example.com/*`,
 * `example.com`. Throws on a pattern it cannot read. A Referer that is not an absolute http(s) URL, or
 * carries user information, matches nothing.
 */
export function refererMatcher(patterns: readonly string[]): (referer: string) => boolean {
  const parsed = patterns.map(parseRefererPattern);
  return (referer) => {
    let url: URL;
    try {
      url = new URL(referer);
    } catch {
      return false;
    }
    if (url.username !== '' || url.password !== '') return false;
    return parsed.some((p) => refererAllowed(p, url));
  };
}
