import type { ApiKeyDeps, ApiKeyInput, ApiKeyService } from './api-key-service.ts';
import { isLive } from './api-service.ts';
import { invalid, notFound } from './errors.ts';
import { UNASSOCIATED, type Api, type ApiKeyOrigin, type ApiKeyRecord, type KeyType } from './model.ts';

/** Where a new key belongs: its application ('' = none yet), and for WSO2 per-API keys its API and owner. */
export interface KeyBinding {
  applicationId: string;
  origin?: ApiKeyOrigin | undefined;
  apiId?: string | null | undefined;
  ownerId?: string | null | undefined;
}

/** A key with the API it is bound to and, when associated, its application. */
export interface BoundKey {
  key: ApiKeyRecord;
  api: Api | null;
  applicationName: string | null;
}

/**
 * WSO2's per-API key model (devportal v3 `APIKeys`). A key made for an API belongs to its owner and
 * works only once associated with one of the owner's applications subscribed to that API; an
 * application's key associated with an API works only for that API. The gateway enforces both
 * (authorize.ts): the subscription of the key's application, and the key's API when it has one.
 *
 * A binding change is published as a revocation followed by a save of the same hash, so every gateway
 * drops its cached copy at once and reads the new binding on the next call.
 */
export class ApiKeyBindings {
  constructor(
    private readonly deps: ApiKeyDeps,
    private readonly keys: ApiKeyService,
  ) {}

  async generate(ownerId: string, apiId: string, keyType: KeyType, input: ApiKeyInput): Promise<{ key: ApiKeyRecord; value: string }> {
    const api = await this.liveApi(apiId);
    return this.keys.issue({ applicationId: UNASSOCIATED, origin: 'api', apiId: api.id, ownerId }, keyType, input);
  }

  /** The caller's keys bound to the API: made for it, or their applications' keys associated with it. */
  async listForApi(ownerId: string, apiId: string): Promise<BoundKey[]> {
    const api = await this.liveApi(apiId);
    const keys = await this.deps.store.apiKeys.listByApi(api.id);
    const out: BoundKey[] = [];
    for (const key of keys) {
      const application = await this.applicationOf(ownerId, key);
      if (key.ownerId === ownerId || application) out.push({ key, api, applicationName: application?.name ?? null });
    }
    return out;
  }

  async regenerate(ownerId: string, apiId: string, keyUUID: string): Promise<{ key: ApiKeyRecord; value: string }> {
    return this.keys.replace(await this.ownApiKey(ownerId, apiId, keyUUID));
  }

  async revoke(ownerId: string, apiId: string, keyUUID: string): Promise<void> {
    await this.keys.revokeKey(await this.ownApiKey(ownerId, apiId, keyUUID));
  }

  /** A key made for the API joins one of the owner's applications subscribed to the API. */
  async associate(ownerId: string, apiId: string, keyUUID: string, applicationId: string): Promise<ApiKeyRecord> {
    const key = await this.ownApiKey(ownerId, apiId, keyUUID);
    if (key.origin !== 'api') throw invalid('keyUUID', "this is an application's key; associate it from the application");
    const application = await this.deps.applications.get(ownerId, applicationId);
    await this.requireSubscribed(application.id, apiId, 'applicationUUID');
    return this.rebind(key, { applicationId: application.id, apiId });
  }

  async dissociate(ownerId: string, apiId: string, keyUUID: string): Promise<ApiKeyRecord> {
    return this.unbind(await this.ownApiKey(ownerId, apiId, keyUUID));
  }

  /**
   * From the application's side: its own key is restricted to one subscribed API, or a key the owner
   * made for that API (and not yet associated) joins the application.
   */
  async associateWithApplication(ownerId: string, applicationId: string, keyType: KeyType, input: { keyUUID: string; apiId: string }): Promise<ApiKeyRecord> {
    const application = await this.deps.applications.get(ownerId, applicationId);
    const key = await this.deps.store.apiKeys.findById(input.keyUUID);
    const ownAppKey = key?.applicationId === application.id && key.origin !== 'api';
    const ownApiKey = key?.origin === 'api' && key.ownerId === ownerId && key.applicationId === UNASSOCIATED && key.apiId === input.apiId;
    if (!key || key.revokedAt !== null || key.keyType !== keyType || !(ownAppKey || ownApiKey)) throw notFound('API key');
    await this.liveApi(input.apiId);
    await this.requireSubscribed(application.id, input.apiId, 'apiUUID');
    return this.rebind(key, { applicationId: application.id, apiId: input.apiId });
  }

