import type { ApiService } from './api-service.ts';
import { isLive } from './api-service.ts';
import type { ApplicationService } from './application-service.ts';
import type { Changes } from './changes.ts';
import type { Clock } from './clock.ts';
import { UniqueViolation, conflict, invalid, notFound } from './errors.ts';
import type { Subscription, SubscriptionStatus, User } from './model.ts';
import type { Random } from './random.ts';
import { text } from './validate.ts';
import type { Page, Paged, Store } from '../store/ports.ts';

interface Deps {
  store: Store;
  changes: Changes;
  applications: ApplicationService;
  apis: ApiService;
  clock: Clock;
  random: Random;
}

/** Subscriptions of a user's applications to published APIs, each with a tier the API offers. */
export class SubscriptionService {
  constructor(private readonly deps: Deps) {}

  async subscribe(ownerId: string, input: { applicationId: unknown; apiId: unknown; throttlingPolicy?: unknown }): Promise<Subscription> {
    const application = await this.deps.applications.get(ownerId, text('applicationId', input.applicationId, { min: 1, max: 100 }));
    const api = await this.liveApi(text('apiId', input.apiId, { min: 1, max: 100 }));
    const throttlingPolicy = this.offeredTier(api.policies, input.throttlingPolicy ?? api.policies[0]);
    const now = this.deps.clock.now();
    const subscription: Subscription = {
      id: this.deps.random.uuid(),
      applicationId: application.id,
      apiId: api.id,
      throttlingPolicy,
      status: 'UNBLOCKED',
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.deps.changes.run(async (tx, emit) => {
        await tx.subscriptions.create(subscription);
        emit({ type: 'subscription.saved', subscription });
      });
    } catch (error) {
      if (error instanceof UniqueViolation) throw conflict('the application is already subscribed to this API');
      throw error;
    }
    return subscription;
  }

  async get(ownerId: string, id: string): Promise<Subscription> {
    const subscription = await this.deps.store.subscriptions.findById(id);
    if (!subscription) throw notFound('subscription');
    await this.deps.applications.get(ownerId, subscription.applicationId).catch(() => {
      throw notFound('subscription');
    });
    return subscription;
  }

  /** The caller's subscriptions of one application, or of one API across the caller's applications. */
  async list(ownerId: string, query: Page & { applicationId?: string; apiId?: string }): Promise<Paged<Subscription>> {
    if (query.applicationId) {
      await this.deps.applications.get(ownerId, query.applicationId);
      return this.deps.store.subscriptions.list(query);
    }
    if (!query.apiId) throw invalid('applicationId', 'either applicationId or apiId is required');
    const owned = new Set((await this.deps.applications.list(ownerId, { limit: 10_000, offset: 0 })).items.map((a) => a.id));
    const all = (await this.deps.store.subscriptions.list({ apiId: query.apiId, limit: 100_000, offset: 0 })).items.filter((s) =>
      owned.has(s.applicationId),
    );
    return { items: all.slice(query.offset, query.offset + query.limit), total: all.length };
  }

  async changeTier(ownerId: string, id: string, throttlingPolicy: unknown): Promise<Subscription> {
    const existing = await this.get(ownerId, id);
    const api = await this.deps.apis.get(existing.apiId);
    const tier = this.offeredTier(api.policies, throttlingPolicy);
    return this.deps.changes.run(async (tx, emit) => {
      const subscription = await tx.subscriptions.update(id, { throttlingPolicy: tier, updatedAt: this.deps.clock.now() });
      if (!subscription) throw notFound('subscription');
      emit({ type: 'subscription.saved', subscription });
      return subscription;
    });
  }

  /** Subscriptions to an API, for its provider (or an admin): WSO2 publisher `GET /subscriptions?apiId=`. */
  async listForProvider(actor: User, apiId: string, page: Page): Promise<Paged<Subscription>> {
    await this.providedApi(actor, apiId);
    return this.deps.store.subscriptions.list({ ...page, apiId });
  }

  /**
   * Blocks or unblocks a subscription to one of the actor's APIs (WSO2 publisher block-subscription):
   * BLOCKED stops every call, PROD_ONLY_BLOCKED production keys only; the gateway checks it on every call.
   */
  async setStatus(actor: User, id: string, status: SubscriptionStatus): Promise<Subscription> {
    const existing = await this.deps.store.subscriptions.findById(id);
    if (!existing) throw notFound('subscription');
    await this.providedApi(actor, existing.apiId).catch(() => {
      throw notFound('subscription');
    });
    return this.deps.changes.run(async (tx, emit) => {
      const subscription = await tx.subscriptions.update(id, { status, updatedAt: this.deps.clock.now() });
      if (!subscription) throw notFound('subscription');
      emit({ type: 'subscription.saved', subscription });
      return subscription;
    });
  }

  private async providedApi(actor: User, apiId: string) {
    const api = await this.deps.store.apis.findById(apiId);
    if (!api || (api.providerId !== actor.id && !actor.roles.includes('admin'))) throw notFound('API');
    return api;
  }

  async unsubscribe(ownerId: string, id: string): Promise<void> {
    await this.get(ownerId, id);
    await this.deps.changes.run(async (tx, emit) => {
      await tx.subscriptions.delete(id);
      emit({ type: 'subscription.deleted', subscriptionId: id });
    });
  }

  private async liveApi(id: string) {
    const api = await this.deps.store.apis.findById(id);
    if (!api || !isLive(api)) throw notFound('API');
    return api;
  }

  private offeredTier(offered: readonly string[], value: unknown): string {
    const tier = text('throttlingPolicy', value, { min: 1, max: 100 });
    if (!offered.includes(tier)) throw invalid('throttlingPolicy', `the API does not offer the ${tier} tier; offered: ${offered.join(', ')}`);
    return tier;
  }
}
