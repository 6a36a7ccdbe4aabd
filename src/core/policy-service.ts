import type { Changes } from './changes.ts';
import type { Clock } from './clock.ts';
import { UniqueViolation, conflict, invalid, notFound } from './errors.ts';
import { TIME_UNITS, type PolicyLevel, type ThrottlePolicy } from './model.ts';
import type { Random } from './random.ts';
import { integer, oneOf, text } from './validate.ts';
import type { Repositories, Store } from '../store/ports.ts';

type Seed = Pick<ThrottlePolicy, 'level' | 'name' | 'displayName' | 'description' | 'requestCount' | 'stopOnQuotaReach'>;

const perMinute = (level: PolicyLevel, name: string, requestCount: number | null, description: string): Seed => ({
  level,
  name,
  displayName: name,
  description,
  requestCount,
  stopOnQuotaReach: true,
});

/** WSO2's default tiers (APIUtil.addDefaultTenantAdvancedThrottlePolicies), all per minute. */
export const DEFAULT_POLICIES: readonly Seed[] = [
  perMinute('application', '50PerMin', 50, 'Allows 50 requests per minute'),
  perMinute('application', '20PerMin', 20, 'Allows 20 requests per minute'),
  perMinute('application', '10PerMin', 10, 'Allows 10 requests per minute'),
  perMinute('application', 'Unlimited', null, 'Allows unlimited requests'),
  perMinute('subscription', 'Gold', 5000, 'Allows 5000 requests per minute'),
  perMinute('subscription', 'Silver', 2000, 'Allows 2000 requests per minute'),
  perMinute('subscription', 'Bronze', 1000, 'Allows 1000 requests per minute'),
  perMinute('subscription', 'Unlimited', null, 'Allows unlimited requests'),
  perMinute('api', '50KPerMin', 50_000, 'Allows 50000 requests per minute'),
  perMinute('api', '20KPerMin', 20_000, 'Allows 20000 requests per minute'),
  perMinute('api', '10KPerMin', 10_000, 'Allows 10000 requests per minute'),
  perMinute('api', 'Unlimited', null, 'Allows unlimited requests'),
];

export interface PolicyInput {
  name: unknown;
  displayName?: unknown;
  description?: unknown;
  requestCount: unknown;
  unitTime?: unknown;
  timeUnit?: unknown;
  stopOnQuotaReach?: unknown;
}

/** Milliseconds in one policy window. */
export function windowMs(policy: Pick<ThrottlePolicy, 'unitTime' | 'timeUnit'>): number {
  const unit = { sec: 1000, min: 60_000, hour: 3_600_000, day: 86_400_000 }[policy.timeUnit];
  return unit * policy.unitTime;
}

export class PolicyService {
  constructor(private readonly deps: { store: Store; changes: Changes; clock: Clock; random: Random }) {}

  /** Writes the default tiers of a level the first time it has none (admins may delete them later). */
  async seedDefaults(): Promise<void> {
    for (const level of ['application', 'subscription', 'api'] as const) {
      if ((await this.deps.store.policies.list(level)).length > 0) continue;
      await this.deps.changes.run(async (tx, emit) => {
        for (const seed of DEFAULT_POLICIES.filter((p) => p.level === level)) {
          const policy = this.build(seed, 1, 'min');
          await tx.policies.create(policy);
          emit({ type: 'policy.saved', policy });
        }
      });
    }
  }

  list(level: PolicyLevel): Promise<ThrottlePolicy[]> {
    return this.deps.store.policies.list(level);
  }

  async get(level: PolicyLevel, id: string): Promise<ThrottlePolicy> {
    const policy = await this.deps.store.policies.findById(id);
    if (!policy || policy.level !== level) throw notFound('throttling policy');
    return policy;
  }

