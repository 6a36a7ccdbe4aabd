import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.ts';
import type { Store, WebhookDelivery } from '../store/ports.ts';
import type { WebhookService } from './webhook-service.ts';

export interface RetryPolicy {
  /** Attempts in all, the first included; default 8. */
  maxAttempts: number;
  /** Wait before the second attempt; doubled each time after (exponential backoff); default 5 s. */
  baseDelayMs: number;
  /** Longest wait between attempts; default 1 hour. */
  maxDelayMs: number;
  /** Per request; default 10 s. */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 5_000, maxDelayMs: 3_600_000, timeoutMs: 10_000 };

interface Deps {
  store: Store;
  webhooks: WebhookService;
  clock: Clock;
  log: Logger;
  retry?: Partial<RetryPolicy>;
  /** How often due deliveries are looked for; default 1 s. */
  pollMs?: number;
}

/**
 * The signature a receiver checks: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`
 * (Stripe's scheme: the timestamp inside the MAC lets a receiver refuse old replays).
 */
export function signWebhook(secret: string, body: string, timestampSeconds: number): string {
  return `t=${timestampSeconds},v1=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

/** Delivers queued webhook events off the request path, retrying failures with exponential backoff. */
export class WebhookDispatcher {
  private readonly retry: RetryPolicy;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(private readonly deps: Deps) {
    this.retry = { ...DEFAULT_RETRY, ...deps.retry };
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), this.deps.pollMs ?? 1_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Runs a delivery round now (or right after the one under way). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.round()
      .catch((error: Error) => this.deps.log.warn({ event: 'webhooks.round-failed', err: error.name }, 'webhook delivery round failed'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** One round: every delivery due now, attempted once. Exposed for tests. */
  async round(): Promise<void> {
    const due = await this.deps.store.webhooks.due(this.deps.clock.now(), 50);
    await Promise.all(due.map((d) => this.attempt(d)));
  }

  private async attempt(delivery: WebhookDelivery): Promise<void> {
    const webhook = await this.deps.store.webhooks.findById(delivery.webhookId);
    if (!webhook) return;
    const attempts = delivery.attempts + 1;
    // Several control processes may see the same delivery due: the claim lets exactly one send it.
    const started = this.deps.clock.now();
    if (!(await this.deps.store.webhooks.claim(delivery.id, delivery.attempts, started, started + this.retry.timeoutMs + 5_000))) return;
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(webhook.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.retry.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Gatehouse-Webhooks/1',
          'gatehouse-event': delivery.eventType,
          'gatehouse-delivery': delivery.id,
          'gatehouse-signature': signWebhook(this.deps.webhooks.secretOf(webhook), delivery.payload, Math.floor(this.deps.clock.now() / 1000)),
        },
        body: delivery.payload,
      });
      status = response.status;
      await response.body?.cancel();
    } catch (e) {
      error = (e as Error).name === 'TimeoutError' ? 'timeout' : 'connection failed';
    }
    const now = this.deps.clock.now();
    if (status !== null && status >= 200 && status < 300) {
      await this.deps.store.webhooks.updateDelivery(delivery.id, { status: 'delivered', attempts, lastStatusCode: status, lastError: null, deliveredAt: now, nextAttemptAt: null });
      return;
    }
    const last = attempts >= this.retry.maxAttempts;
    const delay = Math.min(this.retry.baseDelayMs * 2 ** (attempts - 1), this.retry.maxDelayMs);
    await this.deps.store.webhooks.updateDelivery(delivery.id, {
      status: last ? 'failed' : 'pending',
      attempts,
      lastStatusCode: status,
      lastError: error ?? `HTTP ${status}`,
      nextAttemptAt: last ? null : now + delay,
    });
  }
}
