import replyFrom from '@fastify/reply-from';
import type { FastifyInstance } from 'fastify';
import { ApiKeyUsage } from '../gateway/api-key-usage.ts';
import { Authenticator } from '../gateway/authenticate.ts';
import { BackendJwt } from '../gateway/backend-jwt.ts';
import { ClientAddress } from '../gateway/client-ip.ts';
import { mountGateway } from '../gateway/gateway.ts';
import { GatewayState } from '../gateway/state.ts';
import { MemoryThrottler, type Throttler } from '../gateway/throttle.ts';
import { JwtVerifier } from '../core/jwt-verifier.ts';
import type { StoredEvent } from '../core/events.ts';
import { registerHealth, type ReadinessCheck } from '../http/health.ts';
import { createHttpServer } from '../http/server.ts';
import type { Services } from './services.ts';

export interface GatewayOptions {
  throttler?: Throttler;
  /** Whether this process can vouch for fresh revocation state (cluster mode); always true alone. */
  fresh?: () => boolean;
  readiness?: ReadinessCheck[];
  /** Renders `/metrics`; a gateway worker shows every worker's (default: this process's registry). */
  renderMetrics?: () => string | Promise<string>;
}

export interface GatewayPlane {
  app: FastifyInstance;
  state: GatewayState;
  close(): Promise<void>;
}

const SWEEP_INTERVAL_MS = 60_000;

/** Loads the gateway's in-memory state and keeps it fresh from the bus; events that race the load are replayed. */
async function loadState(services: Services): Promise<{ state: GatewayState; unsubscribe: () => void }> {
  const state = new GatewayState();
  const early: StoredEvent[] = [];
  let loaded = false;
  const unsubscribe = services.bus.subscribe((events) => {
    if (loaded) state.apply(events);
    else early.push(...events);
  });
  await state.load(services.store, services.clock.now());
  loaded = true;
  state.apply(early);
  return { state, unsubscribe };
}

/** The data plane: routes published APIs to their backends after checking credentials, in memory. */
export async function buildGatewayPlane(services: Services, options: GatewayOptions = {}): Promise<GatewayPlane> {
  const { config, clock } = services;
  const { state, unsubscribe } = await loadState(services);
  await services.backendKeyRing.ensureLoaded();
  const verifier = new JwtVerifier({ issuer: services.issuer, keys: () => state.signingKeys, clock, leewaySeconds: config.jwtLeewaySeconds });
  const authenticator = new Authenticator({ state, verifier, hasher: services.hasher, clock, cacheSize: config.tokenCacheSize });
  // A removed signing key's tokens stop verifying at once. New or retired keys change nothing cached:
  // retired keys still verify, and a replayed creation event must not empty the cache.
  const stopKeyWatch = services.bus.subscribe((events) => {
    if (events.some((e) => e.event.type === 'signing-key.deleted')) authenticator.cache.clear();
  });
  const usage = new ApiKeyUsage({ apiKeys: services.store.apiKeys, log: services.log, flushIntervalMs: 10_000 });
  usage.start();
  const throttler: Throttler = options.throttler ?? new MemoryThrottler(clock);

  const app = createHttpServer({
    logger: services.log,
    metrics: services.metrics,
    plane: 'gateway',
    requestTimeoutMs: config.backendTimeoutMs + 30_000,
    ...(config.tlsCert && config.tlsKey && { tls: { cert: config.tlsCert, key: config.tlsKey } }),
  });
  // Bodies stream to the backend untouched.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  await app.register(replyFrom, {
    undici: { connections: 128, pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: config.backendTimeoutMs, bodyTimeout: config.backendTimeoutMs },
  });

  const denials = services.metrics.counter('gatehouse_gateway_denials_total', 'Requests refused by the gateway, by reason');
  const cacheGauge = services.metrics.gauge('gatehouse_gateway_token_cache', 'Verified-token cache: hits, misses and entries');
  cacheGauge.track(() => authenticator.cache.hits, { kind: 'hits' });
  cacheGauge.track(() => authenticator.cache.misses, { kind: 'misses' });
  cacheGauge.track(() => authenticator.cache.size, { kind: 'entries' });
  registerHealth(
    app,
    [
      { name: 'store', check: async () => (await services.store.ping(), true) },
      { name: 'state', check: async () => options.fresh?.() ?? true },
      ...(options.readiness ?? []),
    ],
    options.renderMetrics ?? (() => services.metrics.render()),
  );
  app.get('/jwks', async (_request, reply) => reply.header('cache-control', 'public, max-age=60').send(services.backendKeyRing.jwks()));
  mountGateway(app, {
    state,
    authenticator,
    throttler,
    clientAddress: new ClientAddress(config.trustedProxies),
    backendJwt: new BackendJwt({ keyRing: services.backendKeyRing, clock, ttlSeconds: config.backendJwtTtlSeconds }),
    usage,
    clock,
    denials,
    fresh: options.fresh ?? (() => true),
    tls: Boolean(config.tlsCert),
  });

  const sweeper = setInterval(() => state.sweep(clock.now()), SWEEP_INTERVAL_MS);
  sweeper.unref();
  return {
    app,
    state,
    close: async () => {
      clearInterval(sweeper);
      unsubscribe();
      stopKeyWatch();
      await app.close();
      await usage.stop();
      await throttler.close?.();
    },
  };
}
