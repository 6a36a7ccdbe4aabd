import type { Changes, Emit } from './changes.ts';
import type { Clock } from './clock.ts';
import { seconds } from './clock.ts';
import { CredentialHasher, mintCredential, parseCredential } from './credentials.ts';
import { DomainError } from './errors.ts';
import type { RevokedToken } from './events.ts';
import type { JwtVerifier } from './jwt-verifier.ts';
import type { ActiveKey, KeyRing } from './key-ring.ts';
import { isLive, type AccessTokenRecord, type OAuthClient, type RefreshTokenRecord, type TokenType, type User } from './model.ts';
import type { Random } from './random.ts';
import type { Repositories, Store, TokenSelector } from '../store/ports.ts';

/**
 * The longest positive validity accepted for tokens, refresh tokens, key defaults and API keys: 10
 * years. Anything longer is a typo or an attempt at "forever" (`1e11` s would expire in the year
 * 5195); a negative validity is how to ask for that.
 */
export const MAX_VALIDITY_SECONDS = 10 * 365 * 86_400;

export const VALIDITY_TOO_LONG = `validity period must be at most ${MAX_VALIDITY_SECONDS} seconds (10 years); a negative one never expires`;

export interface ValidityPolicy {
  allowNeverExpiring: boolean;
  /** 0 = no cap. */
  maxValiditySeconds: number;
}

export interface IssueRequest {
  client: OAuthClient;
  tokenType: TokenType;
  user: User | null;
  scopes: string[];
  grantId: string;
  /** Negative = never expires (subject to the validity policy). */
  ttlSeconds: number;
  withRefreshToken: boolean;
  /** The refresh token's scopes when they differ from the access token's (a narrowed refresh keeps the grant's). */
  refreshScopes?: string[];
}

export interface IssuedTokens {
  accessToken: string;
  /** Seconds until expiry; null = never expires. */
  expiresIn: number | null;
  scopes: string[];
  refreshToken: string | null;
  record: AccessTokenRecord;
}

export interface PreparedTokens extends IssuedTokens {
  refreshRecord: RefreshTokenRecord | null;
  /** The client as authenticated; persisting checks it has not changed since. */
  client: OAuthClient;
}

export interface TokenServiceDeps {
  store: Store;
  changes: Changes;
  keyRing: KeyRing;
  verifier: JwtVerifier;
  hasher: CredentialHasher;
  clock: Clock;
  random: Random;
  issuer: () => string;
  validity: ValidityPolicy;
}

/** A presented access token resolved against the store: its record and whether it is active now. */
export interface ResolvedToken {
  record: AccessTokenRecord;
  active: boolean;
}

/** Issues, resolves and revokes access and refresh tokens. */
export class TokenService {
  private readonly guarded = new WeakMap<Repositories, Set<string>>();

  constructor(private readonly deps: TokenServiceDeps) {}

  /** Applies the admin validity policy to a requested lifetime; null = never expires. */
  validitySeconds(requested: number): number | null {
    const { allowNeverExpiring, maxValiditySeconds: cap } = this.deps.validity;
    if (requested < 0) {
      if (cap > 0) return cap;
      if (!allowNeverExpiring) throw new DomainError('VALIDATION', 'never-expiring tokens are disabled on this server', { field: 'validityPeriod' });
      return null;
    }
    if (requested === 0) throw new DomainError('VALIDATION', 'validity period must not be 0', { field: 'validityPeriod' });
    if (requested > MAX_VALIDITY_SECONDS) throw new DomainError('VALIDATION', VALIDITY_TOO_LONG, { field: 'validityPeriod' });
    return cap > 0 ? Math.min(requested, cap) : requested;
  }

  /**
   * Builds (and, for JWTs, signs) the tokens of a grant without touching the store, so that the
   * slow part runs outside any transaction; `persist` then writes them.
   */
  async prepare(request: IssueRequest): Promise<PreparedTokens> {
    const now = this.deps.clock.now();
    const validity = this.validitySeconds(request.ttlSeconds);
    const record: AccessTokenRecord = {
      jti: this.deps.random.uuid(),
      hash: null,
      format: request.tokenType === 'JWT' ? 'JWT' : 'OPAQUE',
      consumerKey: request.client.consumerKey,
      applicationId: request.client.applicationId,
      keyType: request.client.keyType,
      userId: request.user?.id ?? null,
      aut: request.user ? 'APPLICATION_USER' : 'APPLICATION',
      scopes: request.scopes,
      grantId: request.grantId,
      kid: null,
      issuedAt: now,
      expiresAt: validity === null ? null : now + validity * 1000,
      revokedAt: null,
    };
    let accessToken: string;
    if (record.format === 'JWT') {
      const key = this.deps.keyRing.signingKey();
      record.kid = key.kid;
      accessToken = await this.signJwt(key, record, request.user);
    } else {
      accessToken = mintCredential('accessToken', this.deps.random);
      record.hash = this.deps.hasher.hash(accessToken);
    }
    const refresh = request.withRefreshToken ? this.prepareRefreshToken(request, now) : null;
    return {
      accessToken,
      expiresIn: validity,
      scopes: record.scopes,
      refreshToken: refresh?.value ?? null,
      record,
      refreshRecord: refresh?.record ?? null,
      client: request.client,
    };
  }

