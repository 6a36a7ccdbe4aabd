import type { Logger } from 'pino';
import type { Config } from '../config/load.ts';
import { ApiKeyService } from '../core/api-key-service.ts';
import { ApiService } from '../core/api-service.ts';
import { ApplicationService } from '../core/application-service.ts';
import { Changes } from '../core/changes.ts';
import { ClientService } from '../core/client-service.ts';
import { CredentialThrottle } from '../core/credential-throttle.ts';
import { systemClock, type Clock } from '../core/clock.ts';
import type { CredentialHasher } from '../core/credentials.ts';
import { InProcessBus, type ChangeBus } from '../core/events.ts';
import { JwtVerifier } from '../core/jwt-verifier.ts';
import { KeyRing } from '../core/key-ring.ts';
import { PolicyService } from '../core/policy-service.ts';
import { cryptoRandom, type Random } from '../core/random.ts';
import { SecretBox } from '../core/secret-box.ts';
import { SessionService } from '../core/session-service.ts';
import { SubscriptionService } from '../core/subscription-service.ts';
import { TokenService } from '../core/token-service.ts';
import { UserService } from '../core/users.ts';
import { MetricsRegistry } from '../http/metrics.ts';
import { AuditContext } from '../audit/audit-context.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { auditCredentialServices, auditTokenRevocations } from '../audit/audited-credentials.ts';
import { LeakService } from '../leaks/leak-service.ts';
import { WebhookDispatcher } from '../webhooks/webhook-dispatcher.ts';
import { WebhookService } from '../webhooks/webhook-service.ts';
import type { Store } from '../store/ports.ts';
import { credentialHashingRecord, hasherFor, type HashingRecord } from './credential-hashing.ts';

/** Public URLs, known only once the listeners are bound (port 0 picks a free port). */
export interface Urls {
  control: string;
  gateway: string;
}

/** Every long-lived object of one process, built once; passed explicitly (no singletons). */
export interface Services {
  config: Config;
  log: Logger;
  metrics: MetricsRegistry;
  store: Store;
  bus: ChangeBus;
  changes: Changes;
  clock: Clock;
  random: Random;
  hasher: CredentialHasher;
  /** Recorded in the store (and in a gateway's snapshot): which scheme and pepper `hasher` uses. */
  hashing: HashingRecord;
  keyRing: KeyRing;
  /** The gateway's key for backend JWTs (X-JWT-Assertion), loaded by gateway processes. */
  backendKeyRing: KeyRing;
  verifier: JwtVerifier;
  tokens: TokenService;
  clients: ClientService;
  users: UserService;
  sessions: SessionService;
  policies: PolicyService;
  applications: ApplicationService;
  apis: ApiService;
  subscriptions: SubscriptionService;
  apiKeys: ApiKeyService;
  limits: { credentials: CredentialThrottle };
  audit: AuditLog;
  auditContext: AuditContext;
  webhooks: WebhookService;
  webhookDispatcher: WebhookDispatcher;
  leaks: LeakService;
  urls: Urls;
  issuer: () => string;
  secureCookies: boolean;
}

export interface ServiceOverrides {
  clock?: Clock;
  random?: Random;
  bus?: ChangeBus;
  /** How the store hashes credentials, when it cannot be read now (a gateway starting from its snapshot). */
  hashing?: HashingRecord;
}

/** Every service over one store; reads (or, for a new store, records) how the store hashes credentials. */
export async function buildServices(config: Config, log: Logger, store: Store, secrets: string[], overrides: ServiceOverrides = {}): Promise<Services> {
  const hashing = overrides.hashing ?? (await credentialHashingRecord(store, config, secrets));
  const clock = overrides.clock ?? systemClock;
  const random = overrides.random ?? cryptoRandom;
  const bus = overrides.bus ?? new InProcessBus();
  const changes = new Changes(store, bus, clock);
  const hasher = hasherFor(hashing, config, secrets);
  const urls: Urls = { control: '', gateway: '' };
  const issuer = () => config.issuer ?? urls.control;
  const box = new SecretBox(secrets);
  const keyRing = new KeyRing({ store, changes, box, clock, algorithm: config.jwtAlgorithm, purpose: 'access-token' });
  const backendKeyRing = new KeyRing({ store, changes, box, clock, algorithm: config.jwtAlgorithm, purpose: 'backend-jwt' });
  const verifier = new JwtVerifier({ issuer, keys: () => keyRing.publicKeys(), clock, leewaySeconds: config.jwtLeewaySeconds });
  const validity = { allowNeverExpiring: config.allowNeverExpiringTokens, maxValiditySeconds: config.maxTokenValiditySeconds };
  const tokens = new TokenService({ store, changes, keyRing, verifier, hasher, clock, random, issuer, validity });
  const clients = new ClientService({ store, changes, tokens, hasher, clock, random });
  const policies = new PolicyService({ store, changes, clock, random });
  const applications = new ApplicationService({ store, changes, clients, policies, clock, random });
  const apis = new ApiService({ store, changes, policies, clock, random });
  const minute = 60_000;
  const apiKeys = new ApiKeyService({ store, changes, applications, hasher, clock, random, validity });
  const audit = new AuditLog({ store, clock, random, log });
  const auditContext = new AuditContext();
  auditCredentialServices({ apiKeys, clients }, audit, auditContext);
  auditTokenRevocations(bus, audit, auditContext);
  const webhooks: WebhookService = new WebhookService({ store, box, clock, random, onQueued: () => webhookDispatcher.kick(), allowPrivate: config.webhookAllowPrivate });
  const webhookDispatcher = new WebhookDispatcher({ store, webhooks, clock, log });
  const leaks = new LeakService({ store, changes, tokens, clients, apiKeys, clock, hasher, random, log, audit, auditContext, webhooks, action: config.leakAction });
  return {
    config,
    log,
    metrics: new MetricsRegistry(),
    store,
    bus,
    changes,
    clock,
    random,
    hasher,
    hashing,
    keyRing,
    backendKeyRing,
    verifier,
    tokens,
    clients,
    users: new UserService({ store, changes, tokens, clock, random }),
    sessions: new SessionService({ store, hasher, clock, random, ttlSeconds: 8 * 3600 }),
    policies,
    applications,
    apis,
    subscriptions: new SubscriptionService({ store, changes, applications, apis, clock, random }),
    apiKeys,
    audit,
    auditContext,
    webhooks,
    webhookDispatcher,
    leaks,
    limits: {
      // P08/T19: passwords per (username, address) and per address; one username failing from many
      // addresses is logged for alerting, never locked. Client secrets are 256-bit, so looser.
      credentials: new CredentialThrottle({
        clock,
        policies: {
          password: { perAccountAndIp: 10, perIp: 30, accountAlertAt: 50, windowMs: 15 * minute },
          clientSecret: { perAccountAndIp: 50, perIp: 500, accountAlertAt: 500, windowMs: minute },
        },
        onAccountAlert: (alert) => log.warn({ event: 'credentials.account-under-attack', ...alert }, 'many failed credential checks for one account'),
      }),
    },
    urls,
    issuer,
    secureCookies: Boolean(config.tlsCert) || (config.issuer ?? '').startsWith('https:'),
  };
}
