import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticateClient } from './client-auth.ts';
import type { KeyManagerDeps } from './deps.ts';
import { NO_STORE_HEADERS, invalidRequest } from './errors.ts';
import { readForm, required } from './form.ts';

/**
 * POST /oauth2/revoke (RFC 7009). The hint is only a hint: both token kinds are tried (§2.2). Unknown
 * or already-dead tokens answer 200; a live token of another client is refused and stays valid (R03).
 * Revoking a refresh token revokes its whole grant, access tokens included (§2.1, R05); revoking a
 * JWT access token puts its jti on the gateways' deny-list (R06).
 */
export function revocationEndpoint(deps: KeyManagerDeps) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const form = readForm(request);
    const { client } = await authenticateClient({ clients: deps.clients, throttle: deps.limits.credentials, realm: deps.issuer }, request, form);
    const token = required(form, 'token');
    const notYours = () => invalidRequest('client is not authorized to revoke the presented token');

    const access = await deps.tokens.resolve(token);
    if (access) {
      if (access.record.consumerKey !== client.consumerKey) throw notYours();
      await deps.changes.run((tx, emit) => deps.tokens.revoke(tx, emit, { jti: access.record.jti }));
    } else {
      const refresh = await deps.tokens.resolveRefreshToken(token);
      if (refresh) {
        if (refresh.consumerKey !== client.consumerKey) throw notYours();
        await deps.changes.run((tx, emit) => deps.tokens.revoke(tx, emit, { grantId: refresh.grantId }));
      }
    }
    return reply.headers(NO_STORE_HEADERS).code(200).send();
  };
}
