import type { Changes, Emit } from './changes.ts';
import type { Clock } from './clock.ts';
import { CredentialHasher, constantTimeEqual, credentialStart, mintCredential, parseCredential, randomIdentifier } from './credentials.ts';
import { DomainError, UniqueViolation, conflict, invalid, notFound } from './errors.ts';
import { GRANT_TYPES, isLive, type Application, type ClientSecret, type GrantType, type KeyType, type OAuthClient, type TokenType } from './model.ts';
import type { Random } from './random.ts';
import { MAX_VALIDITY_SECONDS, VALIDITY_TOO_LONG, type TokenService } from './token-service.ts';
import type { Repositories, Store } from '../store/ports.ts';

export interface ClientSettings {
  grantTypes: readonly string[];
  callbackUrl: string | null;
  appTokenTtlSeconds: number;
  userTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  pkceMandatory: boolean;
}

export interface AuthenticatedClient {
  client: OAuthClient;
  tokenType: TokenType;
}

export interface NewSecret {
  secret: ClientSecret;
  value: string;
}

/** Marks a secret mapped from another key manager (map-keys): not a Gatehouse credential, no displayable start. */
export const MAPPED_SECRET_START = 'mapped:';
/** WSO2 secrets are 28 characters; a mapped secret is hashed like a minted one, so it must not be short. */
const MAPPED_SECRET_MIN = 20;

interface ClientServiceDeps {
  store: Store;
  changes: Changes;
  tokens: TokenService;
  hasher: CredentialHasher;
  clock: Clock;
  random: Random;
}

/**
 * WSO2's own registration sample sends `"callbackUrl": "www.google.lk"` for a REST client without the
 * authorization_code grant. A bare host name is no redirect target (RFC 6749 §3.1.2 wants an absolute
 * URI) and such a client never redirects, so it is accepted and not stored; any other malformed URL,
 * and every URL of a client that may redirect, is still checked (D02, D04).
 */
export function ignoredRestCallback(input: { grantTypes: readonly string[]; callbackUrl: string | null }): boolean {
  return !input.grantTypes.includes('authorization_code') && input.callbackUrl !== null && /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(input.callbackUrl);
}

/** Redirect URIs: absolute, no fragment, no wildcard, https except on loopback (RFC 6749 §3.1.2, RFC 9700 §2.1). */
export function validateCallbackUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid('callbackUrl', 'callbackUrl must be an absolute URL');
  }
  if (url.hash !== '' || value.includes('#')) throw invalid('callbackUrl', 'callbackUrl must not contain a fragment');
  // Redirect URIs are compared byte for byte (A01); a `*` would read as a wildcard it is not (RFC 9700 §4.1.1, D04).
  if (value.includes('*')) throw invalid('callbackUrl', 'callbackUrl must not contain wildcards (*): register the exact URL');
  const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw invalid('callbackUrl', 'callbackUrl must use https (http only on loopback)');
  }
  if (value.length > 2000) throw invalid('callbackUrl', 'callbackUrl is too long');
  return value;
}

export class ClientService {
  constructor(private readonly deps: ClientServiceDeps) {}

  /** Checks and normalises client settings; throws a validation error naming the field. */
  validateSettings(settings: ClientSettings): Omit<OAuthClient, 'consumerKey' | 'kind' | 'keyMappingId' | 'applicationId' | 'keyType' | 'ownerId' | 'name' | 'createdAt' | 'updatedAt'> {
    const unknown = settings.grantTypes.find((g) => !(GRANT_TYPES as readonly string[]).includes(g));
    if (unknown !== undefined) {
      throw invalid('grantTypesToBeSupported', `unsupported grant type ${JSON.stringify(unknown)}; supported: ${GRANT_TYPES.join(', ')}`);
    }
    const grantTypes = [...new Set(settings.grantTypes)] as GrantType[];
    const callbackUrl = settings.callbackUrl ? validateCallbackUrl(settings.callbackUrl) : null;
    if (grantTypes.includes('authorization_code') && !callbackUrl) {
      throw invalid('callbackUrl', 'the authorization_code grant needs a callbackUrl');
    }
    for (const [field, ttl] of [
      ['application_access_token_expiry_time', settings.appTokenTtlSeconds],
      ['user_access_token_expiry_time', settings.userTokenTtlSeconds],
    ] as const) {
      if (!Number.isInteger(ttl) || ttl === 0) throw invalid(field, `${field} must be a non-zero whole number of seconds (negative = never expires)`);
      try {
        this.deps.tokens.validitySeconds(ttl);
      } catch (error) {
        if (error instanceof DomainError) throw invalid(field, error.publicMessage);
        throw error;
      }
    }
    if (!Number.isInteger(settings.refreshTokenTtlSeconds) || settings.refreshTokenTtlSeconds <= 0) {
      throw invalid('refresh_token_expiry_time', 'refresh_token_expiry_time must be a positive whole number of seconds');
    }
    if (settings.refreshTokenTtlSeconds > MAX_VALIDITY_SECONDS) throw invalid('refresh_token_expiry_time', VALIDITY_TOO_LONG);
    return {
      grantTypes,
      callbackUrl,
      appTokenTtlSeconds: settings.appTokenTtlSeconds,
      userTokenTtlSeconds: settings.userTokenTtlSeconds,
      refreshTokenTtlSeconds: settings.refreshTokenTtlSeconds,
      pkceMandatory: settings.pkceMandatory,
    };
  }

