import type { FastifyInstance } from 'fastify';
import { ApiKeyUsage } from '../gateway/api-key-usage.ts';
import { Authenticator } from '../gateway/authenticate.ts';
import { BackendJwt } from '../gateway/backend-jwt.ts';
import { ClientAddress } from '../gateway/client-ip.ts';
import { Forwarder } from '../gateway/forwarder.ts';
import { gatewayFront } from '../gateway/gateway.ts';
import { UsageRecorder } from '../usage/usage-recorder.ts';
import { CredentialLookup } from '../gateway/credential-lookup.ts';
import { GatewayState } from '../gateway/state.ts';
import { MemoryThrottler, applicationThrottleKey, type Throttler } from '../gateway/throttle.ts';
import { JwtVerifier } from '../core/jwt-verifier.ts';
import type { ChangeEventType, StoredEvent } from '../core/events.ts';
import { registerHealth, type ReadinessCheck } from '../http/health.ts';
import { createHttpServer } from '../http/server.ts';
import { accessLineWriter } from './logger.ts';
import type { Services } from './services.ts';

export interface GatewayOptions {
  throttler?: Throttler;
  /** Whether this process can vouch for fresh revocation state (cluster mode); always true alone. */
  fresh?: () => boolean;
  readiness?: ReadinessCheck[];
  /** Renders `/metrics`; a gateway worker shows every worker's (default: this process's registry). */
  renderMetrics?: () => string | Promise<string>;
  /** State restored from a snapshot because the store was unreachable at start. */
  restored?: GatewayState;
  /** Called with the state after every applied batch of events (e.g. to write a snapshot). */
  onStateChanged?: (state: GatewayState) => void;
}

export interface GatewayPlane {
  app: FastifyInstance;
  state: GatewayState;
  close(): Promise<void>;
}

/** Events about single credentials: they change the lookups' caches, never the replicated state. */
const CREDENTIAL_EVENTS: ReadonlySet<ChangeEventType> = new Set(['token.issued', 'tokens.revoked', 'tokens.revoked-by', 'api-key.saved', 'api-key.revoked']);

/**
 * Loads the gateway's replicated state and keeps it fresh from the bus; events that race the load are
 * replayed. A state given by the caller (restored from a last-known-good snapshot while the store was
 * down) is kept fresh the same way.
 */
async function loadState(services: Services, restored: GatewayState | undefined): Promise<{ state: GatewayState; unsubscribe: () => void }> {
  const state = restored ?? new GatewayState();
  const early: StoredEvent[] = [];
  let loaded = restored !== undefined;
  const unsubscribe = services.bus.subscribe((events) => {
    if (loaded) state.apply(events);
    else early.push(...events);
  });
  if (!loaded) {
    await state.load(services.store);
    loaded = true;
    state.apply(early);
  }
  return { state, unsubscribe };
}

