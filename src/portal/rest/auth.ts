import type { FastifyRequest } from 'fastify';
import type { User } from '../../core/model.ts';
import { restScopesFor } from '../../core/scopes.ts';
import { isSameOrigin, readSessionToken } from '../../http/session-cookie.ts';
import type { Services } from '../../runtime/services.ts';
import { forbidden, unauthenticated } from './errors.ts';

/** Who is calling a REST API, and which `apim:*` scopes they hold right now. */
export interface Principal {
  user: User;
  scopes: ReadonlySet<string>;
  via: 'bearer' | 'session';
}

/** Route access: anonymous (published catalogue, OpenAPI documents) or any one of some scopes (WSO2 semantics). */
export type Access = { anonymous: true } | { scopes: readonly string[] };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const BEARER = /^Bearer[ ]+([!-~]+)[ ]*$/i;

/**
 * A Bearer access token issued by Gatehouse to a user (password grant on a client from
 * /client-registration, exactly as WSO2 scripts do). Its scopes are re-limited by the user's roles
 * today, so a role taken away takes effect on tokens already issued.
 */
async function fromBearer(services: Services, header: string): Promise<Principal> {
  const match = BEARER.exec(header);
  if (!match) throw unauthenticated('use Authorization: Bearer <access token>', false);
  const resolved = await services.tokens.resolve(match[1]!);
  if (!resolved?.active) throw unauthenticated('the access token is invalid, expired or revoked', true);
  if (resolved.record.userId === null) throw unauthenticated('the REST APIs need a user token (password grant), not an application token', true);
  const user = await services.users.findById(resolved.record.userId);
  if (!user || user.disabled) throw unauthenticated('the access token is invalid, expired or revoked', true);
  const allowed = restScopesFor(user.roles);
  return { user, scopes: new Set(resolved.record.scopes.filter((s) => allowed.has(s))), via: 'bearer' };
}

/**
 * The portal's session cookie: the user's role scopes. State-changing calls must also come from our
 * own origin and carry the session's CSRF token in `X-CSRF-Token` (P01).
 */
async function fromSession(services: Services, request: FastifyRequest): Promise<Principal | null> {
  const resolved = await services.sessions.resolve(readSessionToken(request, services.secureCookies));
  if (!resolved) return null;
  if (!SAFE_METHODS.has(request.method)) {
    const presented = request.headers['x-csrf-token'];
    const origins = [services.issuer(), services.urls.control].filter(Boolean);
    if (typeof presented !== 'string' || !services.sessions.checkCsrf(resolved.session, presented) || !isSameOrigin(request, origins)) {
      throw forbidden('a cookie-authenticated change needs the X-CSRF-Token header of the session and a same-origin request');
    }
  }
  return { user: resolved.user, scopes: restScopesFor(resolved.user.roles), via: 'session' };
}

/** Bearer token first (scripts), else the session cookie (the web UI), else anonymous (null). */
export async function authenticate(services: Services, request: FastifyRequest): Promise<Principal | null> {
  const header = request.headers.authorization;
  if (header !== undefined) return fromBearer(services, header);
  return fromSession(services, request);
}

/** 401 without a principal, 403 (WSO2 900910) without any of the route's scopes. */
export function authorize(principal: Principal | null, access: Access): void {
  if ('anonymous' in access) return;
  if (!principal) throw unauthenticated('this API needs an access token: Authorization: Bearer <token>', false);
  if (!access.scopes.some((s) => principal.scopes.has(s))) {
    throw forbidden(`the access token does not allow this operation; it needs one of the scopes ${access.scopes.join(', ')}`, 900910);
  }
}
