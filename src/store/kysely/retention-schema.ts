import { sql, type Kysely } from 'kysely';

/**
 * Indexes for housekeeping (schema version 0002, both dialects): the purge finds expired rows by
 * `expires_at` instead of scanning whole tables. Revoked access tokens are found through a partial
 * index: issuance inserts unrevoked rows, which the index leaves out, so it costs issuance nothing.
 */
export async function addExpiryIndexes(db: Kysely<unknown>): Promise<void> {
  for (const table of ['access_tokens', 'refresh_tokens', 'authorization_codes', 'sessions']) {
    await db.schema.createIndex(`${table}_expires_at`).on(table).column('expires_at').execute();
  }
  await db.schema
    .createIndex('access_tokens_revoked_at')
    .on('access_tokens')
    .column('revoked_at')
    .where(sql.ref('revoked_at'), 'is not', null)
    .execute();
}

/**
 * Schema version 0003 (both dialects): where each reader of the change log stands, so events every
 * live reader has passed can go early, and an index to find old events by age.
 */
export async function addEventConsumers(db: Kysely<unknown>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('event_consumers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('cursor', ms, (c) => c.notNull())
    .addColumn('seen_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('change_events_created_at').on('change_events').column('created_at').execute();
}
