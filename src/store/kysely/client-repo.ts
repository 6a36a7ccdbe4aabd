import type { Kysely } from 'kysely';
import type { ClientSecret, KeyPurpose, OAuthClient, SigningKey, TokenType } from '../../core/model.ts';
import type { ClientCredentials, ClientRepo, SigningKeyRepo } from '../ports.ts';
import { guardUnique } from './errors.ts';
import type { Precompiled } from './precompiled.ts';
import { clientFromRow, clientToRow, flag, secretFromRow, signingKeyFromRow } from './rows.ts';
import type { Database } from './schema.ts';

type Db = Kysely<Database>;
type ClientPatch = Parameters<ClientRepo['update']>[1];

export class KyselyClientRepo implements ClientRepo {
  constructor(
    private readonly db: Db,
    private readonly precompiled: Precompiled,
  ) {}

  async create(client: OAuthClient): Promise<void> {
    await guardUnique(this.db.insertInto('clients').values(clientToRow(client)).execute());
  }

  async findForAuthentication(consumerKey: string): Promise<ClientCredentials | null> {
    const { rows } = await this.precompiled.run(this.db, 'clients.findForAuthentication', (slot) => authenticationQuery(this.db, slot(0)), [consumerKey]);
    return credentialsFromRows(consumerKey, rows);
  }

  async guardUnchanged(consumerKey: string, updatedAt: number): Promise<boolean> {
    const result = await this.precompiled.run(
      this.db,
      'clients.guardUnchanged',
      (slot) => this.db.updateTable('clients').set({ updated_at: slot(1) as never }).where('consumer_key', '=', slot(0)).where('updated_at', '=', slot(1) as never),
      [consumerKey, updatedAt],
    );
    return Number(result.numAffectedRows ?? 0) === 1;
  }

  async touch(consumerKey: string, now: number): Promise<void> {
    await this.db
      .updateTable('clients')
      .set((eb) => ({ updated_at: eb.case().when('updated_at', '>=', now).then(eb('updated_at', '+', 1)).else(now).end() }))
      .where('consumer_key', '=', consumerKey)
      .execute();
  }

  async findByConsumerKey(consumerKey: string): Promise<OAuthClient | null> {
    const row = await this.db.selectFrom('clients').selectAll().where('consumer_key', '=', consumerKey).executeTakeFirst();
    return row ? clientFromRow(row) : null;
  }

  async findByKeyMappingId(keyMappingId: string): Promise<OAuthClient | null> {
    const row = await this.db.selectFrom('clients').selectAll().where('key_mapping_id', '=', keyMappingId).executeTakeFirst();
    return row ? clientFromRow(row) : null;
  }

  async listByApplication(applicationId: string): Promise<OAuthClient[]> {
    const rows = await this.db
      .selectFrom('clients')
      .selectAll()
      .where('application_id', '=', applicationId)
      .orderBy('key_type')
      .execute();
    return rows.map(clientFromRow);
  }

  async listApplicationClients(): Promise<OAuthClient[]> {
    const rows = await this.db.selectFrom('clients').selectAll().where('kind', '=', 'application').execute();
    return rows.map(clientFromRow);
  }

  async update(consumerKey: string, patch: ClientPatch): Promise<OAuthClient | null> {
    const row = await this.db
      .updateTable('clients')
      .set({
        ...(patch.grantTypes !== undefined && { grant_types: JSON.stringify(patch.grantTypes) }),
        ...(patch.callbackUrl !== undefined && { callback_url: patch.callbackUrl }),
        ...(patch.appTokenTtlSeconds !== undefined && { app_token_ttl: patch.appTokenTtlSeconds }),
        ...(patch.userTokenTtlSeconds !== undefined && { user_token_ttl: patch.userTokenTtlSeconds }),
        ...(patch.refreshTokenTtlSeconds !== undefined && { refresh_token_ttl: patch.refreshTokenTtlSeconds }),
        ...(patch.pkceMandatory !== undefined && { pkce_mandatory: flag(patch.pkceMandatory) }),
        ...(patch.updatedAt !== undefined && { updated_at: patch.updatedAt }),
      })
      .where('consumer_key', '=', consumerKey)
      .returningAll()
      .executeTakeFirst();
    return row ? clientFromRow(row) : null;
  }

