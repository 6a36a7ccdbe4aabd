import type { z } from 'zod';
import type { ClientSettings } from '../../../core/client-service.ts';
import { DomainError, invalid } from '../../../core/errors.ts';
import type { KeyType, OAuthClient, User } from '../../../core/model.ts';
import { integer } from '../../../core/validate.ts';
import type { Services } from '../../../runtime/services.ts';
import type { KeyPropertiesInputSchema } from './application-schemas.ts';
import { RESIDENT_KEY_MANAGER } from './mappers.ts';

/** WSO2 key requests → the Key Manager's client settings, and lookups of the caller's own keys. */

type KeyProperties = z.output<typeof KeyPropertiesInputSchema>;
type PropertyValue = string | number | boolean | undefined;

function seconds(field: string, value: PropertyValue): number | undefined {
  if (value === undefined) return undefined;
  return integer(field, typeof value === 'boolean' ? String(value) : value);
}

function flag(field: string, value: PropertyValue): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw invalid(field, `${field} must be true or false`);
}

export interface KeyRequest {
  grantTypes?: string[] | undefined;
  callbackUrl?: string | null | undefined;
  properties?: KeyProperties | undefined;
}

/** Settings for new keys (defaults from the server config) or for updated ones (defaults = current values). */
export function keySettings(services: Services, request: KeyRequest, current?: OAuthClient): ClientSettings {
  const p = request.properties ?? {};
  if (flag('pkceSupportPlain', p.pkceSupportPlain)) throw invalid('pkceSupportPlain', 'plain PKCE is not supported; use S256');
  const { config } = services;
  return {
    grantTypes: request.grantTypes ?? current?.grantTypes ?? [],
    callbackUrl: request.callbackUrl === undefined ? (current?.callbackUrl ?? null) : request.callbackUrl || null,
    appTokenTtlSeconds:
      seconds('application_access_token_expiry_time', p.application_access_token_expiry_time) ?? current?.appTokenTtlSeconds ?? config.applicationTokenTtlSeconds,
    userTokenTtlSeconds: seconds('user_access_token_expiry_time', p.user_access_token_expiry_time) ?? current?.userTokenTtlSeconds ?? config.userTokenTtlSeconds,
    refreshTokenTtlSeconds: seconds('refresh_token_expiry_time', p.refresh_token_expiry_time) ?? current?.refreshTokenTtlSeconds ?? config.refreshTokenTtlSeconds,
    pkceMandatory: flag('pkceMandatory', p.pkceMandatory) ?? current?.pkceMandatory ?? false,
  };
}

/** Only the Resident Key Manager exists (by name or by its id). */
export function checkKeyManager(value: string | undefined): void {
  if (value !== undefined && value !== RESIDENT_KEY_MANAGER && value !== 'resident' && value !== 'default') {
    throw invalid('keyManager', `unknown key manager; the only one is "${RESIDENT_KEY_MANAGER}"`);
  }
}

/** A requested token validity, checked against the server's validity policy before anything is created. */
export function tokenValidity(services: Services, field: string, value: number | string | undefined): number | undefined {
  if (value === undefined || value === 'N/A') return undefined;
  const requested = integer(field, value);
  try {
    services.tokens.validitySeconds(requested);
  } catch (error) {
    if (error instanceof DomainError) throw invalid(field, error.publicMessage);
    throw error;
  }
  return requested;
}

/** The caller's application and one of its keys; anything else is "not found" (P05). */
export async function ownedKey(services: Services, user: User, applicationId: string, keyMappingId: string) {
  const application = await services.applications.get(user.id, applicationId);
  const client = await services.clients.getForApplication(application.id, keyMappingId);
  return { application, client };
}

/** The deprecated WSO2 `/keys/{keyType}` family addresses keys by type instead of mapping id. */
export async function ownedKeyOfType(services: Services, user: User, applicationId: string, keyType: KeyType) {
  const application = await services.applications.get(user.id, applicationId);
  const client = (await services.clients.listForApplication(application.id)).find((c) => c.keyType === keyType);
  if (!client) throw new DomainError('NOT_FOUND', `no ${keyType} keys for this application`);
  return { application, client };
}
