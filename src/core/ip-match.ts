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

/** Referer patterns with `*` wildcards (WSO2: `*` → any run of non-space characters). */
export function refererMatcher(patterns: readonly string[]): (referer: string) => boolean {
  const regexes = patterns.map(
    (p) => new RegExp(`^${p.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('[^ ]*')}$`),
  );
  return (referer) => regexes.some((r) => r.test(referer));
}
