import { createHmac } from 'node:crypto';
import type { Clock } from './clock.ts';
import { CredentialHasher, constantTimeEqual, mintCredential, parseCredential } from './credentials.ts';
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

/** A session found by its cookie, with the CSRF token its forms carry. */
export interface ResolvedSession {
  session: Session;
  user: User;
  csrfToken: string;
}

/** Sessions stored before CSRF tokens were hashed hold the token itself: 32 random bytes, base64url. */
const LEGACY_CSRF = /^[A-Za-z0-9_-]{43}$/;

/**
 * Browser sessions for the portal and the authorize/consent pages. Only hashes are stored: of the
 * session id, and of the CSRF token. The CSRF token is derived from the session id (an HMAC under
 * it), so every page can show it again although the store cannot (S01, P01).
 */
export class SessionService {
  constructor(private readonly deps: SessionServiceDeps) {}

  /** A new session with a fresh id (issued at every sign-in: P03). */
  async create(userId: string): Promise<{ token: string; session: Session; csrfToken: string }> {
    const token = mintCredential('session', this.deps.random);
    const csrfToken = csrfTokenOf(token);
    const now = this.deps.clock.now();
    const session: Session = {
      idHash: this.deps.hasher.hash(token),
      userId,
      csrfToken: this.deps.hasher.hash(csrfToken),
      createdAt: now,
      expiresAt: now + this.deps.ttlSeconds * 1000,
    };
    await this.deps.store.sessions.create(session);
    return { token, session, csrfToken };
  }

  async resolve(token: string | undefined): Promise<ResolvedSession | null> {
    if (!token || !parseCredential(token, ['session'])) return null;
    const session = await this.deps.store.sessions.find(this.deps.hasher.hash(token));
    if (!session || session.expiresAt <= this.deps.clock.now()) return null;
    const user = await this.deps.store.users.findById(session.userId);
    if (!user || user.disabled) return null;
    const legacy = LEGACY_CSRF.test(session.csrfToken);
    return { session, user, csrfToken: legacy ? session.csrfToken : csrfTokenOf(token) };
  }

  /** Whether `submitted` is this session's CSRF token, compared in constant time (S05). */
  checkCsrf(session: Session, submitted: string | undefined): boolean {
    if (typeof submitted !== 'string' || submitted === '') return false;
    if (LEGACY_CSRF.test(session.csrfToken)) return constantTimeEqual(submitted, session.csrfToken);
    return constantTimeEqual(this.deps.hasher.hash(submitted), session.csrfToken);
  }

  async destroy(token: string | undefined): Promise<void> {
    if (token && parseCredential(token, ['session'])) await this.deps.store.sessions.delete(this.deps.hasher.hash(token));
  }
}

/** The session's CSRF token: an HMAC under the (256-bit, secret) session id, so it reveals nothing about it. */
function csrfTokenOf(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('gatehouse csrf token v1').digest('base64url');
}
