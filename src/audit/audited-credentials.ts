import type { ApiKeyService } from '../core/api-key-service.ts';
import type { ChangeBus } from '../core/events.ts';
import type { ClientService } from '../core/client-service.ts';
import type { ApiKeyRecord, OAuthClient } from '../core/model.ts';
import type { AuditContext } from './audit-context.ts';
import type { AuditEntry, AuditLog } from './audit-log.ts';

/**
 * Records credential lifecycle events (created, regenerated, revoked) around the services that make
 * them, so the services stay as they are and every caller — REST, portal, CLI — is covered. The
 * change events alone would not do: they say what changed, not who asked nor from where, and a
 * regenerated secret emits none of its own.
 */
export function auditCredentialServices(services: { apiKeys: ApiKeyService; clients: ClientService }, audit: AuditLog, context: AuditContext): void {
  const record = (ownerId: string | null, entry: Omit<AuditEntry, 'actor' | 'sourceIp' | 'ownerId'>) => {
    const scope = context.current();
    if (scope.silent) return;
    audit.record({ ...entry, ownerId, actor: scope.actor ?? ownerId ?? 'system', sourceIp: scope.sourceIp });
  };
  const apiKeyEntry = (key: ApiKeyRecord) => ({
    credentialType: key.keyType === 'PRODUCTION' ? 'apiKeyProduction' : 'apiKeySandbox',
    credentialId: key.id,
    applicationId: key.applicationId,
    detail: { name: key.name, start: key.start },
  });
  const secretEntry = (client: OAuthClient, detail: Record<string, string> = {}) => ({
    credentialType: 'consumerSecret',
    credentialId: client.consumerKey,
    applicationId: client.applicationId,
    detail: { ...(client.keyType && { keyType: client.keyType }), ...detail },
  });

  const { apiKeys, clients } = services;
  const generate = apiKeys.generate.bind(apiKeys);
  apiKeys.generate = async (ownerId, applicationId, keyType, input) => {
    const issued = await generate(ownerId, applicationId, keyType, input);
    record(ownerId, { type: 'credential.created', ...apiKeyEntry(issued.key) });
    return issued;
  };
  const regenerate = apiKeys.regenerate.bind(apiKeys);
  apiKeys.regenerate = async (ownerId, applicationId, keyType, keyUUID) => {
    const issued = await regenerate(ownerId, applicationId, keyType, keyUUID);
    record(ownerId, { type: 'credential.regenerated', ...apiKeyEntry(issued.key), detail: { ...apiKeyEntry(issued.key).detail, replaces: String(keyUUID) } });
    return issued;
  };
  const revoke = apiKeys.revoke.bind(apiKeys);
  apiKeys.revoke = async (ownerId, applicationId, keyType, by) => {
    const revoked = await revoke(ownerId, applicationId, keyType, by);
    record(ownerId, { type: 'credential.revoked', ...apiKeyEntry(revoked) });
    return revoked;
  };

  const generateKeys = clients.generateKeys.bind(clients);
  clients.generateKeys = async (application, keyType, settings) => {
    const created = await generateKeys(application, keyType, settings);
    record(created.client.ownerId, { type: 'credential.created', ...secretEntry(created.client) });
    return created;
  };
  const regenerateSecret = clients.regenerateSecret.bind(clients);
  clients.regenerateSecret = async (client) => {
    const value = await regenerateSecret(client);
    record(client.ownerId, { type: 'credential.regenerated', ...secretEntry(client, { tokens: 'revoked' }) });
    return value;
  };
  const generateSecret = clients.generateSecret.bind(clients);
  clients.generateSecret = async (client, options) => {
    const created = await generateSecret(client, options);
    record(client.ownerId, { type: 'credential.created', ...secretEntry(client, { secretId: created.secret.id }) });
    return created;
  };
  const revokeSecret = clients.revokeSecret.bind(clients);
  clients.revokeSecret = async (client, secretId) => {
    await revokeSecret(client, secretId);
    record(client.ownerId, { type: 'credential.revoked', ...secretEntry(client, { secretId }) });
  };
}

/**
 * Access-token revocations (RFC 7009 revoke, refresh-token reuse, disabled users, regenerated secrets)
 * are recorded from the committed change events, in the request's audit scope: one entry per revoked
 * token, or one per revocation of every token of a client, user or grant. Their records carry no
 * owner, so they show in the admin's log.
 */
export function auditTokenRevocations(bus: ChangeBus, audit: AuditLog, context: AuditContext): void {
  bus.subscribe((events, origin) => {
    if (origin !== 'local') return;
    const scope = context.current();
    if (scope.silent) return;
    const base = { type: 'credential.revoked', actor: scope.actor ?? 'system', sourceIp: scope.sourceIp, applicationId: null, ownerId: null };
    for (const { event } of events) {
      if (event.type === 'tokens.revoked') {
        for (const token of event.tokens) audit.record({ ...base, credentialType: 'accessToken', credentialId: token.jti });
      } else if (event.type === 'tokens.revoked-by') {
        const [by, id] = 'consumerKey' in event.selector ? ['client', event.selector.consumerKey] : 'userId' in event.selector ? ['user', event.selector.userId] : ['grant', event.selector.grantId];
        audit.record({ ...base, credentialType: 'accessTokens', credentialId: id, detail: { by } });
      }
    }
  });
}
