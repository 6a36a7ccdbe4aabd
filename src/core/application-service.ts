import type { Changes } from './changes.ts';
import type { ClientService } from './client-service.ts';
import type { Clock } from './clock.ts';
import { UniqueViolation, conflict, notFound } from './errors.ts';
import { TOKEN_TYPES, type Application } from './model.ts';
import type { PolicyService } from './policy-service.ts';
import type { Random } from './random.ts';
import { oneOf, stringMap, text } from './validate.ts';
import type { Page, Paged, Store } from '../store/ports.ts';

export interface ApplicationInput {
  name: unknown;
  throttlingPolicy?: unknown;
  description?: unknown;
  tokenType?: unknown;
  attributes?: unknown;
}

interface Deps {
  store: Store;
  changes: Changes;
  clients: ClientService;
  policies: PolicyService;
  clock: Clock;
  random: Random;
}

/**
 * Applications belong to their owner: every lookup is by owner, and another user's application is
 * indistinguishable from a missing one (P05).
 */
export class ApplicationService {
  constructor(private readonly deps: Deps) {}

  async create(ownerId: string, input: ApplicationInput): Promise<Application> {
    const now = this.deps.clock.now();
    const application: Application = {
      id: this.deps.random.uuid(),
      ownerId,
      status: 'APPROVED',
      createdAt: now,
      updatedAt: now,
      ...(await this.parse(input)),
    };
    await this.write(application.name, async () =>
      this.deps.changes.run(async (tx, emit) => {
        await tx.applications.create(application);
        emit({ type: 'application.saved', application });
      }),
    );
    return application;
  }

  /** The caller's application, or NOT_FOUND (also for someone else's). */
  async get(ownerId: string, id: string): Promise<Application> {
    const application = await this.deps.store.applications.findById(id);
    if (!application || application.ownerId !== ownerId) throw notFound('application');
    return application;
  }

  list(ownerId: string, page: Page & { name?: string }): Promise<Paged<Application>> {
    return this.deps.store.applications.list({ ownerId, ...page });
  }

  async update(ownerId: string, id: string, input: ApplicationInput): Promise<Application> {
    await this.get(ownerId, id);
    const patch = await this.parse(input);
    return this.write(patch.name, () =>
      this.deps.changes.run(async (tx, emit) => {
        const application = await tx.applications.update(id, { ...patch, updatedAt: this.deps.clock.now() });
        if (!application) throw notFound('application');
        emit({ type: 'application.saved', application });
        return application;
      }),
    );
  }

  /** Starts the application tier's counters again from zero at every gateway (WSO2 reset-throttle-policy). */
  async resetThrottling(ownerId: string, id: string): Promise<void> {
    await this.get(ownerId, id);
    await this.deps.changes.run(async (_tx, emit) => emit({ type: 'application.throttle-reset', applicationId: id }));
  }

  /** Deleting an application revokes its tokens and API keys and removes its keys and subscriptions. */
  async delete(ownerId: string, id: string): Promise<void> {
    await this.get(ownerId, id);
    await this.deps.changes.run(async (tx, emit) => {
      for (const client of await tx.clients.listByApplication(id)) await this.deps.clients.deleteIn(tx, emit, client);
      for (const key of await tx.apiKeys.revokeByApplication(id, this.deps.clock.now())) {
        emit({ type: 'api-key.revoked', keyId: key.id, hash: key.hash });
      }
      for (const subscription of await tx.subscriptions.listByApplication(id)) {
        await tx.subscriptions.delete(subscription.id);
        emit({ type: 'subscription.deleted', subscriptionId: subscription.id });
      }
      await tx.applications.delete(id);
      emit({ type: 'application.deleted', applicationId: id });
    });
  }

  private async parse(input: ApplicationInput) {
    return {
      name: text('name', input.name, { min: 1, max: 100 }),
      throttlingPolicy: await this.deps.policies.requireNamed('application', input.throttlingPolicy ?? 'Unlimited', 'throttlingPolicy'),
      description: text('description', input.description ?? '', { max: 512, multiline: true }),
      tokenType: oneOf('tokenType', input.tokenType ?? 'JWT', TOKEN_TYPES),
      attributes: stringMap('attributes', input.attributes, { maxEntries: 50, maxLength: 1000 }),
    };
  }

  private async write<T>(name: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof UniqueViolation) throw conflict(`an application named ${name} already exists`);
      throw error;
    }
  }
}
