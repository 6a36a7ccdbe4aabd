import { ApiKeyBindings, type KeyBinding } from './api-key-bindings.ts';
import type { ApplicationService } from './application-service.ts';
import type { Changes } from './changes.ts';
import type { Clock } from './clock.ts';
import { CredentialHasher, credentialStart, mintCredential, parseCredential } from './credentials.ts';
import { invalid, notFound } from './errors.ts';
import { parseIpList, refererMatcher } from './ip-match.ts';
import type { ApiKeyRecord, KeyType } from './model.ts';
import type { Random } from './random.ts';
import { MAX_VALIDITY_SECONDS, VALIDITY_TOO_LONG, type ValidityPolicy } from './token-service.ts';
import { integer, text } from './validate.ts';
import type { Store } from '../store/ports.ts';

export interface ApiKeyInput {
  keyName?: unknown;
  validityPeriod?: unknown;
  permittedIP?: unknown;
  permittedReferer?: unknown;
}

export interface ApiKeyDeps {
  store: Store;
  changes: Changes;
  applications: ApplicationService;
  hasher: CredentialHasher;
  clock: Clock;
  random: Random;
  validity: ValidityPolicy;
}

function commaList(field: string, value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  const entries = text(field, value, { max: 4000 }).split(',').map((s) => s.trim()).filter(Boolean);
  if (entries.length > 100) throw invalid(field, `${field} may list at most 100 entries`);
  return entries;
}

/**
 * Opaque API keys (WSO2 4.7 style): shown once, stored as a hash, named, listable with last-used
 * time, optionally restricted by client IP/CIDR and by Referer pattern. ≤ 0 validity = never expires.
 */
export class ApiKeyService {
  constructor(private readonly deps: ApiKeyDeps) {
    this.bindings = new ApiKeyBindings(deps, this);
  }

  async generate(ownerId: string, applicationId: string, keyType: KeyType, input: ApiKeyInput): Promise<{ key: ApiKeyRecord; value: string }> {
    const application = await this.deps.applications.get(ownerId, applicationId);
    return this.issue({ applicationId: application.id }, keyType, input);
  }

  /** WSO2 per-API keys: the key and its bindings (see api-key-bindings.ts). */
  readonly bindings: ApiKeyBindings;

  /** Validates the request and mints a key with the given bindings. Callers check ownership. */
  async issue(binding: KeyBinding, keyType: KeyType, input: ApiKeyInput): Promise<{ key: ApiKeyRecord; value: string }> {
    const permittedIps = commaList('permittedIP', input.permittedIP);
    try {
      parseIpList(permittedIps);
    } catch (error) {
      throw invalid('permittedIP', (error as Error).message);
    }
    const permittedReferers = commaList('permittedReferer', input.permittedReferer);
    try {
      refererMatcher(permittedReferers);
    } catch (error) {
      throw invalid('permittedReferer', (error as Error).message);
    }
    const requested = input.validityPeriod === undefined || input.validityPeriod === null ? -1 : integer('validityPeriod', input.validityPeriod);
    if (requested > MAX_VALIDITY_SECONDS) throw invalid('validityPeriod', VALIDITY_TOO_LONG);
    return this.deps.changes.run(async (tx, emit) => {
      const issued = this.build(binding, keyType, {
        name: text('keyName', input.keyName ?? `${keyType.toLowerCase()}-key`, { min: 1, max: 100 }),
        validityPeriod: requested <= 0 ? -1 : requested,
        permittedIps,
        permittedReferers,
      });
      await tx.apiKeys.create(issued.key);
      emit({ type: 'api-key.saved', key: issued.key });
      return issued;
    });
  }

  /** The application's live keys; with `withRecentlyRevoked`, also those revoked in the last 30 days. */
  async list(ownerId: string, applicationId: string, keyType: KeyType, options: { withRecentlyRevoked?: boolean } = {}): Promise<ApiKeyRecord[]> {
    await this.deps.applications.get(ownerId, applicationId);
    const revokedSince = options.withRecentlyRevoked ? this.deps.clock.now() - 30 * 86_400_000 : undefined;
    return this.deps.store.apiKeys.listByApplication(applicationId, keyType, revokedSince === undefined ? {} : { revokedSince });
  }

