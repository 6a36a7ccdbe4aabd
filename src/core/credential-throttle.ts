import { AttemptLimiter, type LimitDecision } from './attempt-limiter.ts';
import type { Clock } from './clock.ts';
import { normalizeUsername } from './username.ts';

/** What a credential check was against: a user's password or an OAuth client's secret. */
export type CredentialKind = 'password' | 'clientSecret';

export interface CredentialAttempt {
  kind: CredentialKind;
  /** The username or client id as presented. */
  account: string;
  ip: string;
}

export interface ThrottlePolicy {
  /** Failures of one account from one address before that pair waits out the window. */
  perAccountAndIp: number;
  /** Failures from one address, whatever the account, before the address waits (spraying, stuffing). */
  perIp: number;
  /** Failures of one account from all addresses that raise an alert; never a refusal. */
  accountAlertAt: number;
  windowMs: number;
}

export interface AccountAlert {
  kind: CredentialKind;
  account: string;
  failures: number;
  windowSeconds: number;
}

export type GuardOutcome<T> = { throttled: true; retryAfterSeconds: number } | { throttled: false; value: T | null };

interface KindLimiters {
  byAccountAndIp: AttemptLimiter;
  byIp: AttemptLimiter;
  byAccount: AttemptLimiter;
  policy: ThrottlePolicy;
}

/**
 * The one throttle every password and client-secret check goes through (P08, T19; OWASP ASVS 4.0.3
 * 2.2.1 "soft lockout, rate limiting"): failures are counted per (account, address) and per address,
 * and either over its limit answers 429 until its window ends. An account as a whole is never
 * refused, so nobody can lock its owner out from another address; many failures for one account
 * across addresses only raise an alert (once per window) for the operator.
 */
export class CredentialThrottle {
  private readonly kinds: Record<CredentialKind, KindLimiters>;
  private readonly onAccountAlert: (alert: AccountAlert) => void;

  constructor(options: { clock: Clock; policies: Record<CredentialKind, ThrottlePolicy>; onAccountAlert?: (alert: AccountAlert) => void }) {
    const limiters = (policy: ThrottlePolicy): KindLimiters => ({
      byAccountAndIp: new AttemptLimiter({ limit: policy.perAccountAndIp, windowMs: policy.windowMs, clock: options.clock }),
      byIp: new AttemptLimiter({ limit: policy.perIp, windowMs: policy.windowMs, clock: options.clock }),
      byAccount: new AttemptLimiter({ limit: policy.accountAlertAt, windowMs: policy.windowMs, clock: options.clock }),
      policy,
    });
    this.kinds = { password: limiters(options.policies.password), clientSecret: limiters(options.policies.clientSecret) };
    this.onAccountAlert = options.onAccountAlert ?? (() => undefined);
  }

  /** Whether this attempt may be checked at all; refused attempts must not reach the password hash. */
  check(attempt: CredentialAttempt): LimitDecision {
    const { byAccountAndIp, byIp } = this.kinds[attempt.kind];
    const decisions = [byAccountAndIp.check(pairKey(attempt)), byIp.check(attempt.ip)];
    return decisions.find((d) => !d.allowed) ?? decisions[0]!;
  }

  fail(attempt: CredentialAttempt): void {
    const { byAccountAndIp, byIp, byAccount, policy } = this.kinds[attempt.kind];
    byAccountAndIp.fail(pairKey(attempt));
    byIp.fail(attempt.ip);
    const account = accountKey(attempt);
    byAccount.fail(account);
    if (byAccount.failures(account) === policy.accountAlertAt) {
      this.onAccountAlert({ kind: attempt.kind, account, failures: policy.accountAlertAt, windowSeconds: policy.windowMs / 1000 });
    }
  }

  /**
   * Runs `verify` unless the attempt is throttled, and counts its outcome: null from `verify` is a
   * failure. Throttled attempts never reach the password hash or secret lookup.
   */
  async guard<T>(attempt: CredentialAttempt, verify: () => Promise<T | null>): Promise<GuardOutcome<T>> {
    const decision = this.check(attempt);
    if (!decision.allowed) return { throttled: true, retryAfterSeconds: decision.retryAfterSeconds };
    const value = await verify();
    if (value === null) this.fail(attempt);
    else this.succeed(attempt);
    return { throttled: false, value };
  }

  /** A success clears the (account, address) pair; the address's count stays, or spraying would reset it. */
  succeed(attempt: CredentialAttempt): void {
    this.kinds[attempt.kind].byAccountAndIp.reset(pairKey(attempt));
  }
}

const accountKey = (attempt: CredentialAttempt): string => (attempt.kind === 'password' ? normalizeUsername(attempt.account) : attempt.account);
const pairKey = (attempt: CredentialAttempt): string => `${accountKey(attempt)}\u0000${attempt.ip}`;
