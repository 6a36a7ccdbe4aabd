import type { Clock } from './clock.ts';
import { CredentialHasher, mintCredential, parseCredential } from './credentials.ts';
import type { Session, User } from './model.ts';
import type { Random } from './random.ts';
import type { Store } from '../store/ports.ts';

export interface SessionServiceDeps {
  store: Store;
  hasher: CredentialHasher;
  clock: Clock;
  random: Random;
  ttlSeconds: number;
}

/** Browser sessions for the portal and the authorize/consent pages. Only a hash of the id is stored. */
export class SessionService {
  constructor(private readonly deps: SessionServiceDeps) {}

  /** A new session with a fresh id (issued at every sign-in: P03). */
  async create(userId: string): Promise<{ token: string; session: Session }> {
    const token = mintCredential('session', this.deps.random);
    const now = this.deps.clock.now();
    const session: Session = {
      idHash: this.deps.hasher.hash(token),
      userId,
      csrfToken: this.deps.random.bytes(32).toString('base64url'),
      createdAt: now,
      expiresAt: now + this.deps.ttlSeconds * 1000,
    };
    await this.deps.store.sessions.create(session);
    return { token, session };
  }

  async resolve(token: string | undefined): Promise<{ session: Session; user: User } | null> {
    if (!token || !parseCredential(token, ['session'])) return null;
    const session = await this.deps.store.sessions.find(this.deps.hasher.hash(token));
    if (!session || session.expiresAt <= this.deps.clock.now()) return null;
    const user = await this.deps.store.users.findById(session.userId);
    if (!user || user.disabled) return null;
    return { session, user };
  }

  async destroy(token: string | undefined): Promise<void> {
    if (token && parseCredential(token, ['session'])) await this.deps.store.sessions.delete(this.deps.hasher.hash(token));
  }
}
