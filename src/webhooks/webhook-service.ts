import type { Clock } from '../core/clock.ts';
import { randomIdentifier } from '../core/credentials.ts';
import { invalid, notFound } from '../core/errors.ts';
import { ipAllowed, parseIpList } from '../core/ip-match.ts';
import type { Random } from '../core/random.ts';
import type { SecretBox } from '../core/secret-box.ts';
import type { Store, Webhook, WebhookDelivery } from '../store/ports.ts';

export const WEBHOOK_EVENTS = ['credential.leaked', 'credential.revoked'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

interface Deps {
  store: Store;
  box: SecretBox;
  clock: Clock;
  random: Random;
  /** Called after deliveries were queued, so they go out now rather than at the next poll. */
  onQueued?: () => void;
  /** GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: accept loopback and private addresses (http allowed there). */
  allowPrivate: boolean;
}

/** Loopback, private, shared, link-local and unspecified ranges (RFC 1918, 6598, 3927, 4193, 4291). */
const PRIVATE_RANGES = parseIpList(['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16', '::/128', '::1/128', 'fc00::/7', 'fe80::/10']);

/**
 * A webhook target. Subscribers register these, and the server then POSTs to them: by default only
 * https to a public host, so a webhook cannot be aimed at the control plane's own network (SSRF).
 * Only literal addresses and `localhost` are recognised; a public name resolving to a private address
 * is not (redirects are never followed, so one cannot lead there either).
 */
export function webhookUrl(value: string, allowPrivate: boolean): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid('url', 'url must be an absolute URL');
  }
  if (value.length > 2000) throw invalid('url', 'url is too long');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const internal = host === 'localhost' || host.endsWith('.localhost') || ipAllowed(PRIVATE_RANGES, host);
  if (internal && !allowPrivate) throw invalid('url', 'url must not point at a loopback or private address');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && internal)) throw invalid('url', 'url must use https (http only to a loopback or private address, where allowed)');
  return value;
}

/**
 * Outbound webhooks for `credential.leaked` and `credential.revoked`: global ones (admins) and one
 * application's (its owner). Each has a signing secret shown once and kept encrypted under the system
 * secrets (it must be usable to sign, so a hash would not do).
 */
export class WebhookService {
  constructor(private readonly deps: Deps) {}

  async create(input: { ownerId: string; applicationId: string | null; url: string; events?: readonly string[] }): Promise<{ webhook: Webhook; secret: string }> {
    const events = [...new Set(input.events ?? WEBHOOK_EVENTS)];
    const unknown = events.find((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e));
    if (unknown !== undefined || events.length === 0) throw invalid('events', `events must be some of ${WEBHOOK_EVENTS.join(', ')}`);
    const secret = `whsec_${randomIdentifier(this.deps.random, 43)}`;
    const webhook: Webhook = {
      id: this.deps.random.uuid(),
      applicationId: input.applicationId,
      ownerId: input.ownerId,
      url: webhookUrl(input.url, this.deps.allowPrivate),
      secretEnc: this.deps.box.seal(secret),
      events,
      createdAt: this.deps.clock.now(),
    };
    await this.deps.store.webhooks.create(webhook);
    return { webhook, secret };
  }

  /** One webhook, if `ownerId` may see it (null = an admin: global webhooks). */
  async get(id: string, scope: { ownerId: string } | { global: true }): Promise<Webhook> {
    const webhook = await this.deps.store.webhooks.findById(id);
    const visible = webhook && ('global' in scope ? webhook.applicationId === null : webhook.applicationId !== null && webhook.ownerId === scope.ownerId);
    if (!webhook || !visible) throw notFound('webhook');
    return webhook;
  }

  async delete(id: string, scope: { ownerId: string } | { global: true }): Promise<void> {
    await this.get(id, scope);
    await this.deps.store.webhooks.delete(id);
  }

  secretOf(webhook: Webhook): string {
    return this.deps.box.open(webhook.secretEnc);
  }

  deliveries(webhook: Webhook, limit = 50): Promise<WebhookDelivery[]> {
    return this.deps.store.webhooks.listDeliveries(webhook.id, limit);
  }

  /** Queues one delivery per matching webhook (global, and the application's own). */
  async notify(type: WebhookEvent, applicationId: string | null, data: Record<string, unknown>): Promise<number> {
    const hooks = await this.deps.store.webhooks.listFor(applicationId, type);
    const now = this.deps.clock.now();
    for (const hook of hooks) {
      const id = this.deps.random.uuid();
      await this.deps.store.webhooks.enqueue({
        id,
        webhookId: hook.id,
        eventType: type,
        payload: JSON.stringify({ id, type, createdAt: new Date(now).toISOString(), data }),
        status: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        lastStatusCode: null,
        lastError: null,
        createdAt: now,
        deliveredAt: null,
      });
    }
    if (hooks.length > 0) this.deps.onQueued?.();
    return hooks.length;
  }
}