  /** Revokes by key id or by the key itself; another application's key is "not found". */
  async revoke(ownerId: string, applicationId: string, keyType: KeyType, by: { keyUUID?: unknown; apikey?: unknown }): Promise<ApiKeyRecord> {
    await this.deps.applications.get(ownerId, applicationId);
    return this.revokeKey(await this.find(applicationId, keyType, by));
  }

  /** A new key with the same name and restrictions; the old one is revoked at once. */
  async regenerate(ownerId: string, applicationId: string, keyType: KeyType, keyUUID: unknown): Promise<{ key: ApiKeyRecord; value: string }> {
    await this.deps.applications.get(ownerId, applicationId);
    return this.replace(await this.find(applicationId, keyType, { keyUUID }));
  }

  /** A new key with the old one's name, restrictions and bindings; the old one is revoked at once. Callers check ownership. */
  async replace(old: ApiKeyRecord): Promise<{ key: ApiKeyRecord; value: string }> {
    return this.deps.changes.run(async (tx, emit) => {
      const revoked = await tx.apiKeys.revoke(old.id, this.deps.clock.now());
      if (!revoked) throw notFound('API key');
      emit({ type: 'api-key.revoked', keyId: revoked.id, hash: revoked.hash });
      const issued = this.build({ applicationId: old.applicationId, origin: old.origin, apiId: old.apiId, ownerId: old.ownerId }, old.keyType, old);
      await tx.apiKeys.create(issued.key);
      emit({ type: 'api-key.saved', key: issued.key });
      return issued;
    });
  }

  /** Revokes one key. Callers check ownership. */
  async revokeKey(key: ApiKeyRecord): Promise<ApiKeyRecord> {
    return this.deps.changes.run(async (tx, emit) => {
      const revoked = await tx.apiKeys.revoke(key.id, this.deps.clock.now());
      if (!revoked) throw notFound('API key');
      emit({ type: 'api-key.revoked', keyId: revoked.id, hash: revoked.hash });
      return revoked;
    });
  }

  private async find(applicationId: string, keyType: KeyType, by: { keyUUID?: unknown; apikey?: unknown }): Promise<ApiKeyRecord> {
    let key: ApiKeyRecord | null = null;
    if (typeof by.keyUUID === 'string') {
      key = await this.deps.store.apiKeys.findById(by.keyUUID);
    } else if (typeof by.apikey === 'string') {
      key = parseCredential(by.apikey, ['apiKeyProduction', 'apiKeySandbox']) ? await this.deps.store.apiKeys.findByHash(this.deps.hasher.hash(by.apikey)) : null;
    } else {
      throw invalid('keyUUID', 'keyUUID or apikey is required');
    }
    if (!key || key.applicationId !== applicationId || key.keyType !== keyType || key.revokedAt !== null) throw notFound('API key');
    return key;
  }

  private build(
    binding: KeyBinding,
    keyType: KeyType,
    spec: Pick<ApiKeyRecord, 'name' | 'validityPeriod' | 'permittedIps' | 'permittedReferers'>,
  ): { key: ApiKeyRecord; value: string } {
    const now = this.deps.clock.now();
    const value = mintCredential(keyType === 'PRODUCTION' ? 'apiKeyProduction' : 'apiKeySandbox', this.deps.random);
    const { maxValiditySeconds: cap } = this.deps.validity;
    const seconds = spec.validityPeriod > 0 ? (cap > 0 ? Math.min(spec.validityPeriod, cap) : spec.validityPeriod) : cap > 0 ? cap : -1;
    if (seconds === -1 && !this.deps.validity.allowNeverExpiring) {
      throw invalid('validityPeriod', 'never-expiring API keys are disabled on this server; give a positive validity period');
    }
    const key: ApiKeyRecord = {
      id: this.deps.random.uuid(),
      applicationId: binding.applicationId,
      origin: binding.origin ?? 'application',
      apiId: binding.apiId ?? null,
      ownerId: binding.ownerId ?? null,
      keyType,
      name: spec.name,
      hash: this.deps.hasher.hash(value),
      start: credentialStart(value),
      permittedIps: spec.permittedIps,
      permittedReferers: spec.permittedReferers,
      issuedAt: now,
      validityPeriod: seconds,
      expiresAt: seconds > 0 ? now + seconds * 1000 : null,
      lastUsedAt: null,
      revokedAt: null,
    };
    return { key, value };
  }
}