  /** Throws a validation error naming `field` unless a policy of that level and name exists. */
  async requireNamed(level: PolicyLevel, name: unknown, field: string): Promise<string> {
    const value = text(field, name, { min: 1, max: 100 });
    if (!(await this.deps.store.policies.findByName(level, value))) {
      throw invalid(field, `unknown ${level} throttling policy ${JSON.stringify(value)}`);
    }
    return value;
  }

  async create(level: PolicyLevel, input: PolicyInput): Promise<ThrottlePolicy> {
    const policy = this.parse(level, input, null);
    try {
      await this.deps.changes.run(async (tx, emit) => {
        await tx.policies.create(policy);
        emit({ type: 'policy.saved', policy });
      });
    } catch (error) {
      if (error instanceof UniqueViolation) throw conflict(`a ${level} policy named ${policy.name} already exists`);
      throw error;
    }
    return policy;
  }

  async update(level: PolicyLevel, id: string, input: PolicyInput): Promise<ThrottlePolicy> {
    const existing = await this.get(level, id);
    const policy = this.parse(level, input, existing);
    if (policy.name !== existing.name) throw invalid('policyName', 'a policy cannot be renamed');
    await this.deps.changes.run(async (tx, emit) => {
      await tx.policies.update(id, policy);
      emit({ type: 'policy.saved', policy });
    });
    return policy;
  }

  /**
   * A tier still in use cannot be deleted (WSO2 refuses too): the gateway would otherwise find no limit
   * for it, and throttling would silently stop.
   */
  async delete(level: PolicyLevel, id: string): Promise<void> {
    const policy = await this.get(level, id);
    await this.deps.changes.run(async (tx, emit) => {
      const users = await this.usersOf(tx, policy);
      if (users > 0) throw conflict(`the ${level} policy ${policy.name} is still used in ${users} place(s); move them to another tier first`);
      await tx.policies.delete(id);
      emit({ type: 'policy.deleted', policyId: id });
    });
  }

  private async usersOf(tx: Repositories, policy: ThrottlePolicy): Promise<number> {
    const name = policy.name;
    if (policy.level === 'application') return (await tx.applications.listAll()).filter((a) => a.throttlingPolicy === name).length;
    const apis = await tx.apis.listAll();
    if (policy.level === 'subscription') {
      const subscriptions = (await tx.subscriptions.listAll()).filter((s) => s.throttlingPolicy === name).length;
      return subscriptions + apis.filter((a) => a.policies.includes(name)).length;
    }
    return apis.filter((a) => a.apiThrottlingPolicy === name || a.operations.some((o) => o.throttlingPolicy === name)).length;
  }

  private parse(level: PolicyLevel, input: PolicyInput, existing: ThrottlePolicy | null): ThrottlePolicy {
    const name = text('policyName', input.name, { min: 1, max: 60 });
    if (!/^[A-Za-z0-9_-]+$/.test(name)) throw invalid('policyName', 'policyName may contain only letters, digits, _ and -');
    const requestCount = input.requestCount === null ? null : integer('requestCount', input.requestCount, { min: 1, max: 2_000_000_000 });
    const timeUnit = oneOf('timeUnit', input.timeUnit ?? 'min', TIME_UNITS);
    const unitTime = integer('unitTime', input.unitTime ?? 1, { min: 1, max: 1000 });
    const policy = this.build(
      {
        level,
        name,
        displayName: text('displayName', input.displayName ?? name, { min: 1, max: 100 }),
        description: text('description', input.description ?? '', { max: 1000, multiline: true }),
        requestCount,
        stopOnQuotaReach: input.stopOnQuotaReach === undefined ? true : input.stopOnQuotaReach === true,
      },
      unitTime,
      timeUnit,
    );
    return existing ? { ...policy, id: existing.id, createdAt: existing.createdAt } : policy;
  }

  private build(seed: Seed, unitTime: number, timeUnit: ThrottlePolicy['timeUnit']): ThrottlePolicy {
    const now = this.deps.clock.now();
    return { ...seed, id: this.deps.random.uuid(), unitTime, timeUnit, createdAt: now, updatedAt: now };
  }
}