/** The data plane: routes published APIs to their backends after checking credentials (looked up through bounded caches). */
export async function buildGatewayPlane(services: Services, options: GatewayOptions = {}): Promise<GatewayPlane> {
  const { config, clock } = services;
  const { state, unsubscribe } = await loadState(services, options.restored);
  // Backend JWTs need the gateway's private key from the store; while it cannot be read (started from a
  // snapshot), APIs that want one fail (500 900900) and the load is retried.
  const backendKeys = await loadBackendKeys(services);
  const credentials = new CredentialLookup(services.store, {
    maxEntries: config.credentialCacheSize,
    negativeTtlMs: config.negativeCacheMs,
    refreshAfterMs: 60_000,
    missesPerSecond: config.unknownCredentialsPerSecond,
    missBurst: config.unknownCredentialsPerSecond * 5,
  });
  const verifier = new JwtVerifier({ issuer: services.issuer, keys: () => state.signingKeys, clock, leewaySeconds: config.jwtLeewaySeconds });
  const authenticator = new Authenticator({ state, credentials, verifier, hasher: services.hasher, clock, cacheSize: config.tokenCacheSize });
  const stopCredentialWatch = services.bus.subscribe((events) => {
    credentials.apply(events);
    // A removed signing key's tokens stop verifying at once. New or retired keys change nothing cached:
    // retired keys still verify, and a replayed creation event must not empty the cache.
    if (events.some((e) => e.event.type === 'signing-key.deleted')) authenticator.cache.clear();
    if (events.some((e) => !CREDENTIAL_EVENTS.has(e.event.type))) options.onStateChanged?.(state);
  });
  const usage = new ApiKeyUsage({ apiKeys: services.store.apiKeys, log: services.log, flushIntervalMs: 10_000 });
  usage.start();
  const throttler: Throttler = options.throttler ?? new MemoryThrottler(clock);
  const stopThrottleResets = services.bus.subscribe((events) => {
    for (const { event } of events) {
      if (event.type !== 'application.throttle-reset') continue;
      Promise.resolve(throttler.reset(applicationThrottleKey(event.applicationId))).catch((err: unknown) =>
        services.log.warn({ err: (err as Error).message }, 'could not reset throttle counters'),
      );
    }
  });
  const requestCounts = config.usageCounting
    ? new UsageRecorder({
        repo: services.store.usage,
        clock,
        requests: services.metrics.counter('gatehouse_gateway_requests_total', 'Requests through the gateway by API id and status class, counted for usage (added every flush)'),
        dropped: services.metrics.counter('gatehouse_gateway_usage_dropped_total', 'Requests not counted for usage: over the key bound, or a failed flush'),
        onError: (error) => services.log.warn({ err: error instanceof Error ? error.name : 'error' }, 'usage counts not written'),
        hourRetentionMs: config.usageRetentionDays * 86_400_000,
      })
    : null;
  requestCounts?.start();

  const denials = services.metrics.counter('gatehouse_gateway_denials_total', 'Requests refused by the gateway, by reason');
  const cacheGauge = services.metrics.gauge('gatehouse_gateway_token_cache', 'Verified-token cache: hits, misses and entries');
  cacheGauge.track(() => authenticator.cache.hits, { kind: 'hits' });
  cacheGauge.track(() => authenticator.cache.misses, { kind: 'misses' });
  cacheGauge.track(() => authenticator.cache.size, { kind: 'entries' });
  const lookupGauge = services.metrics.gauge('gatehouse_gateway_credential_cache', 'Credentials looked up in the store: hits, misses, store reads, entries, per cache');
  for (const [name, cache] of [['opaque', credentials.opaque], ['apikey', credentials.apiKeys], ['jti', credentials.jwtRevoked]] as const) {
    lookupGauge.track(() => cache.hits, { cache: name, kind: 'hits' });
    lookupGauge.track(() => cache.misses, { cache: name, kind: 'misses' });
    lookupGauge.track(() => cache.loads, { cache: name, kind: 'reads' });
    lookupGauge.track(() => cache.size, { cache: name, kind: 'entries' });
  }
  lookupGauge.track(() => credentials.misses.refused, { cache: 'all', kind: 'limited' });
  const forwarder = new Forwarder({ connections: 128, keepAliveTimeoutMs: 60_000, timeoutMs: config.backendTimeoutMs });
  const app = createHttpServer({
    logger: services.log,
    accessLine: accessLineWriter(services.log),
    metrics: services.metrics,
    plane: 'gateway',
    requestTimeoutMs: config.backendTimeoutMs + 30_000,
    ...(config.tlsCert && config.tlsKey && { tls: { cert: config.tlsCert, key: config.tlsKey } }),
    // Everything but the routes below: bodies stream to the backend untouched.
    front: gatewayFront({
      state,
      authz: { apiKeysSkipScopes: config.apiKeyScopes === 'ignore' },
      authenticator,
      throttler,
      clientAddress: new ClientAddress(config.trustedProxies),
      backendJwt: new BackendJwt({ keyRing: services.backendKeyRing, clock, ttlSeconds: config.backendJwtTtlSeconds }),
      usage,
      clock,
      denials,
      forwarder,
      usageCounts: requestCounts,
      log: services.log,
      fresh: options.fresh ?? (() => true),
      tls: Boolean(config.tlsCert),
    }),
  });
  registerHealth(
    app,
    [
      // The store is reported but not required: within the staleness bound the gateway serves what it has verified.
      { name: 'store', optional: true, check: async () => (await services.store.ping(), true) },
      { name: 'state', check: async () => options.fresh?.() ?? true },
      ...(options.readiness ?? []),
    ],
    options.renderMetrics ?? (() => services.metrics.render()),
  );
  app.get('/jwks', async (_request, reply) => reply.header('cache-control', 'public, max-age=60').send(services.backendKeyRing.jwks()));

  return {
    app,
    state,
    close: async () => {
      backendKeys.stop();
      unsubscribe();
      stopCredentialWatch();
      stopThrottleResets();
      await app.close();
      await forwarder.close();
      await usage.stop();
      await requestCounts?.stop();
      await throttler.close?.();
    },
  };
}

/** Loads the backend-JWT key ring; while the store cannot be read, retries every few seconds in the background. */
async function loadBackendKeys(services: Services): Promise<{ stop: () => void }> {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const attempt = (): Promise<void> =>
    services.backendKeyRing.ensureLoaded().catch((error: unknown) => {
      services.log.warn({ err: (error as Error).message }, 'backend JWT keys not loaded yet; retrying');
      if (!stopped) timer = setTimeout(() => void attempt(), 3000).unref();
    });
  await attempt();
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
