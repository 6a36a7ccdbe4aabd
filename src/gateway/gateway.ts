import type { FastifyReplyFromHooks } from '@fastify/reply-from';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../core/clock.ts';
import type { Application, Subscription } from '../core/model.ts';
import type { Counter } from '../http/metrics.ts';
import type { ApiKeyUsage } from './api-key-usage.ts';
import type { Authenticator, Principal } from './authenticate.ts';
import { authorize, type AuthzPolicy } from './authorize.ts';
import type { BackendJwt } from './backend-jwt.ts';
import type { ClientAddress } from './client-ip.ts';
import { presentedCredential } from './credentials.ts';
import { denialResponse, type Denial, type DenialDetails } from './outcomes.ts';
import { backendHeaders, backendUrl, type ForwardContext } from './proxy.ts';
import type { RouteMatch } from './route-table.ts';
import type { GatewayState } from './state.ts';
import { applicationThrottleKey, limits, throttle, type ThrottleCheck, type Throttler } from './throttle.ts';

export interface GatewayDeps {
  state: GatewayState;
  authz: AuthzPolicy;
  authenticator: Authenticator;
  throttler: Throttler;
  clientAddress: ClientAddress;
  backendJwt: BackendJwt;
  usage: ApiKeyUsage;
  clock: Clock;
  denials: Counter;
  /** False while this process cannot vouch for fresh revocation state (cluster mode): fail closed. */
  fresh: () => boolean;
  tls: boolean;
}

type Found = Extract<RouteMatch, { found: true }>;

function deny(reply: FastifyReply, deps: GatewayDeps, denial: Denial, details?: DenialDetails): FastifyReply {
  deps.denials.inc({ code: denial });
  const answer = denialResponse(denial, details);
  return reply.code(answer.status).headers(answer.headers).send(answer.body);
}

declare module 'fastify' {
  interface FastifyRequest {
    /** What the backend request needs beyond the incoming headers; set just before proxying. */
    forwardContext: ForwardContext | null;
  }
}

/**
 * Mounts the data plane's request path on every URL the gateway server does not answer itself
 * (health, metrics, JWKS).
 */
export function mountGateway(app: FastifyInstance, deps: GatewayDeps): void {
  app.decorateRequest('forwardContext', null);
  // A fault on the request path (S06): logged without the error's message (it could quote a credential),
  // answered generically, and nothing forwarded.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    request.log.error({ reqId: request.id, err: { type: error.name, code: error.code, stack: error.stack?.split('\n').slice(1).join('\n') } }, 'gateway request failed');
    return deny(reply, deps, 'INTERNAL_ERROR');
  });
  app.all('/*', gatewayHandler(deps));
}

/**
 * The data plane's request path, as named steps (SPEC §5): route → credential → authorisation →
 * throttling → backend JWT → proxy. It reads replicated state and cached credentials from memory; only
 * a credential not seen before is looked up in the store. Steps that can answer synchronously do (a
 * cached credential, in-memory counters), so the common path awaits nothing before proxying.
 */
