import type { Kysely } from 'kysely';
import type { Dialect } from './initial-schema.ts';

/** Latency histogram bounds in milliseconds; the last bucket is everything slower (issue 15 §5). */
export const LATENCY_BOUNDS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;
export const LATENCY_BUCKETS = LATENCY_BOUNDS_MS.length + 1;

type LatencyColumns = { l0: number; l1: number; l2: number; l3: number; l4: number; l5: number; l6: number; l7: number; l8: number; l9: number; l10: number; l11: number };

// A type, not an interface: Kysely's withTables needs an index-signature-compatible shape.
export type UsageTables = {
  usage_counts: {
    /** 'm' (per minute) or 'h' (per hour). */
    granularity: string;
    /** Start of the minute or hour, epoch ms. */
    bucket: number;
    application_id: string;
    key_type: string;
    credential_id: string;
    api_id: string;
    status_class: string;
    requests: number;
    throttled: number;
    latency_sum_ms: number;
  } & LatencyColumns;
};

/**
 * Schema version 0007 (both dialects, issue 15 §5): request counts per (granularity, bucket,
 * application, key type, credential, API, status class), with a fixed-bucket latency histogram. Every
 * gateway adds its counts to the same row (upsert adding), so the table is cluster-wide.
 */
export async function addUsageCounts(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const big = dialect === 'postgres' ? 'bigint' : 'integer';
  let table = db.schema
    .createTable('usage_counts')
    .addColumn('granularity', 'text', (c) => c.notNull())
    .addColumn('bucket', big, (c) => c.notNull())
    .addColumn('application_id', 'text', (c) => c.notNull())
    .addColumn('key_type', 'text', (c) => c.notNull())
    .addColumn('credential_id', 'text', (c) => c.notNull())
    .addColumn('api_id', 'text', (c) => c.notNull())
    .addColumn('status_class', 'text', (c) => c.notNull())
    .addColumn('requests', big, (c) => c.notNull().defaultTo(0))
    .addColumn('throttled', big, (c) => c.notNull().defaultTo(0))
    .addColumn('latency_sum_ms', big, (c) => c.notNull().defaultTo(0));
  for (let i = 0; i < LATENCY_BUCKETS; i += 1) table = table.addColumn(`l${i}`, big, (c) => c.notNull().defaultTo(0));
  await table
    .addPrimaryKeyConstraint('usage_counts_pk', ['granularity', 'bucket', 'application_id', 'key_type', 'credential_id', 'api_id', 'status_class'])
    .execute();
  await db.schema.createIndex('usage_counts_app').on('usage_counts').columns(['application_id', 'granularity', 'bucket']).execute();
  await db.schema.createIndex('usage_counts_api').on('usage_counts').columns(['api_id', 'granularity', 'bucket']).execute();
}
