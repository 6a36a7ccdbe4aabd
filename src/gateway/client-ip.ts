import type { BlockList } from 'node:net';
import { ipAllowed, parseIpList } from '../core/ip-match.ts';

/**
 * The client address for IP restrictions: the socket peer, unless that peer is a configured trusted
 * proxy, in which case the nearest untrusted hop of X-Forwarded-For (G17, CVE-2022-24112).
 */
export class ClientAddress {
  private readonly trusted: BlockList | null;

  constructor(trustedProxies: readonly string[]) {
    this.trusted = trustedProxies.length > 0 ? parseIpList(trustedProxies) : null;
  }

  of(peer: string, forwardedFor: string | string[] | undefined): string {
    if (!this.trusted || !ipAllowed(this.trusted, peer) || forwardedFor === undefined) return peer;
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean);
    for (let i = hops.length - 1; i >= 0; i--) {
      if (!ipAllowed(this.trusted, hops[i]!)) return hops[i]!;
    }
    return hops[0] ?? peer;
  }
}
