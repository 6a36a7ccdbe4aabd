import type { FastifyReply, FastifyRequest } from 'fastify';
import { GRANT_TYPES, type GrantType } from '../core/model.ts';
import { parseScopeParameter } from '../core/scopes.ts';
import { authenticateClient } from './client-auth.ts';
import type { KeyManagerDeps } from './deps.ts';
import { NO_STORE_HEADERS, OAuthError, invalidRequest, invalidScope, unauthorizedClient } from './errors.ts';
import { readForm, required } from './form.ts';
import { authorizationCodeGrant } from './grants/authorization-code.ts';
import { clientCredentialsGrant } from './grants/client-credentials.ts';
import type { Grant } from './grants/grant.ts';
import { passwordGrant } from './grants/password.ts';
import { refreshTokenGrant } from './grants/refresh-token.ts';

const GRANTS: ReadonlyMap<GrantType, Grant> = new Map(
  [clientCredentialsGrant, passwordGrant, refreshTokenGrant, authorizationCodeGrant].map((g) => [g.grantType, g]),
);

function supportedGrant(value: string): Grant {
  const grant = (GRANT_TYPES as readonly string[]).includes(value) ? GRANTS.get(value as GrantType) : undefined;
  if (!grant) throw new OAuthError(400, 'unsupported_grant_type', `unsupported grant_type '${value}'`);
  return grant;
}

/**
 * POST /oauth2/token as a short list of named steps (node-oidc-provider lib/actions/token.js): parse →
 * check grant type → authenticate client → check the grant is enabled for it → validate scope → dispatch.
 */
export function tokenEndpoint(deps: KeyManagerDeps) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const form = readForm(request);
    const grant = supportedGrant(required(form, 'grant_type'));
    const { client, tokenType } = await authenticateClient(
      { clients: deps.clients, throttle: deps.limits.credentials, realm: deps.issuer },
      request,
      form,
    );
    if (!client.grantTypes.includes(grant.grantType)) {
      throw unauthorizedClient(`the ${grant.grantType} grant is not enabled for this client`);
    }
    const requestedScopes = parseScopeParameter(form.get('scope'));
    if (requestedScopes === null) throw invalidScope('scope contains invalid characters');
    if (requestedScopes.length > 100) throw invalidRequest('too many scopes requested');

    const body = await grant.handle({ deps, client, tokenType, form, requestedScopes, ip: request.ip });
    return reply.headers(NO_STORE_HEADERS).send(body);
  };
}
