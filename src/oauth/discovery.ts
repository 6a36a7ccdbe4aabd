import type { FastifyInstance } from 'fastify';
import { GRANT_TYPES } from '../core/model.ts';
import type { KeyManagerDeps } from './deps.ts';

/** RFC 8414 metadata; `issuer` is exactly the configured issuer (R09). */
export function authorizationServerMetadata(deps: KeyManagerDeps) {
  const issuer = deps.issuer();
  const algorithms = [...new Set(deps.keyRing.publicKeys().map((k) => k.alg))];
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth2/authorize`,
    token_endpoint: `${issuer}/oauth2/token`,
    revocation_endpoint: `${issuer}/oauth2/revoke`,
    introspection_endpoint: `${issuer}/oauth2/introspect`,
    jwks_uri: `${issuer}/oauth2/jwks`,
    registration_endpoint: `${issuer}/client-registration/v0.17/register`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: [...GRANT_TYPES],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
    access_token_signing_alg_values_supported: algorithms,
    // Fields OpenID discovery consumers expect; Gatehouse issues access tokens, not ID tokens.
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: algorithms,
  };
}

/** Metadata and keys are public and cacheable, and may be read cross-origin (R09). */
export function registerDiscovery(app: FastifyInstance, deps: KeyManagerDeps): void {
  const publicHeaders = { 'access-control-allow-origin': '*', 'cache-control': 'public, max-age=60' };
  for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration', '/oauth2/token/.well-known/openid-configuration']) {
    app.get(path, async (_request, reply) => reply.headers(publicHeaders).send(authorizationServerMetadata(deps)));
  }
  app.get('/oauth2/jwks', async (_request, reply) => reply.headers(publicHeaders).send(deps.keyRing.jwks()));
}
