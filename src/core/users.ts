import { randomBytes } from 'node:crypto';
import type { Changes, Emit } from './changes.ts';
import type { Clock } from './clock.ts';
import { DomainError, UniqueViolation, conflict, invalid, notFound } from './errors.ts';
import { ROLES, type Role, type User } from './model.ts';
import { hashPassword, verifyNothing, verifyPassword } from './passwords.ts';
import type { Random } from './random.ts';
import type { TokenService } from './token-service.ts';
import type { Page, Paged, Repositories, Store } from '../store/ports.ts';

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$/;
const MAX_PASSWORD_LENGTH = 1024;

export interface NewUser {
  username: string;
  password: string;
  roles: readonly string[];
}

interface UserServiceDeps {
  store: Store;
  changes: Changes;
  tokens: TokenService;
  clock: Clock;
  random: Random;
}

export function validateUsername(username: string): void {
  if (!USERNAME.test(username)) throw invalid('username', 'username must be 1-100 characters: letters, digits and . _ @ + - (not first)');
}

export function validatePassword(password: string, field = 'password'): void {
  if (password.length < 8) throw invalid(field, 'password must have at least 8 characters');
  if (password.length > MAX_PASSWORD_LENGTH) throw invalid(field, `password must have at most ${MAX_PASSWORD_LENGTH} characters`);
}

function validateRoles(roles: readonly string[]): Role[] {
  if (roles.length === 0) throw invalid('roles', 'at least one role is required');
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length > 0) throw invalid('roles', `unknown role ${JSON.stringify(unknown[0])}; roles are ${ROLES.join(', ')}`);
  return [...new Set(roles)] as Role[];
}

export class UserService {
  constructor(private readonly deps: UserServiceDeps) {}

  async create(input: NewUser): Promise<User> {
    validateUsername(input.username);
    validatePassword(input.password);
    const user: User = {
      id: this.deps.random.uuid(),
      username: input.username,
      passwordHash: await hashPassword(input.password),
      roles: validateRoles(input.roles),
      disabled: false,
      createdAt: this.deps.clock.now(),
    };
    try {
      await this.deps.store.users.create(user);
    } catch (error) {
      if (error instanceof UniqueViolation) throw conflict(`a user named ${input.username} already exists`);
      throw error;
    }
    return user;
  }

  /** Returns the user only for the right password of an enabled account; timing does not reveal which check failed. */
  async authenticate(username: string, password: string): Promise<User | null> {
    if (password.length > MAX_PASSWORD_LENGTH) return null;
    const user = await this.deps.store.users.findByUsername(username);
    if (!user) return verifyNothing(password).then(() => null);
    const ok = await verifyPassword(user.passwordHash, password);
    return ok && !user.disabled ? user : null;
  }

  findById(id: string): Promise<User | null> {
    return this.deps.store.users.findById(id);
  }

  findByUsername(username: string): Promise<User | null> {
    return this.deps.store.users.findByUsername(username);
  }

  list(page: Page): Promise<Paged<User>> {
    return this.deps.store.users.list(page);
  }

  async setRoles(userId: string, roles: readonly string[]): Promise<User> {
    const user = await this.deps.store.users.update(userId, { roles: validateRoles(roles) });
    if (!user) throw notFound('user');
    return user;
  }

  /** Disabling ends the user's sessions and revokes every token issued to them (P04). */
  async setDisabled(userId: string, disabled: boolean): Promise<User> {
    return this.deps.changes.run(async (tx, emit) => {
      const user = await tx.users.update(userId, { disabled });
      if (!user) throw notFound('user');
      if (disabled) await this.revokeEverything(tx, emit, userId);
      return user;
    });
  }

  /**
   * A disabled user's sessions end and every credential they hold or own stops working: their user
   * tokens, and their applications' tokens and API keys (client authentication also checks the owner).
   */
  private async revokeEverything(tx: Repositories, emit: Emit, userId: string): Promise<void> {
    const now = this.deps.clock.now();
    await tx.sessions.deleteByUser(userId);
    await this.deps.tokens.revoke(tx, emit, { userId });
    const { items: applications } = await tx.applications.list({ ownerId: userId, limit: 100_000, offset: 0 });
    for (const application of applications) {
      for (const client of await tx.clients.listByApplication(application.id)) {
        // Touching the client makes any issuance already under way fail its guard.
        await tx.clients.touch(client.consumerKey, now);
        await this.deps.tokens.revoke(tx, emit, { consumerKey: client.consumerKey });
      }
      for (const key of await tx.apiKeys.revokeByApplication(application.id, now)) emit({ type: 'api-key.revoked', keyId: key.id, hash: key.hash });
    }
  }

  /**
   * Sets a new password. `signOut` (an admin reset) also ends every session of the user and revokes
   * their tokens, refresh tokens included, so a stolen session or grant does not outlive it (P04).
   */
  async changePassword(userId: string, password: string, options: { signOut?: boolean } = {}): Promise<void> {
    validatePassword(password);
    const passwordHash = await hashPassword(password);
    await this.deps.changes.run(async (tx, emit) => {
      if (!(await tx.users.update(userId, { passwordHash }))) throw notFound('user');
      if (options.signOut) {
        await tx.sessions.deleteByUser(userId);
        await this.deps.tokens.revoke(tx, emit, { userId });
      }
    });
  }

  /**
   * First start with no users: creates `admin` with the configured password, or a generated one that
   * is returned (to be printed once) and stored only as a hash.
   */
  async bootstrapAdmin(configuredPassword: string | undefined): Promise<{ created: boolean; generatedPassword: string | null }> {
    if ((await this.deps.store.users.count()) > 0) return { created: false, generatedPassword: null };
    const password = configuredPassword ?? randomBytes(18).toString('base64url');
    try {
      await this.create({ username: 'admin', password, roles: ['admin', 'publisher', 'subscriber'] });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'CONFLICT') return { created: false, generatedPassword: null };
      throw error;
    }
    return { created: true, generatedPassword: configuredPassword ? null : password };
  }
}