  async delete(consumerKey: string): Promise<boolean> {
    await this.deleteSecrets(consumerKey);
    const result = await this.db.deleteFrom('clients').where('consumer_key', '=', consumerKey).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async addSecret(s: ClientSecret): Promise<void> {
    await guardUnique(
      this.db
        .insertInto('client_secrets')
        .values({
          id: s.id,
          consumer_key: s.consumerKey,
          hash: s.hash,
          start: s.start,
          description: s.description,
          created_at: s.createdAt,
          expires_at: s.expiresAt,
        })
        .execute(),
    );
  }

  async listSecrets(consumerKey: string): Promise<ClientSecret[]> {
    const rows = await this.db
      .selectFrom('client_secrets')
      .selectAll()
      .where('consumer_key', '=', consumerKey)
      .orderBy('created_at')
      .execute();
    return rows.map(secretFromRow);
  }

  async deleteSecret(consumerKey: string, secretId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('client_secrets')
      .where('consumer_key', '=', consumerKey)
      .where('id', '=', secretId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async deleteSecrets(consumerKey: string): Promise<number> {
    const result = await this.db.deleteFrom('client_secrets').where('consumer_key', '=', consumerKey).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** The client, its application's token type, its owner's state and its secrets: one row per secret. */
function authenticationQuery(db: Db, consumerKey: string) {
  return db
    .selectFrom('clients')
    .leftJoin('applications', 'applications.id', 'clients.application_id')
    .leftJoin('client_secrets', 'client_secrets.consumer_key', 'clients.consumer_key')
    .leftJoin('users', 'users.id', 'clients.owner_id')
    .selectAll('clients')
    .select([
      'applications.token_type',
      'users.disabled as owner_disabled',
      'client_secrets.id as secret_id',
      'client_secrets.hash as secret_hash',
      'client_secrets.start as secret_start',
      'client_secrets.description as secret_description',
      'client_secrets.created_at as secret_created_at',
      'client_secrets.expires_at as secret_expires_at',
    ])
    .where('clients.consumer_key', '=', consumerKey);
}

type AuthenticationRow = Awaited<ReturnType<ReturnType<typeof authenticationQuery>['execute']>>[number];

function credentialsFromRows(consumerKey: string, rows: readonly AuthenticationRow[]): ClientCredentials | null {
  const first = rows[0];
  if (!first) return null;
  const secrets: ClientSecret[] = [];
  for (const r of rows) {
    if (r.secret_id === null || r.secret_hash === null) continue;
    secrets.push({
      id: r.secret_id,
      consumerKey,
      hash: r.secret_hash,
      start: r.secret_start ?? '',
      description: r.secret_description ?? '',
      createdAt: r.secret_created_at ?? 0,
      expiresAt: r.secret_expires_at,
    });
  }
  return { client: clientFromRow(first), tokenType: (first.token_type ?? 'JWT') as TokenType, secrets, ownerActive: first.owner_disabled === 0 };
}

export class KyselySigningKeyRepo implements SigningKeyRepo {
  constructor(private readonly db: Db) {}

  async create(k: SigningKey): Promise<void> {
    await guardUnique(
      this.db
        .insertInto('signing_keys')
        .values({
          kid: k.kid,
          purpose: k.purpose,
          alg: k.alg,
          public_jwk: JSON.stringify(k.publicJwk),
          private_key_enc: k.privateKeyEnc,
          status: k.status,
          created_at: k.createdAt,
          retired_at: k.retiredAt,
        })
        .execute(),
    );
  }

  async list(purpose: KeyPurpose): Promise<SigningKey[]> {
    const rows = await this.db.selectFrom('signing_keys').selectAll().where('purpose', '=', purpose).orderBy('created_at').execute();
    return rows.map(signingKeyFromRow);
  }

  async retireActive(purpose: KeyPurpose, at: number): Promise<void> {
    await this.db
      .updateTable('signing_keys')
      .set({ status: 'retired', retired_at: at })
      .where('purpose', '=', purpose)
      .where('status', '=', 'active')
      .execute();
  }

  async delete(kid: string): Promise<boolean> {
    const result = await this.db.deleteFrom('signing_keys').where('kid', '=', kid).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
