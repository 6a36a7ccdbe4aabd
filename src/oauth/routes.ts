import type { FastifyError, FastifyInstance } from 'fastify';
import { DomainError } from '../core/errors.ts';
import { StoreUnavailable } from '../store/store-unavailable.ts';
import { registerAuthorize } from './authorize-endpoint.ts';
import type { KeyManagerDeps } from './deps.ts';
import { registerDiscovery } from './discovery.ts';
import { NO_STORE_HEADERS, OAuthError } from './errors.ts';
import { FORM_BODY_LIMIT } from './form.ts';
import { introspectionEndpoint } from './introspection-endpoint.ts';
import { registrationEndpoint } from './registration-endpoint.ts';
import { revocationEndpoint } from './revocation-endpoint.ts';
import { tokenEndpoint } from './token-endpoint.ts';

/** Maps anything thrown inside the Key Manager to an RFC 6749 §5.2 error; 5xx bodies say nothing internal (S06). */
function toOAuthError(error: unknown): OAuthError {
  if (error instanceof OAuthError) return error;
  if (error instanceof DomainError && error.code === 'VALIDATION') return new OAuthError(400, 'invalid_request', error.publicMessage);
  // The client (or user) changed between authentication and issuance, e.g. its secret was regenerated.
  if (error instanceof DomainError && error.code === 'UNAUTHENTICATED') return new OAuthError(401, 'invalid_client', error.publicMessage);
  if (error instanceof StoreUnavailable) {
    return new OAuthError(
      503,
      'temporarily_unavailable',
      error.outcomeUnknown ? 'the store stopped answering during this request: its outcome is unknown' : 'the store is unavailable; retry shortly',
      { 'retry-after': '1', ...(error.outcomeUnknown && { 'gatehouse-outcome': 'unknown' }) },
    );
  }
  const code = (error as FastifyError).code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new OAuthError(413, 'invalid_request', 'request body too large');
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new OAuthError(400, 'invalid_request', 'unsupported content type');
  const status = (error as FastifyError).statusCode;
  if (status !== undefined && status >= 400 && status < 500) return new OAuthError(400, 'invalid_request', 'malformed request');
  return new OAuthError(500, 'server_error', 'internal server error');
}

/** The Key Manager: OAuth2 endpoints, discovery, client registration and the authorize pages. */
export async function registerKeyManager(app: FastifyInstance, deps: KeyManagerDeps): Promise<void> {
  await app.register(async (scope) => {
    scope.setErrorHandler((error, request, reply) => {
      const oauth = toOAuthError(error);
      if (oauth.status === 503) request.log.warn({ err: (error as Error).message, reqId: request.id }, 'key manager: store unavailable');
      else if (oauth.status >= 500) request.log.error({ err: error, reqId: request.id }, 'key manager error');
      return reply.code(oauth.status).headers({ ...NO_STORE_HEADERS, ...oauth.headers }).send({ error: oauth.error, error_description: oauth.message });
    });

    const post = { bodyLimit: FORM_BODY_LIMIT };
    scope.post('/oauth2/token', post, tokenEndpoint(deps));
    scope.post('/oauth2/revoke', post, revocationEndpoint(deps));
    scope.post('/oauth2/introspect', post, introspectionEndpoint(deps));
    scope.post('/client-registration/v0.17/register', post, registrationEndpoint(deps));
    // RFC 6749 §3.2: the token endpoint is POST only (T09).
    for (const url of ['/oauth2/token', '/oauth2/revoke', '/oauth2/introspect']) {
      scope.route({
        method: ['GET', 'PUT', 'PATCH', 'DELETE'],
        url,
        handler: async (_request, reply) =>
          reply.code(405).headers({ allow: 'POST', ...NO_STORE_HEADERS }).send({ error: 'invalid_request', error_description: 'use POST' }),
      });
    }
    registerDiscovery(scope, deps);
  });
  // The authorize pages render HTML errors themselves and never allow CORS (R09).
  await app.register(async (scope) => registerAuthorize(scope, deps));
}