  /** The OAuth client of an application's PRODUCTION or SANDBOX keys, not stored yet. */
  private applicationClient(application: Application, keyType: KeyType, consumerKey: string, settings: ClientSettings): OAuthClient {
    const now = this.deps.clock.now();
    return {
      ...this.validateSettings(settings),
      consumerKey,
      kind: 'application',
      keyMappingId: this.deps.random.uuid(),
      applicationId: application.id,
      keyType,
      ownerId: application.ownerId,
      name: `${application.ownerId}_${application.id}_${keyType}`,
      createdAt: now,
      updatedAt: now,
    };
  }

  /** Creates an application's PRODUCTION or SANDBOX keys: an OAuth client and its first secret. */
  async generateKeys(application: Application, keyType: KeyType, settings: ClientSettings): Promise<{ client: OAuthClient; secret: string }> {
    const client = this.applicationClient(application, keyType, randomIdentifier(this.deps.random), settings);
    try {
      const secret = await this.deps.changes.run(async (tx, emit) => {
        await tx.clients.create(client);
        emit({ type: 'client.saved', client });
        return (await this.addSecret(tx, client, { description: 'initial secret', expiresInSeconds: null })).value;
      });
      return { client, secret };
    } catch (error) {
      if (error instanceof UniqueViolation) throw conflict(`${keyType} keys already exist for this application`);
      throw error;
    }
  }

  /**
   * Maps an OAuth client that already exists elsewhere (WSO2 `map-keys`, for migrations): the given
   * consumer key and secret become the application's keys. The secret is stored as a hash like any
   * other; since it is not a Gatehouse credential (no checksum), it must be long enough to resist
   * guessing against a leaked hash.
   */
  async mapKeys(application: Application, keyType: KeyType, input: { consumerKey: string; consumerSecret: string; settings: ClientSettings }): Promise<OAuthClient> {
    if (!/^[A-Za-z0-9._~-]{8,100}$/.test(input.consumerKey)) throw invalid('consumerKey', 'consumerKey must be 8-100 letters, digits, . _ ~ -');
    if (input.consumerSecret.length < MAPPED_SECRET_MIN || input.consumerSecret.length > 200 || /[\s\x00-\x1f]/.test(input.consumerSecret)) {
      throw invalid('consumerSecret', `consumerSecret must be ${MAPPED_SECRET_MIN}-200 characters without spaces`);
    }
    const client = this.applicationClient(application, keyType, input.consumerKey, input.settings);
    try {
      await this.deps.changes.run(async (tx, emit) => {
        await tx.clients.create(client);
        emit({ type: 'client.saved', client });
        await tx.clients.addSecret({
          id: this.deps.random.uuid(),
          consumerKey: client.consumerKey,
          hash: this.deps.hasher.hash(input.consumerSecret),
          start: MAPPED_SECRET_START,
          description: 'mapped secret',
          createdAt: client.createdAt,
          expiresAt: null,
        });
      });
      return client;
    } catch (error) {
      if (error instanceof UniqueViolation) throw conflict(`${keyType} keys already exist for this application, or that consumer key or secret is already in use`);
      throw error;
    }
  }

  /** A client for the REST APIs, registered by a user through /client-registration (kind `rest`). */
  async registerRestClient(input: { ownerId: string; name: string; grantTypes: readonly string[]; callbackUrl: string | null }) {
    const now = this.deps.clock.now();
    const client: OAuthClient = {
      ...this.validateSettings({
        grantTypes: input.grantTypes,
        callbackUrl: ignoredRestCallback(input) ? null : input.callbackUrl,
        appTokenTtlSeconds: 3600,
        userTokenTtlSeconds: 3600,
        refreshTokenTtlSeconds: 86400,
        pkceMandatory: false,
      }),
      consumerKey: randomIdentifier(this.deps.random),
      kind: 'rest',
      keyMappingId: null,
      applicationId: null,
      keyType: null,
      ownerId: input.ownerId,
      name: input.name,
      createdAt: now,
      updatedAt: now,
    };
    const secret = await this.deps.changes.run(async (tx) => {
      await tx.clients.create(client);
      return (await this.addSecret(tx, client, { description: 'client-registration', expiresInSeconds: null })).value;
    });
    return { client, secret };
  }