function gatewayHandler(deps: GatewayDeps) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const queryAt = request.url.indexOf('?');
    const rawPath = queryAt < 0 ? request.url : request.url.slice(0, queryAt);
    const query = queryAt < 0 ? '' : request.url.slice(queryAt + 1);
    const route = deps.state.routes.match(request.method, rawPath);
    if (!route.found) return deny(reply, deps, route.reason);
    const { api, operation } = route;
    if (api.lifeCycleStatus === 'BLOCKED') return deny(reply, deps, 'API_BLOCKED');
    const clientIp = deps.clientAddress.of(request.socket.remoteAddress ?? '', request.headers['x-forwarded-for']);

    let caller: Caller | null = null;
    if (operation.authType !== 'None') {
      if (!deps.fresh()) return deny(reply, deps, 'UNAVAILABLE');
      let auth = deps.authenticator.authenticate(presentedCredential(request.headers, query), clientIp);
      if (auth instanceof Promise) auth = await auth;
      if (!auth.ok) {
        return auth.denial === 'LOOKUPS_LIMITED'
          ? deny(reply, deps, auth.denial, { retryAfterSeconds: deps.authenticator.missRetryAfter(clientIp) })
          : deny(reply, deps, auth.denial);
      }
      const authz = authorize(deps.state, deps.authz, auth.principal, api, operation, { clientIp, referer: request.headers.referer });
      if (!authz.ok) return deny(reply, deps, authz.denial, authz.scopes ? { scopes: authz.scopes } : {});
      caller = { principal: auth.principal, application: authz.application, subscription: authz.subscription };
      request.caller = { apiId: api.id, ...caller };
    }

    let limited = throttle(deps.throttler, throttleChecks(deps.state, route, caller));
    if (limited instanceof Promise) limited = await limited;
    if (limited) return deny(reply, deps, limited.denial, { retryAfterSeconds: limited.retryAfterSeconds });

    if (caller?.principal.apiKey) deps.usage.record(caller.principal.apiKey.id, deps.clock.now());
    const assertion = api.backendJwt && caller ? await deps.backendJwt.assertion(caller.principal, api, caller.application, caller.subscription) : undefined;
    request.forwardContext = forwardContext(request, deps.tls, clientIp, assertion, query);
    const endpoint = caller?.principal.keyType === 'SANDBOX' ? api.sandboxUrl : (api.productionUrl ?? api.sandboxUrl);
    // Backend timeouts are set once on the connection pool (headersTimeout/bodyTimeout), not per request.
    // The query goes separately: reply-from's traversal check would refuse a `..` inside it (500).
    return reply.from(backendUrl(endpoint!, route.resourcePath), PROXY_OPTIONS);
  };
}

/** The authorised caller: who, through which application and subscription. */
interface Caller {
  principal: Principal;
  application: Application;
  subscription: Subscription;
}

/** The tiers that limit this call, in SPEC order; counter keys are built only for those (most tiers are Unlimited). */
function throttleChecks(state: GatewayState, route: Found, caller: Caller | null): ThrottleCheck[] {
  const { api, operation, operationIndex } = route;
  const checks: ThrottleCheck[] = [];
  const apiPolicy = api.apiThrottlingPolicy ? state.policy('api', api.apiThrottlingPolicy) : undefined;
  if (limits(apiPolicy)) checks.push({ key: `api|${api.id}`, policy: apiPolicy, denial: 'THROTTLED_API' });
  const resourcePolicy = state.policy('api', operation.throttlingPolicy);
  if (limits(resourcePolicy)) checks.push({ key: `res|${api.id}|${operationIndex}`, policy: resourcePolicy, denial: 'THROTTLED_RESOURCE' });
  if (!caller) return checks;
  const subscriptionPolicy = state.policy('subscription', caller.subscription.throttlingPolicy);
  if (limits(subscriptionPolicy)) checks.push({ key: `sub|${caller.subscription.id}`, policy: subscriptionPolicy, denial: 'THROTTLED_SUBSCRIPTION' });
  const applicationPolicy = state.policy('application', caller.application.throttlingPolicy);
  if (limits(applicationPolicy)) checks.push({ key: applicationThrottleKey(caller.application.id), policy: applicationPolicy, denial: 'THROTTLED_APPLICATION' });
  return checks;
}


function forwardContext(request: FastifyRequest, tls: boolean, clientIp: string, assertion: string | undefined, query: string): ForwardContext {
  // A forwarded-for chain is kept only when a trusted proxy vouched for it (the client address came from it).
  const trustedChain = clientIp !== request.socket.remoteAddress ? request.headers['x-forwarded-for'] : undefined;
  return {
    clientIp,
    peer: request.socket.remoteAddress ?? clientIp,
    proto: tls ? 'https' : 'http',
    host: request.headers.host,
    priorForwardedFor: Array.isArray(trustedChain) ? trustedChain.join(', ') : trustedChain,
    assertion,
    query,
  };
}

/** One options object for every proxied request: per-request data travels on `request.forwardContext`. */
const PROXY_OPTIONS: FastifyReplyFromHooks = {
  rewriteRequestHeaders: (request, headers) => backendHeaders(headers, request.forwardContext!),
  queryString: (_search, _url, request) => request.forwardContext!.query,
  onError: (reply, { error }) => {
    const timedOut = /timeout/i.test(String((error as { code?: string }).code ?? error.message));
    void reply
      .code(timedOut ? 504 : 502)
      .header('content-type', 'application/json')
      .send({ code: timedOut ? '101504' : '101503', message: timedOut ? 'Backend timed out' : 'Error connecting to the backend', description: 'The backend of this API did not answer' });
  },
};
