import type { Kysely } from 'kysely';
import type { RevokedToken } from '../../core/events.ts';
import type { AccessTokenRecord, AuthorizationCodeRecord, RefreshTokenRecord } from '../../core/model.ts';
import type { TokenPurgeOptions, TokenRepo, TokenSelector } from '../ports.ts';

import { guardUnique } from './errors.ts';
import { insertRow, type Precompiled } from './precompiled.ts';
import { accessTokenFromRow, accessTokenToRow, codeFromRow, joinScopes, refreshTokenFromRow, refreshTokenToRow } from './rows.ts';
import type { Database } from './schema.ts';
import { purgeTokens } from './token-purge.ts';

type Db = Kysely<Database>;


/** Column and value a selector picks tokens by. */
function selectorColumn(selector: TokenSelector | { hash: string }): ['jti' | 'grant_id' | 'consumer_key' | 'user_id' | 'hash', string] {
  if ('jti' in selector) return ['jti', selector.jti];
  if ('grantId' in selector) return ['grant_id', selector.grantId];
  if ('consumerKey' in selector) return ['consumer_key', selector.consumerKey];
  if ('userId' in selector) return ['user_id', selector.userId];
  return ['hash', selector.hash];
}

export class KyselyTokenRepo implements TokenRepo {
  constructor(
    private readonly db: Db,
    private readonly precompiled: Precompiled,
  ) {}

  async insertAccessToken(token: AccessTokenRecord): Promise<void> {
    await guardUnique(insertRow(this.precompiled, this.db, 'access_tokens', accessTokenToRow(token)));
  }

  async findAccessTokenByHash(hash: string): Promise<AccessTokenRecord | null> {
    const row = await this.db.selectFrom('access_tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
    return row ? accessTokenFromRow(row) : null;
  }

  async findAccessTokenByJti(jti: string): Promise<AccessTokenRecord | null> {
    const row = await this.db.selectFrom('access_tokens').selectAll().where('jti', '=', jti).executeTakeFirst();
    return row ? accessTokenFromRow(row) : null;
  }

  async revokeAccessTokens(selector: TokenSelector, now: number): Promise<RevokedToken[]> {
    const [column, value] = selectorColumn(selector);
    const rows = await this.db
      .updateTable('access_tokens')
      .set({ revoked_at: now })
      .where(column as 'jti', '=', value)
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .returning(['jti', 'hash', 'expires_at'])
      .execute();
    return rows.map((r) => ({ jti: r.jti, hash: r.hash, expiresAt: r.expires_at }));
  }



  async liveTokenExpiriesForKid(kid: string, now: number): Promise<{ count: number; neverExpires: boolean; maxExpiresAt: number | null }> {
    const live = this.db
      .selectFrom('access_tokens')
      .where('kid', '=', kid)
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
    const row = await live
      .select((eb) => [
        eb.fn.countAll<number>().as('n'),
        eb.fn.max<number | null>('expires_at').as('max_exp'),
        eb.fn.sum<number | null>(eb.case().when('expires_at', 'is', null).then(1).else(0).end()).as('forever'),
      ])
      .executeTakeFirstOrThrow();
    return {
      count: Number(row.n),
      neverExpires: Number(row.forever ?? 0) > 0,
      maxExpiresAt: row.max_exp === null ? null : Number(row.max_exp),
    };
  }

  async insertRefreshToken(t: RefreshTokenRecord): Promise<void> {
    await guardUnique(insertRow(this.precompiled, this.db, 'refresh_tokens', refreshTokenToRow(t)));
  }

  async findRefreshTokenByHash(hash: string): Promise<RefreshTokenRecord | null> {
    const row = await this.db.selectFrom('refresh_tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
    return row ? refreshTokenFromRow(row) : null;
  }

  async consumeRefreshToken(hash: string, now: number): Promise<RefreshTokenRecord | null> {
    const row = await this.db
      .updateTable('refresh_tokens')
      .set({ consumed_at: now })
      .where('hash', '=', hash)
      .where('consumed_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .returningAll()
      .executeTakeFirst();
    return row ? refreshTokenFromRow(row) : null;
  }

  async revokeRefreshTokens(selector: Exclude<TokenSelector, { jti: string }> | { hash: string }, now: number): Promise<number> {
    const [column, value] = selectorColumn(selector);
    const result = await this.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: now })
      .where(column as 'hash', '=', value)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async insertAuthorizationCode(c: AuthorizationCodeRecord): Promise<void> {
    await guardUnique(
      this.db
        .insertInto('authorization_codes')
        .values({
          hash: c.hash,
          consumer_key: c.consumerKey,
          user_id: c.userId,
          redirect_uri: c.redirectUri,
          scopes: joinScopes(c.scopes),
          code_challenge: c.codeChallenge,
          grant_id: c.grantId,
          issued_at: c.issuedAt,
          expires_at: c.expiresAt,
          consumed_at: c.consumedAt,
        })
        .execute(),
    );
  }

  async findAuthorizationCode(hash: string): Promise<AuthorizationCodeRecord | null> {
    const row = await this.db.selectFrom('authorization_codes').selectAll().where('hash', '=', hash).executeTakeFirst();
    return row ? codeFromRow(row) : null;
  }

  async consumeAuthorizationCode(hash: string, now: number): Promise<AuthorizationCodeRecord | null> {
    const row = await this.db
      .updateTable('authorization_codes')
      .set({ consumed_at: now })
      .where('hash', '=', hash)
      .where('consumed_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    return row ? codeFromRow(row) : null;
  }

  /** Deletes what can never matter again; the rules are listed in token-purge.ts. */
  purgeExpired(now: number, options: TokenPurgeOptions = {}): Promise<number> {
    return purgeTokens(this.db, now, options);
  }
}
