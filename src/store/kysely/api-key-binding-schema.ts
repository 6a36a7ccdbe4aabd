import type { Kysely } from 'kysely';

/**
 * Schema version 0006 (both dialects): WSO2's per-API key model. An API key may be bound to one API
 * (`api_id`), and a key made for an API (`origin` 'api') belongs to its `owner_id` until it is
 * associated with an application. Existing keys are application keys valid for every subscribed API.
 */
export async function addApiKeyBindings(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('api_keys').addColumn('origin', 'text', (c) => c.notNull().defaultTo('application')).execute();
  await db.schema.alterTable('api_keys').addColumn('api_id', 'text').execute();
  await db.schema.alterTable('api_keys').addColumn('owner_id', 'text').execute();
  await db.schema.createIndex('api_keys_api').on('api_keys').column('api_id').execute();
  await db.schema.createIndex('api_keys_owner').on('api_keys').column('owner_id').execute();
}
