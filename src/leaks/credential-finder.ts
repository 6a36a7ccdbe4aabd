import type { ApiKeyService } from '../core/api-key-service.ts';
import type { Changes } from '../core/changes.ts';
import type { ClientService } from '../core/client-service.ts';
import type { Clock } from '../core/clock.ts';
import type { CredentialKind } from '../core/credentials.ts';
import { isLive } from '../core/model.ts';
import type { TokenService } from '../core/token-service.ts';
import type { Store } from '../store/ports.ts';

/**
 * A stored credential found by its hash, described without the credential: its kind, a non-secret
 * identifier, its application and owner, whether it works now, and how to revoke it through the
 * service that owns it (so the change event, and its propagation to every gateway, is theirs).
 */
export interface KnownCredential {
  kind: CredentialKind;
  identifier: string;
  start: string | null;
  applicationId: string | null;
  ownerId: string | null;
  live: boolean;
  /** Revokes it through its service; false when no service can (nothing was changed). */
  revoke(): Promise<boolean>;
}

export interface CredentialFinderDeps {
  store: Store;
  changes: Changes;
  tokens: TokenService;
  clients: ClientService;
  apiKeys: ApiKeyService;
  clock: Clock;
}

type Finder = (deps: CredentialFinderDeps, hash: string) => Promise<KnownCredential | null>;

async function ownerOfApplication(deps: CredentialFinderDeps, applicationId: string | null): Promise<string | null> {
  return applicationId ? ((await deps.store.applications.findById(applicationId))?.ownerId ?? null) : null;
}

async function ownerOfClient(deps: CredentialFinderDeps, consumerKey: string): Promise<{ applicationId: string | null; ownerId: string | null }> {
  const client = await deps.store.clients.findByConsumerKey(consumerKey);
  return { applicationId: client?.applicationId ?? null, ownerId: client?.ownerId ?? null };
}

/** Revokes a whole grant: the leaked token and everything issued with it (refresh tokens included). */
const revokeGrant = (deps: CredentialFinderDeps, grantId: string) => deps.changes.run((tx, emit) => deps.tokens.revoke(tx, emit, { grantId })).then(() => true);

const apiKey: Finder = async (deps, hash) => {
  const key = await deps.store.apiKeys.findByHash(hash);
  if (!key) return null;
  // A key made for an API before any application (origin 'api') has no application yet: the service
  // revokes keys of applications only, so such a key is flagged, never falsely reported revoked.
  const ownerId = await ownerOfApplication(deps, key.applicationId);
  return {
    kind: key.keyType === 'PRODUCTION' ? 'apiKeyProduction' : 'apiKeySandbox',
    identifier: key.id,
    start: key.start,
    applicationId: key.applicationId,
    ownerId,
    live: key.revokedAt === null && isLive(key.expiresAt, deps.clock.now()),
    revoke: async () => {
      if (!ownerId) return false;
      await deps.apiKeys.revoke(ownerId, key.applicationId, key.keyType, { keyUUID: key.id });
      return true;
    },
  };
};

const accessToken: Finder = async (deps, hash) => {
  const token = await deps.store.tokens.findAccessTokenByHash(hash);
  if (!token) return null;
  return {
    kind: 'accessToken',
    identifier: token.jti,
    start: null,
    applicationId: token.applicationId,
    ownerId: await ownerOfApplication(deps, token.applicationId),
    live: token.revokedAt === null && isLive(token.expiresAt, deps.clock.now()),
    revoke: () => revokeGrant(deps, token.grantId),
  };
};

const refreshToken: Finder = async (deps, hash) => {
  const token = await deps.store.tokens.findRefreshTokenByHash(hash);
  if (!token) return null;
  return {
    kind: 'refreshToken',
    identifier: token.id,
    start: null,
    ...(await ownerOfClient(deps, token.consumerKey)),
    live: token.revokedAt === null && token.consumedAt === null && isLive(token.expiresAt, deps.clock.now()),
    revoke: () => revokeGrant(deps, token.grantId),
  };
};

const authorizationCode: Finder = async (deps, hash) => {
  const code = await deps.store.tokens.findAuthorizationCode(hash);
  if (!code) return null;
  return {
    kind: 'authorizationCode',
    identifier: code.grantId,
    start: null,
    ...(await ownerOfClient(deps, code.consumerKey)),
    live: code.consumedAt === null && code.expiresAt > deps.clock.now(),
    // Using it up is the code's revocation (single use); tokens already redeemed with it go too.
    revoke: async () => {
      await deps.store.tokens.consumeAuthorizationCode(hash, deps.clock.now());
      return revokeGrant(deps, code.grantId);
    },
  };
};

const consumerSecret: Finder = async (deps, hash) => {
  const secret = await deps.store.leaks.findClientSecretByHash(hash);
  if (!secret) return null;
  const client = await deps.store.clients.findByConsumerKey(secret.consumerKey);
  if (!client) return null;
  return {
    kind: 'consumerSecret',
    identifier: client.consumerKey,
    start: secret.start,
    applicationId: client.applicationId,
    ownerId: client.ownerId,
    live: isLive(secret.expiresAt, deps.clock.now()),
    // WSO2 regenerate-secret: every secret of the key is replaced and its tokens revoked. Nobody sees the
    // new secret; the owner regenerates again in the Developer Portal to get a working one.
    revoke: async () => {
      await deps.clients.regenerateSecret(client);
      return true;
    },
  };
};

const session: Finder = async (deps, hash) => {
  const found = await deps.store.sessions.find(hash);
  if (!found) return null;
  return {
    kind: 'session',
    identifier: `session of ${found.userId}`,
    start: null,
    applicationId: null,
    ownerId: found.userId,
    live: found.expiresAt > deps.clock.now(),
    revoke: () => deps.store.sessions.delete(hash).then(() => true),
  };
};

const FINDERS: Record<CredentialKind, Finder> = {
  apiKeyProduction: apiKey,
  apiKeySandbox: apiKey,
  accessToken,
  refreshToken,
  authorizationCode,
  consumerSecret,
  session,
};

/** The stored credential of `kind` whose stored hash is `hash`, or null. */
export function findCredential(deps: CredentialFinderDeps, kind: CredentialKind, hash: string): Promise<KnownCredential | null> {
  return FINDERS[kind](deps, hash);
}
