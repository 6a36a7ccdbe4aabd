import type { Kysely, Migration } from 'kysely';
import { addUsernameKeys } from '../kysely/account-repos.ts';
import { addApiKeyBindings } from '../kysely/api-key-binding-schema.ts';
import { createInitialSchema } from '../kysely/initial-schema.ts';
import { addLeakTables } from '../kysely/leak-schema.ts';
import { addEventConsumers, addExpiryIndexes } from '../kysely/retention-schema.ts';
import { addStoreSettings } from '../kysely/settings-repo.ts';
import { addUsageCounts } from '../kysely/usage-schema.ts';

/** PostgreSQL schema versions, applied in key order. */
export const postgresMigrations: Record<string, Migration> = {
  '0001_initial': { up: (db: Kysely<unknown>) => createInitialSchema(db, 'postgres') },
  '0002_expiry_indexes': { up: addExpiryIndexes },
  '0003_event_consumers': { up: (db: Kysely<unknown>) => addEventConsumers(db, 'postgres') },
  '0004_username_keys': { up: addUsernameKeys },
  '0005_audit_and_webhooks': { up: (db: Kysely<unknown>) => addLeakTables(db, 'postgres') },
  '0006_api_key_bindings': { up: addApiKeyBindings },
  '0007_usage_counts': { up: (db: Kysely<unknown>) => addUsageCounts(db, 'postgres') },
  '0008_store_settings': { up: addStoreSettings },
};