  /**
   * Client authentication: the secret's checksum first, then a constant-time comparison against every
   * live secret of the client. Returns the client with its application's token type.
   */
  async authenticate(consumerKey: string, secret: string): Promise<AuthenticatedClient | null> {
    // A value that is no Gatehouse secret can only match a mapped one (map-keys); short ones never do.
    const minted = parseCredential(secret, ['consumerSecret']) !== null;
    if (!minted && (secret.length < MAPPED_SECRET_MIN || secret.length > 200)) return null;
    const found = await this.deps.store.clients.findForAuthentication(consumerKey);
    if (!found || !found.ownerActive) return null;
    const now = this.deps.clock.now();
    const presented = this.deps.hasher.hash(secret);
    let matched = false;
    for (const s of found.secrets) {
      if ((minted || s.start === MAPPED_SECRET_START) && constantTimeEqual(presented, s.hash) && isLive(s.expiresAt, now)) matched = true;
    }
    return matched ? { client: found.client, tokenType: found.tokenType } : null;
  }

  async update(client: OAuthClient, settings: ClientSettings): Promise<OAuthClient> {
    const valid = this.validateSettings(settings);
    return this.deps.changes.run(async (tx, emit) => {
      const updated = await tx.clients.update(client.consumerKey, { ...valid, updatedAt: this.deps.clock.now() });
      if (!updated) throw notFound('keys');
      emit({ type: 'client.saved', client: updated });
      return updated;
    });
  }

  /** WSO2 regenerate-secret: one new secret replaces all others and every token of the client is revoked. */
  async regenerateSecret(client: OAuthClient): Promise<string> {
    return this.deps.changes.run(async (tx, emit) => {
      // Touching the client row first serialises concurrent regenerations (a row lock on PostgreSQL),
      // so exactly one secret survives (C04), and makes any issuance already under way fail its guard.
      await tx.clients.touch(client.consumerKey, this.deps.clock.now());
      await tx.clients.deleteSecrets(client.consumerKey);
      await this.deps.tokens.revoke(tx, emit, { consumerKey: client.consumerKey });
      return (await this.addSecret(tx, client, { description: 'regenerated secret', expiresInSeconds: null })).value;
    });
  }

  /** An additional secret, for rotation without downtime. */
  generateSecret(client: OAuthClient, options: { description: string; expiresInSeconds: number | null }): Promise<NewSecret> {
    return this.deps.changes.run((tx) => this.addSecret(tx, client, options));
  }

  listSecrets(client: OAuthClient): Promise<ClientSecret[]> {
    return this.deps.store.clients.listSecrets(client.consumerKey);
  }

  async revokeSecret(client: OAuthClient, secretId: string): Promise<void> {
    await this.deps.changes.run(async (tx) => {
      const secrets = await tx.clients.listSecrets(client.consumerKey);
      if (!secrets.some((s) => s.id === secretId)) throw notFound('secret');
      if (secrets.length === 1) throw invalid('secretId', 'cannot revoke the only secret of a key; generate another one first');
      await tx.clients.deleteSecret(client.consumerKey, secretId);
    });
  }

  /** The keys (OAuth clients) of an application; the caller has already checked ownership. */
  listForApplication(applicationId: string): Promise<OAuthClient[]> {
    return this.deps.store.clients.listByApplication(applicationId);
  }

  /** One key of an application by its key mapping id; a key of another application is "not found". */
  async getForApplication(applicationId: string, keyMappingId: string): Promise<OAuthClient> {
    const client = await this.deps.store.clients.findByKeyMappingId(keyMappingId);
    if (!client || client.applicationId !== applicationId) throw notFound('keys');
    return client;
  }

  /** Deleting keys revokes every token of the client and removes the client. */
  async delete(client: OAuthClient): Promise<void> {
    await this.deps.changes.run(async (tx, emit) => this.deleteIn(tx, emit, client));
  }

  async deleteIn(tx: Repositories, emit: Emit, client: OAuthClient): Promise<void> {
    await this.deps.tokens.revoke(tx, emit, { consumerKey: client.consumerKey });
    await tx.clients.delete(client.consumerKey);
    emit({ type: 'client.deleted', consumerKey: client.consumerKey });
  }

  private async addSecret(
    tx: Repositories,
    client: OAuthClient,
    options: { description: string; expiresInSeconds: number | null },
  ): Promise<NewSecret> {
    const now = this.deps.clock.now();
    const value = mintCredential('consumerSecret', this.deps.random);
    const secret: ClientSecret = {
      id: this.deps.random.uuid(),
      consumerKey: client.consumerKey,
      hash: this.deps.hasher.hash(value),
      start: credentialStart(value),
      description: options.description,
      createdAt: now,
      expiresAt: options.expiresInSeconds && options.expiresInSeconds > 0 ? now + options.expiresInSeconds * 1000 : null,
    };
    await tx.clients.addSecret(secret);
    return { secret, value };
  }
}
