import type { z } from 'zod';
import { issueApplicationToken } from '../../../core/application-tokens.ts';
import { invalid } from '../../../core/errors.ts';
import type { Application, OAuthClient } from '../../../core/model.ts';
import type { Services } from '../../../runtime/services.ts';
import { RestError } from '../errors.ts';
import type { KeyUpdateRequestSchema, TokenGenerateRequestSchema } from './application-schemas.ts';
import { keySettings, tokenValidity } from './key-settings.ts';
import { applicationKey, applicationToken } from './mappers.ts';

/** Key operations shared by the `/oauth-keys/{keyMappingId}` routes and the deprecated `/keys/{keyType}` ones. */

/** An application's keys, without secrets, as WSO2's ApplicationKeyList. */
export async function listKeys(services: Services, userId: string, applicationId: string) {
  const application = await services.applications.get(userId, applicationId);
  const list = (await services.clients.listForApplication(application.id)).map((c) => applicationKey(c));
  return { count: list.length, list };
}

/** WSO2 PUT of an ApplicationKey: grant types, callback URL and additionalProperties; consumer key/secret are ignored. */
export async function updateKey(services: Services, client: OAuthClient, body: z.output<typeof KeyUpdateRequestSchema>) {
  const settings = keySettings(services, { grantTypes: body.supportedGrantTypes, callbackUrl: body.callbackUrl, properties: body.additionalProperties }, client);
  return applicationKey(await services.clients.update(client, settings));
}

/** The key whose token is asked for, and the caller's address (a consumerSecret check is throttled like any other, T19). */
export interface TokenTarget {
  application: Application;
  client: OAuthClient;
  ip: string;
}

/** WSO2 generate-token: a client_credentials token with the requested validity and scopes, optionally revoking an old one. */
export async function generateToken(services: Services, { application, client, ip }: TokenTarget, body: z.output<typeof TokenGenerateRequestSchema>) {
  const validityPeriod = tokenValidity(services, 'validityPeriod', body.validityPeriod);
  const secret = body.consumerSecret;
  if (secret !== undefined) {
    const attempt = { kind: 'clientSecret', account: client.consumerKey, ip } as const;
    const outcome = await services.limits.credentials.guard(attempt, () => services.clients.authenticate(client.consumerKey, secret));
    if (outcome.throttled) throw new RestError(429, 'too many failed attempts; retry later', { headers: { 'retry-after': String(outcome.retryAfterSeconds) } });
    if (!outcome.value) throw invalid('consumerSecret', 'consumerSecret is not a live secret of these keys');
  }
  const issued = await issueApplicationToken(services, {
    client,
    tokenType: application.tokenType,
    validityPeriod,
    scopes: body.scopes ?? [],
    revokeToken: body.revokeToken,
  });
  return applicationToken(issued);
}

/** WSO2 regenerate-secret: one new secret replaces all others and every token of the key is revoked. */
export async function regenerateSecret(services: Services, client: OAuthClient) {
  return { consumerKey: client.consumerKey, consumerSecret: await services.clients.regenerateSecret(client) };
}
