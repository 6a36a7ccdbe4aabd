import type {} from '@fastify/reply-from';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../core/clock.ts';
import type { Counter } from '../http/metrics.ts';
import type { ApiKeyUsage } from './api-key-usage.ts';
import type { Authenticator, Principal } from './authenticate.ts';
import { authorize } from './authorize.ts';
import type { BackendJwt } from './backend-jwt.ts';
import type { ClientAddress } from './client-ip.ts';
import { presentedCredential } from './credentials.ts';
import { denialResponse, type Denial, type DenialDetails } from './outcomes.ts';
import { backendHeaders, backendUrl } from './proxy.ts';
import type { RouteMatch } from './route-table.ts';
import type { GatewayState } from './state.ts';
import { throttle, type Throttler } from './throttle.ts';

export interface GatewayDeps {
  state: GatewayState;
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

/**
 * The data plane's request path, as named steps (SPEC §5): route → credential → authorisation →
 * throttling → backend JWT → proxy. It reads only in-memory state; the database is never touched.
 */
export function gatewayHandler(deps: GatewayDeps) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const queryAt = request.url.indexOf('?');
    const rawPath = queryAt < 0 ? request.url : request.url.slice(0, queryAt);
    const query = queryAt < 0 ? '' : request.url.slice(queryAt + 1);
    const route = deps.state.routes.match(request.method, rawPath);
    if (!route.found) return deny(reply, deps, route.reason);
    if (route.api.lifeCycleStatus === 'BLOCKED') return deny(reply, deps, 'API_BLOCKED');
    const clientIp = deps.clientAddress.of(request.socket.remoteAddress ?? '', request.headers['x-forwarded-for']);

    let principal: Principal | null = null;
    let subscriptionId: string | undefined;
    if (route.operation.authType !== 'None') {
      if (!deps.fresh()) return deny(reply, deps, 'UNAVAILABLE');
      const auth = await deps.authenticator.authenticate(presentedCredential(request.headers, query));
      if (!auth.ok) return deny(reply, deps, auth.denial);
      principal = auth.principal;
      const authz = authorize(deps.state, principal, route.api, route.operation, { clientIp, referer: request.headers.referer });
      if (!authz.ok) return deny(reply, deps, authz.denial, authz.scopes ? { scopes: authz.scopes } : {});
      subscriptionId = authz.subscription.id;
    }

    const limited = await throttle(deps.throttler, throttleChecks(deps.state, route, principal, subscriptionId));
    if (limited) return deny(reply, deps, limited.denial, { retryAfterSeconds: limited.retryAfterSeconds });

    if (principal?.apiKey) deps.usage.record(principal.apiKey.id, deps.clock.now());
    return forward(request, reply, deps, route, principal, clientIp, query);
  };
}

function throttleChecks(state: GatewayState, route: Found, principal: Principal | null, subscriptionId: string | undefined) {
  const { api, operation, operationIndex } = route;
  const application = principal ? state.applications.get(principal.applicationId) : undefined;
  const subscription = principal ? state.subscription(principal.applicationId, api.id) : undefined;
  return [
    { key: `api|${api.id}`, policy: api.apiThrottlingPolicy ? state.policy('api', api.apiThrottlingPolicy) : undefined, denial: 'THROTTLED_API' as const },
    { key: `res|${api.id}|${operationIndex}`, policy: state.policy('api', operation.throttlingPolicy), denial: 'THROTTLED_RESOURCE' as const },
    { key: `sub|${subscriptionId}`, policy: subscription ? state.policy('subscription', subscription.throttlingPolicy) : undefined, denial: 'THROTTLED_SUBSCRIPTION' as const },
    { key: `app|${application?.id}`, policy: application ? state.policy('application', application.throttlingPolicy) : undefined, denial: 'THROTTLED_APPLICATION' as const },
  ];
}

async function forward(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: GatewayDeps,
  route: Found,
  principal: Principal | null,
  clientIp: string,
  query: string,
) {
  const { api } = route;
  const endpoint = principal?.keyType === 'SANDBOX' ? api.sandboxUrl : (api.productionUrl ?? api.sandboxUrl);
  const application = principal ? deps.state.applications.get(principal.applicationId) : undefined;
  const subscription = principal ? deps.state.subscription(principal.applicationId, api.id) : undefined;
  const assertion =
    api.backendJwt && principal && application && subscription ? await deps.backendJwt.assertion(principal, api, application, subscription) : undefined;
  const trustedChain = clientIp !== request.socket.remoteAddress ? request.headers['x-forwarded-for'] : undefined;
  // Backend timeouts are set once on the connection pool (headersTimeout/bodyTimeout), not per request.
  return reply.from(backendUrl(endpoint!, route.resourcePath, query), {
    rewriteRequestHeaders: (_req, headers) =>
      backendHeaders(headers, {
        clientIp,
        proto: deps.tls ? 'https' : 'http',
        host: request.headers.host,
        priorForwardedFor: Array.isArray(trustedChain) ? trustedChain.join(', ') : trustedChain,
        assertion,
      }),
    onError: (innerReply, { error }) => {
      const timedOut = /timeout/i.test(String((error as { code?: string }).code ?? error.message));
      void innerReply
        .code(timedOut ? 504 : 502)
        .header('content-type', 'application/json')
        .send({ code: timedOut ? '101504' : '101503', message: timedOut ? 'Backend timed out' : 'Error connecting to the backend', description: 'The backend of this API did not answer' });
    },
  });
}
