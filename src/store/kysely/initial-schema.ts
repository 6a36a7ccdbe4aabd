import { sql, type Kysely } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

/**
 * The first schema version, written once for both dialects: they differ only in the type of
 * epoch-millisecond columns (SQLite INTEGER is 64-bit, PostgreSQL needs BIGINT) and the change-log id.
 */
export async function createInitialSchema(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('roles', 'text', (c) => c.notNull())
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('applications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('throttling_policy', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('token_type', 'text', (c) => c.notNull())
    .addColumn('attributes', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addUniqueConstraint('applications_owner_name', ['owner_id', 'name'])
    .execute();

  await db.schema
    .createTable('clients')
    .addColumn('consumer_key', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('key_mapping_id', 'text', (c) => c.unique())
    .addColumn('application_id', 'text', (c) => c.references('applications.id'))
    .addColumn('key_type', 'text')
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('grant_types', 'text', (c) => c.notNull())
    .addColumn('callback_url', 'text')
    .addColumn('app_token_ttl', ms, (c) => c.notNull())
    .addColumn('user_token_ttl', ms, (c) => c.notNull())
    .addColumn('refresh_token_ttl', ms, (c) => c.notNull())
    .addColumn('pkce_mandatory', 'integer', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addUniqueConstraint('clients_application_key_type', ['application_id', 'key_type'])
    .execute();

  await db.schema
    .createTable('client_secrets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('consumer_key', 'text', (c) => c.notNull().references('clients.consumer_key'))
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .addColumn('start', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('expires_at', ms)
    .execute();
  await db.schema.createIndex('client_secrets_consumer_key').on('client_secrets').column('consumer_key').execute();

  await db.schema
    .createTable('apis')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('context', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('provider_id', 'text', (c) => c.notNull())
    .addColumn('lifecycle_status', 'text', (c) => c.notNull())
    .addColumn('production_url', 'text')
    .addColumn('sandbox_url', 'text')
    .addColumn('operations', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('policies', 'text', (c) => c.notNull())
    .addColumn('security_scheme', 'text', (c) => c.notNull())
    .addColumn('api_throttling_policy', 'text')
    .addColumn('backend_jwt', 'integer', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addUniqueConstraint('apis_context_version', ['context', 'version'])
    .execute();

  await db.schema
    .createTable('subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id'))
    .addColumn('api_id', 'text', (c) => c.notNull().references('apis.id'))
    .addColumn('throttling_policy', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addUniqueConstraint('subscriptions_application_api', ['application_id', 'api_id'])
    .execute();
  await db.schema.createIndex('subscriptions_api').on('subscriptions').column('api_id').execute();

  await db.schema
    .createTable('throttle_policies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('request_count', ms)
    .addColumn('unit_time', 'integer', (c) => c.notNull())
    .addColumn('time_unit', 'text', (c) => c.notNull())
    .addColumn('stop_on_quota_reach', 'integer', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addUniqueConstraint('throttle_policies_level_name', ['level', 'name'])
    .execute();

  await db.schema
    .createTable('signing_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('alg', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('private_key_enc', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('retired_at', ms)
    .execute();
  // At most one active key per purpose, so concurrent cold starts generate exactly one (C05).
  await db.schema.createIndex('signing_keys_one_active').on('signing_keys').column('purpose').unique().where(sql.ref('status'), '=', 'active').execute();

  await db.schema
    .createTable('access_tokens')
    .addColumn('jti', 'text', (c) => c.primaryKey())
    .addColumn('hash', 'text', (c) => c.unique())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('consumer_key', 'text', (c) => c.notNull())
    .addColumn('application_id', 'text')
    .addColumn('key_type', 'text')
    .addColumn('user_id', 'text')
    .addColumn('aut', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'text', (c) => c.notNull())
    .addColumn('kid', 'text')
    .addColumn('issued_at', ms, (c) => c.notNull())
    .addColumn('expires_at', ms)
    .addColumn('revoked_at', ms)
    .execute();
  // No index on kid: only key pruning (an operator command) looks tokens up by it, and every index costs each issuance.
  for (const column of ['grant_id', 'consumer_key', 'user_id']) {
    await db.schema.createIndex(`access_tokens_${column}`).on('access_tokens').column(column).execute();
  }

  await db.schema
    .createTable('refresh_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .addColumn('consumer_key', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('issued_at', ms, (c) => c.notNull())
    .addColumn('expires_at', ms)
    .addColumn('consumed_at', ms)
    .addColumn('revoked_at', ms)
    .execute();
  for (const column of ['grant_id', 'consumer_key', 'user_id']) {
    await db.schema.createIndex(`refresh_tokens_${column}`).on('refresh_tokens').column(column).execute();
  }

  await db.schema
    .createTable('authorization_codes')
    .addColumn('hash', 'text', (c) => c.primaryKey())
    .addColumn('consumer_key', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('redirect_uri', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('code_challenge', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'text', (c) => c.notNull())
    .addColumn('issued_at', ms, (c) => c.notNull())
    .addColumn('expires_at', ms, (c) => c.notNull())
    .addColumn('consumed_at', ms)
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) => c.notNull())
    .addColumn('key_type', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .addColumn('start', 'text', (c) => c.notNull())
    .addColumn('permitted_ips', 'text', (c) => c.notNull())
    .addColumn('permitted_referers', 'text', (c) => c.notNull())
    .addColumn('issued_at', ms, (c) => c.notNull())
    .addColumn('validity_period', ms, (c) => c.notNull())
    .addColumn('expires_at', ms)
    .addColumn('last_used_at', ms)
    .addColumn('revoked_at', ms)
    .execute();
  await db.schema.createIndex('api_keys_application').on('api_keys').columns(['application_id', 'key_type']).execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('expires_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('change_events')
    .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
      dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
}
