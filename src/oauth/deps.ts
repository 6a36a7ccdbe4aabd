import type { Changes } from '../core/changes.ts';
import type { ClientService } from '../core/client-service.ts';
import type { CredentialThrottle } from '../core/credential-throttle.ts';
import type { Clock } from '../core/clock.ts';
import type { CredentialHasher } from '../core/credentials.ts';
import type { KeyRing } from '../core/key-ring.ts';
import type { Random } from '../core/random.ts';
import type { SessionService } from '../core/session-service.ts';
import type { TokenService } from '../core/token-service.ts';
import type { UserService } from '../core/users.ts';
import type { Store } from '../store/ports.ts';

/** What the Key Manager's endpoints need; built once at start-up. */
export interface KeyManagerDeps {
  store: Store;
  changes: Changes;
  tokens: TokenService;
  clients: ClientService;
  users: UserService;
  sessions: SessionService;
  keyRing: KeyRing;
  hasher: CredentialHasher;
  clock: Clock;
  random: Random;
  issuer: () => string;
  limits: { credentials: CredentialThrottle };
  authorizationCodeTtlSeconds: number;
  /** Whether cookies must be Secure (TLS, or an https issuer behind a proxy). */
  secureCookies: boolean;
}