  async persist(tx: Repositories, emit: Emit, prepared: PreparedTokens): Promise<IssuedTokens> {
    const { record, client } = prepared;
    if (!(await this.guard(tx, `c|${record.consumerKey}|${client.updatedAt}`, () => tx.clients.guardUnchanged(record.consumerKey, client.updatedAt)))) {
      throw new DomainError('UNAUTHENTICATED', 'the client changed while the token was being issued; authenticate again');
    }
    if (record.userId !== null && !(await this.guard(tx, `u|${record.userId}`, () => tx.users.guardEnabled(record.userId!)))) {
      throw new DomainError('UNAUTHENTICATED', 'the user changed while the token was being issued; authenticate again');
    }
    await tx.tokens.insertAccessToken(prepared.record);
    if (prepared.record.hash !== null) emit({ type: 'token.issued', hash: prepared.record.hash });
    if (prepared.refreshRecord) await tx.tokens.insertRefreshToken(prepared.refreshRecord);
    const { refreshRecord: _stored, client: _client, ...issued } = prepared;
    return issued;
  }

  /** A guard passed once in a transaction holds for the rest of it (the row stays locked): check once per batch. */
  private async guard(tx: Repositories, key: string, check: () => Promise<boolean>): Promise<boolean> {
    let passed = this.guarded.get(tx);
    if (passed?.has(key)) return true;
    if (!(await check())) return false;
    if (!passed) this.guarded.set(tx, (passed = new Set()));
    passed.add(key);
    return true;
  }

  /** Prepares and persists with group commit: concurrent issuances share one transaction. */
  async issue(request: IssueRequest): Promise<IssuedTokens> {
    const prepared = await this.prepare(request);
    return this.deps.changes.runBatched((tx, emit) => this.persist(tx, emit, prepared));
  }

  private prepareRefreshToken(request: IssueRequest, now: number): { value: string; record: RefreshTokenRecord } {
    const value = mintCredential('refreshToken', this.deps.random);
    return {
      value,
      record: {
        id: this.deps.random.uuid(),
        hash: this.deps.hasher.hash(value),
        consumerKey: request.client.consumerKey,
        grantId: request.grantId,
        userId: request.user?.id ?? null,
        scopes: request.refreshScopes ?? request.scopes,
        issuedAt: now,
        expiresAt: now + request.client.refreshTokenTtlSeconds * 1000,
        consumedAt: null,
        revokedAt: null,
      },
    };
  }

  private signJwt(key: ActiveKey, record: AccessTokenRecord, user: User | null): Promise<string> {
    const iat = seconds(record.issuedAt);
    // RFC 9068 §2.2; `sub` is the client for application tokens (§2.2, T27) and the user id otherwise.
    return key.signJwt(
      { typ: 'at+jwt' },
      {
        azp: record.consumerKey,
        client_id: record.consumerKey,
        scope: record.scopes.join(' '),
        aut: record.aut,
        ...(record.keyType && { keytype: record.keyType }),
        iss: this.deps.issuer(),
        sub: user?.id ?? record.consumerKey,
        aud: record.consumerKey,
        iat,
        nbf: iat,
        jti: record.jti,
        ...(record.expiresAt !== null && { exp: seconds(record.expiresAt) }),
      },
    );
  }

  /**
   * Finds the record behind a presented access token. Opaque tokens: checksum, then hash lookup. JWTs:
   * full verification, then the record by `jti` (so revocation is authoritative). Anything else: null.
   */
  async resolve(token: string): Promise<ResolvedToken | null> {
    let record: AccessTokenRecord | null = null;
    if (parseCredential(token, ['accessToken'])) {
      record = await this.deps.store.tokens.findAccessTokenByHash(this.deps.hasher.hash(token));
    } else if (token.split('.').length === 3) {
      const outcome = await this.deps.verifier.verify(token);
      if (!outcome.valid) return null;
      record = await this.deps.store.tokens.findAccessTokenByJti(String(outcome.claims.jti));
    }
    if (!record) return null;
    const active = record.revokedAt === null && isLive(record.expiresAt, this.deps.clock.now());
    return { record, active };
  }

  async resolveRefreshToken(token: string): Promise<RefreshTokenRecord | null> {
    if (!parseCredential(token, ['refreshToken'])) return null;
    return this.deps.store.tokens.findRefreshTokenByHash(this.deps.hasher.hash(token));
  }

  /** Revokes access tokens (and, except for a single jti, the matching refresh tokens). */
  async revoke(tx: Repositories, emit: Emit, selector: TokenSelector): Promise<RevokedToken[]> {
    const now = this.deps.clock.now();
    const revoked = await tx.tokens.revokeAccessTokens(selector, now);
    if (!('jti' in selector)) await tx.tokens.revokeRefreshTokens(selector, now);
    if (revoked.length > 0) emit('jti' in selector ? { type: 'tokens.revoked', tokens: revoked } : { type: 'tokens.revoked-by', selector });
    return revoked;
  }
}
