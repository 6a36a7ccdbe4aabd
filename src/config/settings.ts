import { z } from 'zod';
import { SIGNING_ALGORITHMS } from '../core/model.ts';

/**
 * Every setting, documented in one place (node-oidc-provider's defaults.js). Sources, lowest to highest
 * precedence: built-in default → config file (JSON, same keys) → `GATEHOUSE_*` environment → flag.
 * Secrets have no flag, so they never show up in a process list.
 */

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')]);
const list = z.union([z.array(z.string()), z.string().transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))]);
const url = z.url({ protocol: /^https?$/ }).transform((v) => v.replace(/\/+$/, ''));

interface Setting {
  env: string;
  flag?: string;
  doc: string;
  schema: z.ZodType;
  default?: unknown;
  secret?: boolean;
}

export const SETTINGS = {
  role: { env: 'GATEHOUSE_ROLE', flag: '--role', doc: 'Which planes this process runs: all, control or gateway.', schema: z.enum(['all', 'control', 'gateway']), default: 'all' },
  host: { env: 'GATEHOUSE_HOST', flag: '--host', doc: 'Interface both planes listen on.', schema: z.string().min(1), default: '127.0.0.1' },
  controlPort: { env: 'GATEHOUSE_CONTROL_PORT', flag: '--control-port', doc: 'Control plane port (portal, REST APIs, OAuth2). 0 picks a free port.', schema: port, default: 9443 },
  gatewayPort: { env: 'GATEHOUSE_GATEWAY_PORT', flag: '--gateway-port', doc: 'Gateway port. 0 picks a free port.', schema: port, default: 8280 },
  store: {
    env: 'GATEHOUSE_STORE',
    flag: '--store',
    doc: 'sqlite:<path> (embedded) or postgres://… (cluster mode).',
    schema: z.string().regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, 'expected sqlite:<path> or postgres://…'),
    default: 'sqlite:./data/gatehouse.db',
  },
  redisUrl: { env: 'GATEHOUSE_REDIS_URL', flag: '--redis', doc: 'Redis for shared throttle counters and cross-process change events (cluster mode).', schema: z.string().regex(/^rediss?:\/\/.+/, 'expected redis://…') },
  redisNamespace: {
    env: 'GATEHOUSE_REDIS_NAMESPACE',
    doc: "Names this cluster's Redis channels and keys, so several clusters can share one Redis. Default: the store's database name.",
    schema: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (at most 64)'),
  },
  issuer: { env: 'GATEHOUSE_ISSUER', flag: '--issuer', doc: 'Public base URL of the control plane; the `iss` of every token. Defaults to the control URL.', schema: url },
  controlUrl: { env: 'GATEHOUSE_CONTROL_URL', flag: '--control-url', doc: 'Where a gateway-only process finds the control plane.', schema: url },
  gatewayUrl: { env: 'GATEHOUSE_GATEWAY_URL', flag: '--gateway-url', doc: 'Public URL of the gateway shown in the portal. Defaults to the gateway listener.', schema: url },
  adminPassword: { env: 'GATEHOUSE_ADMIN_PASSWORD', doc: 'Password of the `admin` account created on first start (else one is generated and printed once).', schema: z.string().min(8), secret: true },
  tlsCert: { env: 'GATEHOUSE_TLS_CERT', flag: '--tls-cert', doc: 'PEM certificate file; with tlsKey, both planes serve HTTPS.', schema: z.string().min(1) },
  tlsKey: { env: 'GATEHOUSE_TLS_KEY', flag: '--tls-key', doc: 'PEM private key file for tlsCert.', schema: z.string().min(1) },
  workers: { env: 'GATEHOUSE_WORKERS', flag: '--workers', doc: 'Gateway worker processes (one per core).', schema: positiveInt.max(64), default: 1 },
  dataDir: { env: 'GATEHOUSE_DATA_DIR', flag: '--data-dir', doc: 'Where generated files live (the gateway snapshot; the development system secret when the store is not a SQLite file, or was generated here by an earlier version).', schema: z.string().min(1), default: './data' },
  secrets: {
    env: 'GATEHOUSE_SECRETS',
    doc: 'System secrets, comma-separated, each ≥ 32 characters: the first encrypts signing keys at rest, all decrypt (rotation). Unset: one is generated beside the SQLite file (PostgreSQL: under dataDir) with a warning; one generated under dataDir by an earlier version is still used.',
    schema: list.pipe(z.array(z.string().min(32, 'each secret needs at least 32 characters')).min(1)),
    secret: true,
  },
  tokenPepper: { env: 'GATEHOUSE_TOKEN_PEPPER', doc: 'Pepper for credential hashes (HMAC-SHA-256). Unset, a new store derives its pepper from the system secret; a store keeps the pepper it was created with.', schema: z.string().min(32), secret: true },
  jwtAlgorithm: { env: 'GATEHOUSE_JWT_ALGORITHM', flag: '--jwt-algorithm', doc: 'Signing algorithm of new signing keys.', schema: z.enum(SIGNING_ALGORITHMS), default: 'RS256' },
  applicationTokenTtlSeconds: { env: 'GATEHOUSE_APPLICATION_TOKEN_TTL', doc: 'Default validity of application (client_credentials) tokens for new keys.', schema: z.coerce.number().int(), default: 3600 },
  userTokenTtlSeconds: { env: 'GATEHOUSE_USER_TOKEN_TTL', doc: 'Default validity of user tokens for new keys.', schema: z.coerce.number().int(), default: 3600 },
  refreshTokenTtlSeconds: { env: 'GATEHOUSE_REFRESH_TOKEN_TTL', doc: 'Default validity of refresh tokens for new keys.', schema: positiveInt, default: 86400 },
  authorizationCodeTtlSeconds: { env: 'GATEHOUSE_AUTHORIZATION_CODE_TTL', doc: 'Validity of authorization codes (RFC 6749 §4.1.2: at most 10 minutes).', schema: positiveInt.max(600), default: 300 },
  allowNeverExpiringTokens: { env: 'GATEHOUSE_ALLOW_NEVER_EXPIRING_TOKENS', doc: 'Whether a negative validity period issues a never-expiring (still revocable) token.', schema: bool, default: true },
  maxTokenValiditySeconds: { env: 'GATEHOUSE_MAX_TOKEN_VALIDITY', doc: 'Cap on any access token validity, 0 = no cap. With a cap, never-expiring requests get the cap.', schema: z.coerce.number().int().min(0), default: 0 },
  applicationAttributes: {
    env: 'GATEHOUSE_APPLICATION_ATTRIBUTES',
    doc: 'Application attributes the administrator defines (WSO2 ApplicationConfiguration): a JSON array of {"attribute", "description"?, "type"?, "tooltip"?, "required"?, "hidden"?, "default"?}. Required ones must be given when an application is created over REST (a hidden one gets its default instead); all are listed by GET /settings/application-attributes.',
    schema: z.union([z.string().transform((v, ctx) => {
      try {
        return JSON.parse(v) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'expected a JSON array' });
        return z.NEVER;
      }
    }), z.array(z.unknown())]).pipe(
      z.array(
        z.strictObject({
          attribute: z.string().min(1).max(100),
          description: z.string().max(500).default(''),
          type: z.enum(['text', 'textarea']).default('text'),
          tooltip: z.string().max(500).default(''),
          required: z.boolean().default(false),
          hidden: z.boolean().default(false),
          default: z.string().max(1000).optional(),
        }),
      ).max(50),
    ),
    default: [],
  },
  signupEnabled: { env: 'GATEHOUSE_SIGNUP_ENABLED', doc: 'Whether the portal lets people sign up as subscribers.', schema: bool, default: true },
  logLevel: { env: 'GATEHOUSE_LOG_LEVEL', flag: '--log-level', doc: 'fatal, error, warn, info, debug or silent.', schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), default: 'info' },
  trustedProxies: { env: 'GATEHOUSE_TRUSTED_PROXIES', doc: 'Comma-separated IPs/CIDRs whose X-Forwarded-For is believed (G17). Empty: none.', schema: list, default: [] },
  sqliteSynchronous: { env: 'GATEHOUSE_SQLITE_SYNCHRONOUS', doc: 'NORMAL survives process crashes; FULL also survives power loss (K04).', schema: z.enum(['NORMAL', 'FULL']), default: 'NORMAL' },
  apiKeyScopes: {
    env: 'GATEHOUSE_API_KEY_SCOPES',
    doc: "API keys carry no scopes. 'enforce': an API key cannot call a resource that requires scopes (403 900910). 'ignore': WSO2's behaviour, an API key is checked by subscription only and may call scoped resources.",
    schema: z.enum(['enforce', 'ignore']),
    default: 'enforce',
  },
  jwtLeewaySeconds: { env: 'GATEHOUSE_JWT_LEEWAY', doc: 'Clock skew tolerated on exp/nbf at the gateway.', schema: z.coerce.number().int().min(0).max(300), default: 30 },
  tokenCacheSize: { env: 'GATEHOUSE_TOKEN_CACHE_SIZE', doc: 'Verified-token cache entries per gateway process.', schema: positiveInt, default: 10000 },
  credentialCacheSize: {
    env: 'GATEHOUSE_CREDENTIAL_CACHE_SIZE',
    doc: 'Entries per gateway process in each credential cache (opaque tokens, API keys, JWT revocation states), looked up in the store on a miss. About 1 kB each.',
    schema: positiveInt,
    default: 100000,
  },
  usageCounting: { env: 'GATEHOUSE_USAGE_COUNTING', doc: 'Gateways count requests per application, credential, API and status class (with latency) for the portal usage charts, the usage REST endpoint and /metrics; off = no counting.', schema: bool, default: true },
  usageRetentionDays: { env: 'GATEHOUSE_USAGE_RETENTION_DAYS', doc: 'Days of per-hour usage counts kept (per-minute counts: 2 days).', schema: z.coerce.number().int().min(1).max(3650), default: 35 },
  negativeCacheMs: { env: 'GATEHOUSE_NEGATIVE_CACHE_MS', doc: 'How long a gateway remembers that a credential does not exist (an issuance event clears it at once).', schema: z.coerce.number().int().min(0).max(60_000), default: 2000 },
  unknownCredentialsPerSecond: {
    env: 'GATEHOUSE_UNKNOWN_CREDENTIALS_PER_SECOND',
    doc: 'Store lookups of unknown credentials allowed per client address and second (burst: 5×); beyond it the gateway answers 429 without a lookup.',
    schema: positiveInt,
    default: 10,
  },
  snapshotPath: {
    env: 'GATEHOUSE_SNAPSHOT_PATH',
    doc: "Gateway's last-known-good snapshot of the replicated state (APIs, applications, subscriptions, tiers, signing keys), used to start while the store is unreachable. Default: <dataDir>/gateway-snapshot.json; 'off' disables it.",
    schema: z.string().min(1),
  },
  backendTimeoutMs: { env: 'GATEHOUSE_BACKEND_TIMEOUT_MS', doc: 'Gateway timeout for backend responses.', schema: positiveInt, default: 30000 },
  backendJwtTtlSeconds: { env: 'GATEHOUSE_BACKEND_JWT_TTL', doc: 'Validity of the backend JWT (X-JWT-Assertion).', schema: positiveInt, default: 900 },
  stalenessBoundMs: {
    env: 'GATEHOUSE_STALENESS_BOUND_MS',
    doc: 'How long a gateway that cannot read the change-event log (store unreachable) keeps serving the credentials it has verified before failing closed (503). Redis being down does not count: the log is polled instead.',
    schema: positiveInt,
    default: 30000,
  },
  leakAction: {
    env: 'GATEHOUSE_LEAK_ACTION',
    doc: 'What a leak report (POST /leaks/github) does to a live credential it names: revoke it, or only flag it (recorded, audited, webhooks told).',
    schema: z.enum(['revoke', 'flag']),
    default: 'revoke',
  },
  leakReportKeys: {
    env: 'GATEHOUSE_LEAK_REPORT_KEYS',
    doc: "Public keys that sign leak reports (GitHub secret scanning): a file path or the text itself, either PEM blocks or GitHub's /meta/public_keys/secret_scanning JSON. Unset: POST /leaks/github answers 404. Never fetched.",
    schema: z.string().min(1),
  },
  webhookAllowPrivate: {
    env: 'GATEHOUSE_WEBHOOK_ALLOW_PRIVATE',
    doc: 'Whether webhooks may target loopback and private addresses (and use http there). Off: https to public hosts only, so a webhook cannot reach the internal network.',
    schema: bool,
    default: false,
  },
} satisfies Record<string, Setting>;

export type SettingKey = keyof typeof SETTINGS;
