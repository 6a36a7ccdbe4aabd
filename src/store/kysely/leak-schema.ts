import type { Kysely } from 'kysely';
import type { Dialect } from './initial-schema.ts';

/**
 * Schema version 0005 (both dialects, issue 16): leaked credentials and the report digests that
 * stop a replayed report, the security audit log, outbound webhooks and their delivery log.
 */
// A type, not an interface: Kysely's withTables needs an index-signature-compatible shape.
export type LeakTables = {
  leaked_credentials: {
    id: string;
    credential_type: string;
    credential_id: string;
    credential_start: string | null;
    application_id: string | null;
    owner_id: string | null;
    url: string | null;
    source: string;
    reported_at: number;
    action: string;
    revoked_at: number | null;
  };
  leak_report_digests: { digest: string; received_at: number };
  audit_events: {
    id: string;
    at: number;
    type: string;
    actor: string;
    source_ip: string | null;
    credential_type: string;
    credential_id: string;
    application_id: string | null;
    owner_id: string | null;
    detail: string;
  };
  webhooks: {
    id: string;
    application_id: string | null;
    owner_id: string;
    url: string;
    secret_enc: string;
    events: string;
    created_at: number;
  };
  webhook_deliveries: {
    id: string;
    webhook_id: string;
    event_type: string;
    payload: string;
    status: string;
    attempts: number;
    next_attempt_at: number | null;
    last_status_code: number | null;
    last_error: string | null;
    created_at: number;
    delivered_at: number | null;
  };
};

export async function addLeakTables(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('leaked_credentials')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('credential_type', 'text', (c) => c.notNull())
    .addColumn('credential_id', 'text', (c) => c.notNull())
    .addColumn('credential_start', 'text')
    .addColumn('application_id', 'text')
    .addColumn('owner_id', 'text')
    .addColumn('url', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('reported_at', ms, (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('revoked_at', ms)
    .execute();
  await db.schema.createIndex('leaked_credentials_application').on('leaked_credentials').columns(['application_id', 'reported_at']).execute();

  await db.schema
    .createTable('leak_report_digests')
    .addColumn('digest', 'text', (c) => c.primaryKey())
    .addColumn('received_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('leak_report_digests_received_at').on('leak_report_digests').column('received_at').execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', ms, (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('source_ip', 'text')
    .addColumn('credential_type', 'text', (c) => c.notNull())
    .addColumn('credential_id', 'text', (c) => c.notNull())
    .addColumn('application_id', 'text')
    .addColumn('owner_id', 'text')
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_events_at').on('audit_events').column('at').execute();
  await db.schema.createIndex('audit_events_owner').on('audit_events').columns(['owner_id', 'at']).execute();

  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text')
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('secret_enc', 'text', (c) => c.notNull())
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', ms)
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('delivered_at', ms)
    .execute();
  await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('webhook_deliveries_webhook').on('webhook_deliveries').columns(['webhook_id', 'created_at']).execute();
}
