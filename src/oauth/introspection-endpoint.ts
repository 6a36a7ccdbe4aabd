import type { FastifyReply, FastifyRequest } from 'fastify';
import { seconds } from '../core/clock.ts';
import { isLive, type AccessTokenRecord, type OAuthClient, type User } from '../core/model.ts';
import { authenticateClient, parseBasic } from './client-auth.ts';
import type { KeyManagerDeps } from './deps.ts';
import { NO_STORE_HEADERS, OAuthError, invalidClient, throttled } from './errors.ts';
import { readForm, required, type Form } from './form.ts';

/** Who may introspect: a client (its own tokens) or an admin user with Basic credentials (any token, as WSO2's gateways do). */
type Caller = { client: OAuthClient } | { admin: User };

async function authenticateCaller(deps: KeyManagerDeps, request: FastifyRequest, form: Form): Promise<Caller> {
  try {
    const { client } = await authenticateClient({ clients: deps.clients, throttle: deps.limits.credentials, realm: deps.issuer }, request, form);
    return { client };
  } catch (error) {
    const header = request.headers.authorization;
    if (!(error instanceof OAuthError) || error.status !== 401 || !header) throw error;
    const basic = parseBasic(header);
    // A user's password: the same throttle as every sign-in (P08); a non-admin counts as a failure.
    const outcome = await deps.limits.credentials.guard({ kind: 'password', account: basic.id, ip: request.ip }, async () => {
      const user = await deps.users.authenticate(basic.id, basic.secret);
      return user?.roles.includes('admin') ? user : null;
    });
    if (outcome.throttled) throw throttled('invalid_client', outcome.retryAfterSeconds);
    if (!outcome.value) throw invalidClient(deps.issuer());
    return { admin: outcome.value };
  }
}

const mayRead = (caller: Caller, consumerKey: string): boolean => 'admin' in caller || caller.client.consumerKey === consumerKey;

function accessTokenClaims(deps: KeyManagerDeps, record: AccessTokenRecord, username: string | null) {
  return {
    active: true,
    scope: record.scopes.join(' '),
    client_id: record.consumerKey,
    ...(username !== null && { username }),
    token_type: 'Bearer',
    ...(record.expiresAt !== null && { exp: seconds(record.expiresAt) }),
    iat: seconds(record.issuedAt),
    nbf: seconds(record.issuedAt),
    sub: record.userId ?? record.consumerKey,
    aud: record.consumerKey,
    iss: deps.issuer(),
    jti: record.jti,
    aut: record.aut,
    ...(record.keyType && { keytype: record.keyType }),
  };
}

/**
 * POST /oauth2/introspect (RFC 7662). Authentication is required (§2.1); anything not active, not
 * found, or not the caller's answers exactly `{"active": false}` (§2.2, R08).
 */
export function introspectionEndpoint(deps: KeyManagerDeps) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const form = readForm(request);
    const caller = await authenticateCaller(deps, request, form);
    const token = required(form, 'token');
    reply.headers(NO_STORE_HEADERS);

    const access = await deps.tokens.resolve(token);
    if (access?.active && mayRead(caller, access.record.consumerKey)) {
      const user = access.record.userId ? await deps.users.findById(access.record.userId) : null;
      return accessTokenClaims(deps, access.record, user?.username ?? null);
    }
    const refresh = access ? null : await deps.tokens.resolveRefreshToken(token);
    const now = deps.clock.now();
    if (refresh && refresh.consumedAt === null && refresh.revokedAt === null && isLive(refresh.expiresAt, now) && mayRead(caller, refresh.consumerKey)) {
      return {
        active: true,
        token_type: 'refresh_token',
        scope: refresh.scopes.join(' '),
        client_id: refresh.consumerKey,
        iat: seconds(refresh.issuedAt),
        ...(refresh.expiresAt !== null && { exp: seconds(refresh.expiresAt) }),
      };
    }
    return { active: false };
  };
}
