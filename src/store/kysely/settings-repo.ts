import { sql, type Kysely } from 'kysely';
import type { SettingsRepo } from '../ports.ts';
import type { Dialect } from './initial-schema.ts';
import type { Database } from './schema.ts';

// A type, not an interface: Kysely's withTables needs an index-signature-compatible shape.
export type SettingsTables = {
  store_settings: { name: string; value: string };
};

/** Tables whose rows hold a credential hash: a store with any such row was hashed the pre-0008 way. */
const HASHED_CREDENTIAL_TABLES = ['client_secrets', 'access_tokens', 'refresh_tokens', 'authorization_codes', 'api_keys', 'sessions'] as const;

/** What migration 0008 records for a store that already holds credential hashes (see `runtime/credential-hashing.ts`). */
const LEGACY_HASHING = '{"scheme":"legacy"}';

/**
 * Schema version 0008 (both dialects, issue 12): facts about the store itself, written once. A store
 * that already holds credential hashes is marked as hashed the way it always was, so upgrading never
 * invalidates a credential; a new store gets the peppered scheme at its first start.
 */
export async function addStoreSettings(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('store_settings')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  for (const table of HASHED_CREDENTIAL_TABLES) {
    const { rows } = await sql<{ one: number }>`select 1 as one from ${sql.table(table)} limit 1`.execute(db);
    if (rows.length > 0) {
      await sql`insert into store_settings (name, value) values ('credential_hashing', ${LEGACY_HASHING})`.execute(db);
      return;
    }
  }
}

export class KyselySettingsRepo implements SettingsRepo {
  private readonly db: Kysely<Database & SettingsTables>;
  constructor(
    db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {
    this.db = db.withTables<SettingsTables>();
  }

  async get(name: string): Promise<string | null> {
    const row = await this.db.selectFrom('store_settings').select('value').where('name', '=', name).executeTakeFirst();
    return row?.value ?? null;
  }

  async setOnce(name: string, value: string): Promise<string> {
    // One guarded insert: of processes starting together on a new store, the first one's value stays.
    const insert = this.db.insertInto('store_settings').values({ name, value });
    await (this.dialect === 'postgres' ? insert.onConflict((oc) => oc.column('name').doNothing()) : insert.orIgnore()).execute();
    return (await this.get(name))!;
  }
}
