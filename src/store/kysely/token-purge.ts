import type { Kysely } from 'kysely';
import type { TokenPurgeOptions } from '../ports.ts';
import { deleteInBatches } from './batched-delete.ts';
import type { Database } from './schema.ts';

type Db = Kysely<Database>;
type Rule = (db: Db, limit: number) => Promise<{ numDeletedRows: bigint }>;

const DEFAULT_REVOKED_GRACE_MS = 3_600_000;

/** Any row of these tables past its expiry: used, consumed and revoked ones included. */
const expired =
  (table: 'access_tokens' | 'refresh_tokens' | 'authorization_codes' | 'sessions', key: string, now: number): Rule =>
  (db, limit) =>
    db
      .deleteFrom(table)
      .where(key as 'hash', 'in', (eb) =>
        eb
          .selectFrom(table as 'authorization_codes')
          .select(key as 'hash')
          .where('expires_at', '<=', now)
          .limit(limit),
      )
      .executeTakeFirst();

/** A missing opaque token is refused like a revoked one; the grace keeps recent ones for introspection and audit. */
const revokedOpaque =
  (revokedBefore: number): Rule =>
  (db, limit) =>
    db
      .deleteFrom('access_tokens')
      .where('jti', 'in', (eb) =>
        eb.selectFrom('access_tokens').select('jti').where('revoked_at', '<=', revokedBefore).where('format', '=', 'OPAQUE').limit(limit),
      )
      .executeTakeFirst();

/** A JWT whose signing key is gone can never verify again, so its revocation row is no longer needed. */
const revokedJwtWithoutKey: Rule = (db, limit) =>
  db
    .deleteFrom('access_tokens')
    .where('jti', 'in', (eb) =>
      eb
        .selectFrom('access_tokens as t')
        .select('t.jti')
        .where('t.revoked_at', 'is not', null)
        .where('t.format', '=', 'JWT')
        .where('t.kid', 'is not', null)
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('signing_keys as k').select('k.kid').whereRef('k.kid', '=', 't.kid'))))
        .limit(limit),
    )
    .executeTakeFirst();

/**
 * The token purge: deletes rows that nothing can present or look up with effect any more, each rule
 * in bounded batches (batched-delete.ts):
 * - any access token, refresh token, authorization code or session past its expiry;
 * - OPAQUE access tokens revoked more than `revokedGraceMs` ago (default 1 hour);
 * - revoked JWT access tokens whose signing key (`kid`) no longer exists in signing_keys.
 * Every other revoked JWT stays until it would have expired (forever, for a never-expiring one, while
 * its key exists): the gateway reads a missing jti row as "not revoked". Consumed or revoked refresh
 * tokens and used codes stay until their expiry, as the refresh and code grants look them up.
 */
export async function purgeTokens(db: Db, now: number, options: TokenPurgeOptions): Promise<number> {
  const rules = [
    expired('access_tokens', 'jti', now),
    revokedOpaque(now - (options.revokedGraceMs ?? DEFAULT_REVOKED_GRACE_MS)),
    revokedJwtWithoutKey,
    expired('refresh_tokens', 'id', now),
    expired('authorization_codes', 'hash', now),
    expired('sessions', 'id_hash', now),
  ];
  let total = 0;
  for (const rule of rules) total += await deleteInBatches(options, (limit) => rule(db, limit));
  return total;
}
