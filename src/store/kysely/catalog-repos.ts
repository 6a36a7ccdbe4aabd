import type { Kysely } from 'kysely';
import type { Api, PolicyLevel, Subscription, ThrottlePolicy } from '../../core/model.ts';
import type { ApiRepo, Page, Paged, PolicyRepo, SubscriptionRepo } from '../ports.ts';
import { guardUnique } from './errors.ts';
import { apiFromRow, apiToRow, policyFromRow, policyToRow, subscriptionFromRow } from './rows.ts';
import type { Database } from './schema.ts';

type Db = Kysely<Database>;

export class KyselyApiRepo implements ApiRepo {
  constructor(private readonly db: Db) {}

  async create(api: Api): Promise<void> {
    await guardUnique(this.db.insertInto('apis').values(apiToRow(api)).execute());
  }

  async findById(id: string): Promise<Api | null> {
    const row = await this.db.selectFrom('apis').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? apiFromRow(row) : null;
  }

  async list(page: Page & { publishedOnly?: boolean }): Promise<Paged<Api>> {
    let base = this.db.selectFrom('apis');
    if (page.publishedOnly) base = base.where('lifecycle_status', 'in', ['PUBLISHED', 'DEPRECATED']);
    const rows = await base.selectAll().orderBy('name').orderBy('version').limit(page.limit).offset(page.offset).execute();
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return { items: rows.map(apiFromRow), total: Number(total.n) };
  }

  async listAll(): Promise<Api[]> {
    return (await this.db.selectFrom('apis').selectAll().execute()).map(apiFromRow);
  }

  async update(id: string, api: Api, expectedUpdatedAt: number): Promise<boolean> {
    const { id: _id, created_at: _created, ...row } = apiToRow(api);
    const result = await guardUnique(this.db.updateTable('apis').set(row).where('id', '=', id).where('updated_at', '=', expectedUpdatedAt).executeTakeFirst());
    return Number(result.numUpdatedRows) === 1;
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('apis').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

export class KyselySubscriptionRepo implements SubscriptionRepo {
  constructor(private readonly db: Db) {}

  async create(s: Subscription): Promise<void> {
    await guardUnique(
      this.db
        .insertInto('subscriptions')
        .values({
          id: s.id,
          application_id: s.applicationId,
          api_id: s.apiId,
          throttling_policy: s.throttlingPolicy,
          status: s.status,
          created_at: s.createdAt,
          updated_at: s.updatedAt,
        })
        .execute(),
    );
  }

  async findById(id: string): Promise<Subscription | null> {
    const row = await this.db.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? subscriptionFromRow(row) : null;
  }

  async list(query: Page & { applicationId?: string; apiId?: string }): Promise<Paged<Subscription>> {
    let base = this.db.selectFrom('subscriptions');
    if (query.applicationId !== undefined) base = base.where('application_id', '=', query.applicationId);
    if (query.apiId !== undefined) base = base.where('api_id', '=', query.apiId);
    const rows = await base.selectAll().orderBy('created_at').limit(query.limit).offset(query.offset).execute();
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return { items: rows.map(subscriptionFromRow), total: Number(total.n) };
  }

  async listByApplication(applicationId: string): Promise<Subscription[]> {
    const rows = await this.db.selectFrom('subscriptions').selectAll().where('application_id', '=', applicationId).execute();
    return rows.map(subscriptionFromRow);
  }

  async listAll(): Promise<Subscription[]> {
    return (await this.db.selectFrom('subscriptions').selectAll().execute()).map(subscriptionFromRow);
  }

  async update(id: string, patch: Partial<Pick<Subscription, 'throttlingPolicy' | 'status' | 'updatedAt'>>): Promise<Subscription | null> {
    const row = await this.db
      .updateTable('subscriptions')
      .set({
        ...(patch.throttlingPolicy !== undefined && { throttling_policy: patch.throttlingPolicy }),
        ...(patch.status !== undefined && { status: patch.status }),
        ...(patch.updatedAt !== undefined && { updated_at: patch.updatedAt }),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row ? subscriptionFromRow(row) : null;
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('subscriptions').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

export class KyselyPolicyRepo implements PolicyRepo {
  constructor(private readonly db: Db) {}

  async create(policy: ThrottlePolicy): Promise<void> {
    await guardUnique(this.db.insertInto('throttle_policies').values(policyToRow(policy)).execute());
  }

  async findById(id: string): Promise<ThrottlePolicy | null> {
    const row = await this.db.selectFrom('throttle_policies').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? policyFromRow(row) : null;
  }

  async findByName(level: PolicyLevel, name: string): Promise<ThrottlePolicy | null> {
    const row = await this.db
      .selectFrom('throttle_policies')
      .selectAll()
      .where('level', '=', level)
      .where('name', '=', name)
      .executeTakeFirst();
    return row ? policyFromRow(row) : null;
  }

  async list(level: PolicyLevel): Promise<ThrottlePolicy[]> {
    const rows = await this.db
      .selectFrom('throttle_policies')
      .selectAll()
      .where('level', '=', level)
      .orderBy('created_at')
      .orderBy('name')
      .execute();
    return rows.map(policyFromRow);
  }

  async listAll(): Promise<ThrottlePolicy[]> {
    return (await this.db.selectFrom('throttle_policies').selectAll().execute()).map(policyFromRow);
  }

  async update(id: string, policy: ThrottlePolicy): Promise<void> {
    const { id: _id, created_at: _created, ...row } = policyToRow(policy);
    await guardUnique(this.db.updateTable('throttle_policies').set(row).where('id', '=', id).execute());
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('throttle_policies').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