  async dissociateFromApplication(ownerId: string, applicationId: string, keyType: KeyType, keyUUID: string): Promise<ApiKeyRecord> {
    const application = await this.deps.applications.get(ownerId, applicationId);
    const key = await this.deps.store.apiKeys.findById(keyUUID);
    if (!key || key.revokedAt !== null || key.applicationId !== application.id || key.keyType !== keyType || !key.apiId) throw notFound('API key association');
    return this.unbind(key);
  }

  /** The application's keys bound to an API (associations), with the API. */
  async associations(ownerId: string, applicationId: string, keyType: KeyType): Promise<BoundKey[]> {
    const application = await this.deps.applications.get(ownerId, applicationId);
    const keys = (await this.deps.store.apiKeys.listByApplication(application.id, keyType)).filter((k) => k.apiId);
    return Promise.all(keys.map(async (key) => ({ key, api: await this.deps.store.apis.findById(key.apiId!), applicationName: application.name })));
  }

  /** Keys the owner made for APIs this application subscribes to and has not associated anywhere yet. */
  async associable(ownerId: string, applicationId: string, keyType: KeyType): Promise<BoundKey[]> {
    const application = await this.deps.applications.get(ownerId, applicationId);
    const subscribed = new Set((await this.deps.store.subscriptions.listByApplication(application.id)).map((s) => s.apiId));
    const keys = (await this.deps.store.apiKeys.listUnassociated(ownerId)).filter((k) => k.keyType === keyType && k.apiId && subscribed.has(k.apiId));
    return Promise.all(keys.map(async (key) => ({ key, api: await this.deps.store.apis.findById(key.apiId!), applicationName: null })));
  }

  private async liveApi(apiId: string): Promise<Api> {
    const api = await this.deps.store.apis.findById(apiId);
    if (!api || !isLive(api)) throw notFound('API');
    return api;
  }

  private async applicationOf(ownerId: string, key: ApiKeyRecord) {
    if (key.applicationId === UNASSOCIATED) return null;
    return this.deps.applications.get(ownerId, key.applicationId).catch(() => null);
  }

  /** A live key bound to the API that the caller may manage: made by them, or of one of their applications. */
  private async ownApiKey(ownerId: string, apiId: string, keyUUID: string): Promise<ApiKeyRecord> {
    const key = await this.deps.store.apiKeys.findById(keyUUID);
    if (!key || key.revokedAt !== null || key.apiId !== apiId) throw notFound('API key');
    if (key.ownerId !== ownerId && !(await this.applicationOf(ownerId, key))) throw notFound('API key');
    return key;
  }

  private async requireSubscribed(applicationId: string, apiId: string, field: string): Promise<void> {
    const subscribed = (await this.deps.store.subscriptions.listByApplication(applicationId)).some((s) => s.apiId === apiId);
    if (!subscribed) throw invalid(field, 'the application must be subscribed to the API first');
  }

  /** A key made for an API leaves its application; an application's key is valid for every subscribed API again. */
  private unbind(key: ApiKeyRecord): Promise<ApiKeyRecord> {
    return key.origin === 'api' ? this.rebind(key, { applicationId: UNASSOCIATED, apiId: key.apiId ?? null }) : this.rebind(key, { applicationId: key.applicationId, apiId: null });
  }

  private rebind(key: ApiKeyRecord, binding: { applicationId: string; apiId: string | null }): Promise<ApiKeyRecord> {
    return this.deps.changes.run(async (tx, emit) => {
      const rebound = await tx.apiKeys.rebind(key.id, binding);
      if (!rebound) throw notFound('API key');
      // Gateways cache keys by hash: drop the cached binding (revoked), then let the next call read it (saved).
      emit({ type: 'api-key.revoked', keyId: rebound.id, hash: rebound.hash });
      emit({ type: 'api-key.saved', key: rebound });
      return rebound;
    });
  }
}
