import { sql, type Kysely } from 'kysely';
import { UNASSOCIATED, type ApiKeyRecord, type KeyType } from '../../core/model.ts';
import type { ApiKeyRepo } from '../ports.ts';
import type { Dialect } from './initial-schema.ts';
import { guardUnique } from './errors.ts';
import { apiKeyFromRow, apiKeyToRow } from './rows.ts';
import type { Database } from './schema.ts';

type Db = Kysely<Database>;

export class KyselyApiKeyRepo implements ApiKeyRepo {
  constructor(
    private readonly db: Db,
    private readonly dialect: Dialect,
  ) {}

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

  async listByApplication(applicationId: string, keyType: KeyType, options: { revokedSince?: number } = {}): Promise<ApiKeyRecord[]> {
    const since = options.revokedSince;
    const rows = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('application_id', '=', applicationId)
      .where('key_type', '=', keyType)
      .where((eb) => (since === undefined ? eb('revoked_at', 'is', null) : eb.or([eb('revoked_at', 'is', null), eb('revoked_at', '>=', since)])))
      .orderBy('issued_at')
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

  async listByApi(apiId: string): Promise<ApiKeyRecord[]> {
    const rows = await this.db.selectFrom('api_keys').selectAll().where('api_id', '=', apiId).where('revoked_at', 'is', null).orderBy('issued_at').execute();
    return rows.map(apiKeyFromRow);
  }

  async listUnassociated(ownerId: string): Promise<ApiKeyRecord[]> {
    const rows = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('owner_id', '=', ownerId)
      .where('origin', '=', 'api')
      .where('application_id', '=', UNASSOCIATED)
      .where('revoked_at', 'is', null)
      .orderBy('issued_at')
      .execute();
    return rows.map(apiKeyFromRow);
  }

  async rebind(id: string, binding: { applicationId: string; apiId: string | null }): Promise<ApiKeyRecord | null> {
    const row = await this.db
      .updateTable('api_keys')
      .set({ application_id: binding.applicationId, api_id: binding.apiId })
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

  /**
   * One UPDATE per flush (per TOUCH_CHUNK keys), merged across gateways: a key's last-used time only
   * moves forward, so the latest use wins whichever gateway flushes last. The times travel as one
   * JSON parameter, so the statement text is the same whatever the batch size (SQLite keeps prepared
   * statements by text).
   */
  async touchLastUsed(uses: ReadonlyMap<string, number>): Promise<void> {
    const entries = [...uses].map(([id, t]) => ({ id, t }));
    for (let start = 0; start < entries.length; start += TOUCH_CHUNK) {
      const batch = JSON.stringify(entries.slice(start, start + TOUCH_CHUNK));
      await (this.dialect === 'postgres' ? touchPostgres(batch) : touchSqlite(batch)).execute(this.db);
    }
  }
}

const TOUCH_CHUNK = 1000;

const touchPostgres = (batch: string) => sql`
  update api_keys as k set last_used_at = v.t
  from jsonb_to_recordset(${batch}::jsonb) as v(id text, t bigint)
  where k.id = v.id and (k.last_used_at is null or k.last_used_at < v.t)`;

// UPDATE … FROM needs SQLite 3.33 or later (better-sqlite3 12 bundles 3.5x).
const touchSqlite = (batch: string) => sql`
  update api_keys set last_used_at = v.t
  from (select json_extract(value, '$.id') as id, json_extract(value, '$.t') as t from json_each(${batch})) as v
  where api_keys.id = v.id and (api_keys.last_used_at is null or api_keys.last_used_at < v.t)`;
