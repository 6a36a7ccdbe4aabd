import type { Kysely } from 'kysely';
import type { ApiKeyRecord, KeyType } from '../../core/model.ts';
import type { ApiKeyRepo } from '../ports.ts';
import { guardUnique } from './errors.ts';
import { apiKeyFromRow, apiKeyToRow } from './rows.ts';
import type { Database } from './schema.ts';

type Db = Kysely<Database>;

export class KyselyApiKeyRepo implements ApiKeyRepo {
  constructor(private readonly db: Db) {}

  async create(key: ApiKeyRecord): Promise<void> {
    await guardUnique(this.db.insertInto('api_keys').values(apiKeyToRow(key)).execute());
  }

  async findById(id: string): Promise<ApiKeyRecord | null> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? apiKeyFromRow(row) : null;
  }

  async findByHash(hash: string): Promise<ApiKeyRecord | null> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('hash', '=', hash).executeTakeFirst();
    return row ? apiKeyFromRow(row) : null;
  }

  async listByApplication(applicationId: string, keyType: KeyType): Promise<ApiKeyRecord[]> {
    const rows = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('application_id', '=', applicationId)
      .where('key_type', '=', keyType)
      .where('revoked_at', 'is', null)
      .orderBy('issued_at')
      .execute();
    return rows.map(apiKeyFromRow);
  }

  async listLive(now: number): Promise<ApiKeyRecord[]> {
    const rows = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .execute();
    return rows.map(apiKeyFromRow);
  }

  async revoke(id: string, now: number): Promise<ApiKeyRecord | null> {
    const row = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: now })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    return row ? apiKeyFromRow(row) : null;
  }

  async revokeByApplication(applicationId: string, now: number): Promise<ApiKeyRecord[]> {
    const rows = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: now })
      .where('application_id', '=', applicationId)
      .where('revoked_at', 'is', null)
      .returningAll()
      .execute();
    return rows.map(apiKeyFromRow);
  }

  async touchLastUsed(uses: ReadonlyMap<string, number>): Promise<void> {
    for (const [id, at] of uses) {
      await this.db
        .updateTable('api_keys')
        .set({ last_used_at: at })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
        .execute();
    }
  }
}
