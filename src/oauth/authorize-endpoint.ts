import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { mintCredential } from '../core/credentials.ts';
import type { User } from '../core/model.ts';
import { sendPage } from '../http/page.ts';
import {
  checkPreAuthToken,
  isSameOrigin,
  issuePreAuthToken,
  readSessionToken,
  setSessionCookie,
} from '../http/session-cookie.ts';
import {
  AuthorizePageError,
  AuthorizeRedirectError,
  redirectTo,
  toSearchParams,
  validateAuthorizationRequest,
  type AuthorizationRequest,
} from './authorization-request.ts';
import { consentPage, errorPage, loginPage } from './authorize-pages.ts';
import type { KeyManagerDeps } from './deps.ts';
import { field, type FormBody } from './form.ts';
import { grantScopes } from './grants/grant.ts';

const SESSION_TTL_SECONDS = 8 * 3600;

/**
 * The authorization endpoint (RFC 6749 §4.1) with its sign-in and consent pages. Errors about the
 * client or redirect_uri render a page and never redirect; everything else goes back to the client.
 */
export function registerAuthorize(app: FastifyInstance, deps: KeyManagerDeps): void {
  const secure = deps.secureCookies;
  const findClient = (id: string) => deps.store.clients.findByConsumerKey(id);
  const issuerOrigin = () => new URL(deps.issuer()).origin;

  const handle = async (reply: FastifyReply, work: () => Promise<unknown>) => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AuthorizePageError) return sendPage(reply, 400, errorPage(error.error, error.description));
      if (error instanceof AuthorizeRedirectError) {
        const { redirectUri, state } = error.request;
        return reply.redirect(redirectTo(redirectUri, { error: error.error, error_description: error.description, state, iss: deps.issuer() }), 303);
      }
      throw error;
    }
  };

  const showConsent = async (reply: FastifyReply, request: AuthorizationRequest, user: User, csrf: string) => {
    const scopes = await grantScopes(deps.store, request.client, request.requestedScopes, user);
    return sendPage(reply, 200, consentPage({ params: request.params, csrf, clientName: request.client.name, username: user.username, scopes }), [
      new URL(request.redirectUri).origin,
    ]);
  };

  const signedIn = (request: FastifyRequest) => deps.sessions.resolve(readSessionToken(request, secure));

  app.get('/oauth2/authorize', (request, reply) =>
    handle(reply, async () => {
      const authz = await validateAuthorizationRequest(toSearchParams(request.query), findClient);
      const current = await signedIn(request);
      if (current) return showConsent(reply, authz, current.user, current.csrfToken);
      const csrf = issuePreAuthToken(request, reply, secure);
      return sendPage(reply, 200, loginPage({ params: authz.params, csrf, clientName: authz.client.name }));
    }),
  );

  app.post<{ Body: FormBody }>('/oauth2/authorize/login', (request, reply) =>
    handle(reply, async () => {
      const body = request.body;
      const authz = await validateAuthorizationRequest(new URLSearchParams(field(body, 'request') ?? ''), findClient);
      if (!isSameOrigin(request, [issuerOrigin()]) || !checkPreAuthToken(request, secure, field(body, 'csrf'))) {
        return sendPage(reply, 403, errorPage('access_denied', 'the sign-in form expired or came from another site; reload and try again'));
      }
      const username = field(body, 'username') ?? '';
      const retry = (status: number, message: string) =>
        sendPage(reply, status, loginPage({ params: authz.params, csrf: issuePreAuthToken(request, reply, secure), clientName: authz.client.name, error: message, username }));
      const password = field(body, 'password') ?? '';
      const outcome = await deps.limits.credentials.guard({ kind: 'password', account: username, ip: request.ip }, () => deps.users.authenticate(username, password));
      if (outcome.throttled) {
        reply.header('retry-after', String(outcome.retryAfterSeconds));
        return retry(429, 'Too many failed sign-in attempts. Wait a little and try again.');
      }
      const user = outcome.value;
      if (!user) return retry(401, 'Wrong username or password.');
      const { token } = await deps.sessions.create(user.id);
      setSessionCookie(reply, token, secure, SESSION_TTL_SECONDS);
      // 303 so the browser never re-posts the credentials (RFC 9700 §4.12, A03).
      return reply.redirect(`/oauth2/authorize?${authz.params.toString()}`, 303);
    }),
  );

  app.post<{ Body: FormBody }>('/oauth2/authorize/decision', (request, reply) =>
    handle(reply, async () => {
      const body = request.body;
      const authz = await validateAuthorizationRequest(new URLSearchParams(field(body, 'request') ?? ''), findClient);
      const current = await signedIn(request);
      if (!current || !isSameOrigin(request, [issuerOrigin()]) || !deps.sessions.checkCsrf(current.session, field(body, 'csrf'))) {
        return sendPage(reply, 403, errorPage('access_denied', 'the consent form expired or came from another site; start again'));
      }
      if (field(body, 'decision') !== 'approve') {
        throw new AuthorizeRedirectError(authz, 'access_denied', 'the user denied the request');
      }
      const code = await issueCode(deps, authz, current.user);
      return reply.redirect(redirectTo(authz.redirectUri, { code, state: authz.state, iss: deps.issuer() }), 303);
    }),
  );
}

async function issueCode(deps: KeyManagerDeps, authz: AuthorizationRequest, user: User): Promise<string> {
  const code = mintCredential('authorizationCode', deps.random);
  const now = deps.clock.now();
  await deps.store.tokens.insertAuthorizationCode({
    hash: deps.hasher.hash(code),
    consumerKey: authz.client.consumerKey,
    userId: user.id,
    redirectUri: authz.redirectUri,
    scopes: await grantScopes(deps.store, authz.client, authz.requestedScopes, user),
    codeChallenge: authz.codeChallenge,
    grantId: deps.random.uuid(),
    issuedAt: now,
    expiresAt: now + deps.authorizationCodeTtlSeconds * 1000,
    consumedAt: null,
  });
  return code;
}
