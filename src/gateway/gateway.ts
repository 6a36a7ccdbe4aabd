import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.ts';
import type { Application, Subscription } from '../core/model.ts';
import type { Counter } from '../http/metrics.ts';
import type { Exchange, FrontHandler } from '../http/server.ts';
import type { UsageRecorder } from '../usage/usage-recorder.ts';
import type { ApiKeyUsage } from './api-key-usage.ts';
import type { Authenticator, Principal } from './authenticate.ts';
import { authorize, type AuthzPolicy } from './authorize.ts';
import type { BackendJwt } from './backend-jwt.ts';
import type { ClientAddress } from './client-ip.ts';
import { presentedCredential } from './credentials.ts';
import type { BackendFailure, Forwarder } from './forwarder.ts';
import { denialResponse, type Denial, type DenialDetails } from './outcomes.ts';
import { backendHeaders, backendTarget, type ForwardContext } from './proxy.ts';
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
  forwarder: Forwarder;
  /** Counts authorised callers' requests for usage reports; null when usage counting is off. */
  usageCounts: UsageRecorder | null;
  log: Logger;
  /** False while this process cannot vouch for fresh revocation state (cluster mode): fail closed. */
  fresh: () => boolean;
  tls: boolean;
}

type Found = Extract<RouteMatch, { found: true }>;

function sendJson(response: ServerResponse, exchange: Exchange, status: number, headers: Record<string, string>, body: object): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(payload), 'x-request-id': exchange.id });
  response.end(payload);
}

function deny(response: ServerResponse, exchange: Exchange, deps: GatewayDeps, denial: Denial, details?: DenialDetails): void {
  deps.denials.inc({ code: denial });
  const answer = denialResponse(denial, details);
  sendJson(response, exchange, answer.status, answer.headers, answer.body);
}

function backendFailed(response: ServerResponse, exchange: Exchange, failure: BackendFailure): void {
  const timedOut = failure === 'timeout';
  sendJson(response, exchange, timedOut ? 504 : 502, { 'content-type': 'application/json' }, {
    code: timedOut ? '101504' : '101503',
    message: timedOut ? 'Backend timed out' : 'Error connecting to the backend',
    description: 'The backend of this API did not answer',
  });
}

/**
 * The data plane's request path, answering every URL the gateway's Fastify routes (health, metrics,
 * JWKS) do not. A fault on it (S06) is logged without the error's message (it could quote a
 * credential), answered generically, and nothing is forwarded.
 */
export function gatewayFront(deps: GatewayDeps): FrontHandler {
  return {
    route: '/*',
    handle(request, response, exchange) {
      serve(deps, request, response, exchange).catch((error: Error) => {
        deps.log.error({ reqId: exchange.id, err: { type: error.name, code: (error as { code?: string }).code, stack: error.stack?.split('\n').slice(1).join('\n') } }, 'gateway request failed');
        if (response.headersSent) response.destroy();
        else deny(response, exchange, deps, 'INTERNAL_ERROR');
      });
    },
  };
}

/**
 * One request, as named steps (SPEC §5): route → credential → authorisation → throttling → backend
 * JWT → proxy. It reads replicated state and cached credentials from memory; only a credential not
 * seen before is looked up in the store. Steps that can answer synchronously do (a cached credential,
 * in-memory counters), so the common path awaits nothing before proxying.
 */
async function serve(deps: GatewayDeps, request: IncomingMessage, response: ServerResponse, exchange: Exchange): Promise<void> {
  const url = request.url!;
  const queryAt = url.indexOf('?');
  const rawPath = queryAt < 0 ? url : url.slice(0, queryAt);
  const query = queryAt < 0 ? '' : url.slice(queryAt + 1);
  const route = deps.state.routes.match(request.method!, rawPath);
  if (!route.found) return deny(response, exchange, deps, route.reason);
  const { api, operation } = route;
  if (api.lifeCycleStatus === 'BLOCKED') return deny(response, exchange, deps, 'API_BLOCKED');
  const { headers } = request;
  const clientIp = deps.clientAddress.of(request.socket.remoteAddress ?? '', headers['x-forwarded-for']);

  let caller: Caller | null = null;
  if (operation.authType !== 'None') {
    if (!deps.fresh()) return deny(response, exchange, deps, 'UNAVAILABLE');
    let auth = deps.authenticator.authenticate(presentedCredential(headers, query), clientIp);
    if (auth instanceof Promise) auth = await auth;
    if (!auth.ok) {
      return auth.denial === 'LOOKUPS_LIMITED'
        ? deny(response, exchange, deps, auth.denial, { retryAfterSeconds: deps.authenticator.missRetryAfter(clientIp) })
        : deny(response, exchange, deps, auth.denial);
    }
    const authz = authorize(deps.state, deps.authz, auth.principal, api, operation, { clientIp, referer: headers.referer });
    if (!authz.ok) return deny(response, exchange, deps, authz.denial, authz.scopes ? { scopes: authz.scopes } : {});
    caller = { principal: auth.principal, application: authz.application, subscription: authz.subscription };
    const counted = { apiId: api.id, ...caller };
    const { usageCounts } = deps;
    if (usageCounts) exchange.onDone = (status, ms) => usageCounts.record(counted, status, ms);
  }

  let limited = throttle(deps.throttler, throttleChecks(deps.state, route, caller));
  if (limited instanceof Promise) limited = await limited;
  if (limited) return deny(response, exchange, deps, limited.denial, { retryAfterSeconds: limited.retryAfterSeconds });

  if (caller?.principal.apiKey) deps.usage.record(caller.principal.apiKey.id, deps.clock.now());
  const assertion = api.backendJwt && caller ? await deps.backendJwt.assertion(caller.principal, api, caller.application, caller.subscription) : undefined;
  const { endpoints } = route;
  const endpoint = caller?.principal.keyType === 'SANDBOX' ? endpoints.sandbox : (endpoints.production ?? endpoints.sandbox);
  const target = backendTarget(endpoint!, route.resourcePath, query);
  deps.forwarder.forward(request, response, {
    origin: target.origin,
    path: target.path,
    headers: backendHeaders(request.rawHeaders, forwardContext(request, deps.tls, clientIp, assertion)),
    responseHeaders: ['x-request-id', exchange.id],
    onFailure: (failure) => backendFailed(response, exchange, failure),
  });
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


function forwardContext(request: IncomingMessage, tls: boolean, clientIp: string, assertion: string | undefined): ForwardContext {
  // A forwarded-for chain is kept only when a trusted proxy vouched for it (the client address came from it).
  const trustedChain = clientIp !== request.socket.remoteAddress ? request.headers['x-forwarded-for'] : undefined;
  return {
    clientIp,
    peer: request.socket.remoteAddress ?? clientIp,
    proto: tls ? 'https' : 'http',
    host: request.headers.host,
    priorForwardedFor: Array.isArray(trustedChain) ? trustedChain.join(', ') : trustedChain,
    assertion,
  };
}
