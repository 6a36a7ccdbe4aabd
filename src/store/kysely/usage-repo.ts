import { sql, type Kysely } from 'kysely';
import type { UsageCount, UsageGranularity, UsageRepo, UsageTotals } from '../ports.ts';
import type { Database } from './schema.ts';
import { LATENCY_BUCKETS, type UsageTables } from './usage-schema.ts';

type Db = Kysely<Database & UsageTables>;

const GRANULARITY: Record<UsageGranularity, string> = { minute: 'm', hour: 'h' };
type LatencyColumn = 'l0' | 'l1' | 'l2' | 'l3' | 'l4' | 'l5' | 'l6' | 'l7' | 'l8' | 'l9' | 'l10' | 'l11';
const LATENCY_COLUMNS = Array.from({ length: LATENCY_BUCKETS }, (_, i) => `l${i}` as LatencyColumn);
// Large inserts are split so a flush never exceeds SQLite's bound-parameter limit (32766).
const ROWS_PER_STATEMENT = 1000;

const GROUP_COLUMN = { bucket: 'bucket', application: 'application_id', credential: 'credential_id', api: 'api_id' } as const;

export class KyselyUsageRepo implements UsageRepo {
  private readonly db: Db;
  constructor(db: Kysely<Database>) {
    this.db = db.withTables<UsageTables>();
  }

  async add(counts: readonly UsageCount[]): Promise<void> {
    for (let at = 0; at < counts.length; at += ROWS_PER_STATEMENT) {
      const rows = counts.slice(at, at + ROWS_PER_STATEMENT).map((c) => ({
        granularity: GRANULARITY[c.granularity],
        bucket: c.bucket,
        application_id: c.applicationId,
        key_type: c.keyType,
        credential_id: c.credentialId,
        api_id: c.apiId,
        status_class: c.statusClass,
        requests: c.requests,
        throttled: c.throttled,
        latency_sum_ms: Math.round(c.latencySumMs),
        ...Object.fromEntries(LATENCY_COLUMNS.map((name, i) => [name, c.latency[i] ?? 0])),
      })) as Array<UsageTables['usage_counts']>;
      // Gateways add to the same rows: the upsert adds (never read-then-write), so counts merge cluster-wide.
      const added = (column: string) => sql<number>`usage_counts.${sql.ref(column)} + excluded.${sql.ref(column)}`;
      await this.db
        .insertInto('usage_counts')
        .values(rows)
        .onConflict((oc) =>
          oc.columns(['granularity', 'bucket', 'application_id', 'key_type', 'credential_id', 'api_id', 'status_class']).doUpdateSet({
            requests: added('requests'),
            throttled: added('throttled'),
            latency_sum_ms: added('latency_sum_ms'),
            ...Object.fromEntries(LATENCY_COLUMNS.map((name) => [name, added(name)])),
          }),
        )
        .execute();
    }
  }

  async summarize(query: { granularity: UsageGranularity; from: number; to: number; filter: { applicationIds?: readonly string[]; credentialId?: string; apiId?: string }; by: keyof typeof GROUP_COLUMN }): Promise<UsageTotals[]> {
    const { filter } = query;
    if (filter.applicationIds && filter.applicationIds.length === 0) return [];
    const group = GROUP_COLUMN[query.by];
    let select = this.db
      .selectFrom('usage_counts')
      .select((eb) => [
        sql<string>`${sql.ref(group)}`.as('key'),
        eb.fn.sum<number>('requests').as('requests'),
        eb.fn.sum<number>(sql`case when status_class in ('4xx', '5xx') then requests else 0 end`).as('errors'),
        eb.fn.sum<number>('throttled').as('throttled'),
        eb.fn.sum<number>('latency_sum_ms').as('latency_sum_ms'),
        eb.fn.max<number>('bucket').as('last_bucket'),
        ...LATENCY_COLUMNS.map((name) => eb.fn.sum<number>(name).as(name)),
      ])
      .where('granularity', '=', GRANULARITY[query.granularity])
      .where('bucket', '>=', query.from)
      .where('bucket', '<', query.to);
    if (filter.applicationIds) select = select.where('application_id', 'in', [...filter.applicationIds]);
    if (filter.credentialId) select = select.where('credential_id', '=', filter.credentialId);
    if (filter.apiId) select = select.where('api_id', '=', filter.apiId);
    const rows = (await select.groupBy(group).orderBy(group).execute()) as unknown as Array<Record<string, string | number | null>>;
    return rows.map((r) => ({
      key: String(r.key),
      requests: Number(r.requests ?? 0),
      errors: Number(r.errors ?? 0),
      throttled: Number(r.throttled ?? 0),
      latencySumMs: Number(r.latency_sum_ms ?? 0),
      latency: LATENCY_COLUMNS.map((name) => Number(r[name] ?? 0)),
      lastBucket: Number(r.last_bucket ?? 0),
    }));
  }

  async prune(granularity: UsageGranularity, before: number): Promise<number> {
    const result = await this.db.deleteFrom('usage_counts').where('granularity', '=', GRANULARITY[granularity]).where('bucket', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
