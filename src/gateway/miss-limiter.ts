/**
 * Limits store lookups of credentials that turn out not to exist, per client address (issue 11 §2):
 * a flood of well-formed unknown credentials from one address is refused from memory after a burst,
 * so it cannot hammer the store. Credentials that are found cost nothing here, so a client minting
 * and using many fresh tokens is never limited. A token bucket per address; addresses are kept in a
 * bounded map (least recently seen dropped first).
 */
export class MissLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  refused = 0;

  constructor(
    private readonly options: { perSecond: number; burst: number; maxAddresses: number; now?: () => number },
  ) {}

  /** Whether a lookup for this address may go to the store now. */
  allow(address: string): boolean {
    const bucket = this.buckets.get(address);
    if (bucket === undefined) return true;
    if (this.refill(bucket) >= 1) return true;
    this.refused++;
    return false;
  }

  /** Seconds until the address may look up again. */
  retryAfterSeconds(address: string): number {
    const bucket = this.buckets.get(address);
    if (!bucket || bucket.tokens >= 1) return 0;
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.options.perSecond));
  }

  /** A lookup from this address found nothing. */
  charge(address: string): void {
    let bucket = this.buckets.get(address);
    if (bucket === undefined) {
      if (this.buckets.size >= this.options.maxAddresses) this.buckets.delete(this.buckets.keys().next().value!);
      bucket = { tokens: this.options.burst, at: this.clock() };
    } else {
      this.buckets.delete(address);
      this.refill(bucket);
    }
    bucket.tokens -= 1;
    this.buckets.set(address, bucket);
  }

  private refill(bucket: { tokens: number; at: number }): number {
    const now = this.clock();
    bucket.tokens = Math.min(this.options.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.options.perSecond);
    bucket.at = now;
    return bucket.tokens;
  }

  private clock(): number {
    return this.options.now ? this.options.now() : performance.now();
  }
}
