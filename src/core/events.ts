import type {
  Api,
  ApiKeyRecord,
  Application,
  OAuthClient,
  SigningKey,
  Subscription,
  ThrottlePolicy,
} from './model.ts';

export type PublicSigningKey = Omit<SigningKey, 'privateKeyEnc'>;

export interface RevokedToken {
  jti: string;
  hash: string | null;
  expiresAt: number | null;
}

/**
 * Everything the gateway must see, as self-contained change events. Each is written to the store's
 * event log in the transaction that made the change (so a process that missed some can catch up by
 * id) and published on the bus after commit.
 */
export type ChangeEvent =
  | { type: 'application.saved'; application: Application }
  | { type: 'application.deleted'; applicationId: string }
  /** The application's tier counters start again from zero (WSO2 reset-throttle-policy). */
  | { type: 'application.throttle-reset'; applicationId: string }
  | { type: 'client.saved'; client: OAuthClient }
  | { type: 'client.deleted'; consumerKey: string }
  | { type: 'api.saved'; api: Api }
  | { type: 'api.deleted'; apiId: string }
  | { type: 'subscription.saved'; subscription: Subscription }
  | { type: 'subscription.deleted'; subscriptionId: string }
  | { type: 'policy.saved'; policy: ThrottlePolicy }
  | { type: 'policy.deleted'; policyId: string }
  | { type: 'signing-key.saved'; key: PublicSigningKey }
  | { type: 'signing-key.deleted'; kid: string }
  /** An opaque token was issued: gateways drop a negative answer they may hold for its hash. */
  | { type: 'token.issued'; hash: string }
  /** One token revoked (by its jti), listed. */
  | { type: 'tokens.revoked'; tokens: RevokedToken[] }
  /**
   * Every token of a client, user or grant revoked: the selector, not a list, so the event stays small
   * however many tokens it covers.
   */
  | { type: 'tokens.revoked-by'; selector: { consumerKey: string } | { userId: string } | { grantId: string } }
  | { type: 'api-key.saved'; key: ApiKeyRecord }
  | { type: 'api-key.revoked'; keyId: string; hash: string };

export type ChangeEventType = ChangeEvent['type'];

export interface StoredEvent {
  /** Monotonic per store: the catch-up cursor. */
  id: number;
  at: number;
  event: ChangeEvent;
}

/**
 * A listener applies events synchronously; one that forwards them elsewhere (to worker processes) may
 * return a promise that settles once they were delivered.
 */
export type ChangeListener = (events: readonly StoredEvent[], origin: EventOrigin) => void | Promise<void>;

/** `local`: committed by this process; `remote`: read from the log or received from another process. */
export type EventOrigin = 'local' | 'remote';

/** Carries committed change events to every interested component (and, in cluster mode, process). */
export interface ChangeBus {
  /** Resolves when every listener has the events, so the change that made them can then answer. */
  publish(events: readonly StoredEvent[], origin: EventOrigin): Promise<void>;
  subscribe(listener: ChangeListener): () => void;
}

/** Delivers synchronously in this process, so a change is visible here before the call that made it returns. */
export class InProcessBus implements ChangeBus {
  private readonly listeners = new Set<ChangeListener>();

  async publish(events: readonly StoredEvent[], origin: EventOrigin): Promise<void> {
    if (events.length === 0) return;
    const pending: Promise<void>[] = [];
    for (const listener of this.listeners) {
      const delivered = listener(events, origin);
      if (delivered) pending.push(delivered);
    }
    await Promise.all(pending);
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
