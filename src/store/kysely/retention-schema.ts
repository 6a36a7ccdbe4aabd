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
