import { sql, type Kysely } from 'kysely';
import type { Application, Session, User } from '../../core/model.ts';
import { normalizeUsername } from '../../core/username.ts';
import type { ApplicationQuery, ApplicationRepo, Page, Paged, SessionRepo, UserRepo } from '../ports.ts';
import { guardUnique } from './errors.ts';
import type { Precompiled } from './precompiled.ts';
import { applicationFromRow, applicationToRow, flag, userFromRow } from './rows.ts';
import type { Database } from './schema.ts';

type Db = Kysely<Database>;

/** `users.username_key` (migration 0004): the normalized username, unique; NULL only for legacy look-alikes. */
type WithUsernameKey = Omit<Database, 'users'> & { users: Database['users'] & { username_key: string | null } };

/**
 * Migration 0004: usernames are unique and found case-insensitively through `username_key`
 * (NFKC + lower case, core/username.ts). Of existing accounts whose usernames differ only in case,
 * the oldest gets the key; the others keep NULL and are still found by their exact username, so every
 * existing user keeps signing in.
 */
export async function addUsernameKeys(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('username_key', 'text').execute();
  const { rows } = await sql<{ id: string; username: string }>`select id, username from users order by created_at, id`.execute(db);
  const seen = new Set<string>();
  for (const row of rows) {
    const key = normalizeUsername(row.username);
    if (seen.has(key)) continue;
    seen.add(key);
    await sql`update users set username_key = ${key} where id = ${row.id}`.execute(db);
  }
  // Not 'users_username_key': PostgreSQL already gave that name to the unique constraint on username.
  await db.schema.createIndex('users_username_key_unique').unique().on('users').column('username_key').execute();
}

export class KyselyUserRepo implements UserRepo {
  private readonly keyed: Kysely<WithUsernameKey>;

  constructor(
    private readonly db: Db,
    private readonly precompiled: Precompiled,
  ) {
    this.keyed = db as unknown as Kysely<WithUsernameKey>;
  }

  async create(u: User): Promise<void> {
    await guardUnique(
      this.keyed
        .insertInto('users')
        .values({
          id: u.id,
          username: u.username,
          username_key: normalizeUsername(u.username),
          password_hash: u.passwordHash,
          roles: JSON.stringify(u.roles),
          disabled: flag(u.disabled),
          created_at: u.createdAt,
        })
        .execute(),
    );
  }

  async findById(id: string): Promise<User | null> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? userFromRow(row) : null;
  }

  /** Exact username first (legacy look-alikes, see addUsernameKeys), else the normalized one. */
  async findByUsername(username: string): Promise<User | null> {
    const exact = await this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    if (exact) return userFromRow(exact);
    const row = await this.keyed.selectFrom('users').selectAll().where('username_key', '=', normalizeUsername(username)).executeTakeFirst();
    return row ? userFromRow(row) : null;
  }

  async list(page: Page): Promise<Paged<User>> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('username').limit(page.limit).offset(page.offset).execute();
    return { items: rows.map(userFromRow), total: await this.count() };
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async guardEnabled(id: string): Promise<boolean> {
    const result = await this.precompiled.run(
      this.db,
      'users.guardEnabled',
      (slot) => this.db.updateTable('users').set({ disabled: slot(1) as never }).where('id', '=', slot(0)).where('disabled', '=', slot(1) as never),
      [id, 0],
    );
    return Number(result.numAffectedRows ?? 0) === 1;
  }

  async update(id: string, patch: Partial<Pick<User, 'passwordHash' | 'roles' | 'disabled'>>): Promise<User | null> {
    const row = await this.db
      .updateTable('users')
      .set({
        ...(patch.passwordHash !== undefined && { password_hash: patch.passwordHash }),
        ...(patch.roles !== undefined && { roles: JSON.stringify(patch.roles) }),
        ...(patch.disabled !== undefined && { disabled: flag(patch.disabled) }),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row ? userFromRow(row) : null;
  }
}

export class KyselyApplicationRepo implements ApplicationRepo {
  constructor(private readonly db: Db) {}

  async create(app: Application): Promise<void> {
    await guardUnique(this.db.insertInto('applications').values(applicationToRow(app)).execute());
  }

  async findById(id: string): Promise<Application | null> {
    const row = await this.db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? applicationFromRow(row) : null;
  }

  async list(query: ApplicationQuery): Promise<Paged<Application>> {
    let base = this.db.selectFrom('applications').where('owner_id', '=', query.ownerId);
    if (query.name !== undefined) base = base.where('name', '=', query.name);
    const rows = await base.selectAll().orderBy('name').limit(query.limit).offset(query.offset).execute();
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return { items: rows.map(applicationFromRow), total: Number(total.n) };
  }

  async listAll(): Promise<Application[]> {
    return (await this.db.selectFrom('applications').selectAll().execute()).map(applicationFromRow);
  }

  async update(id: string, patch: Partial<Omit<Application, 'id' | 'ownerId' | 'createdAt'>>): Promise<Application | null> {
    const row = await guardUnique(
      this.db
        .updateTable('applications')
        .set({
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.throttlingPolicy !== undefined && { throttling_policy: patch.throttlingPolicy }),
          ...(patch.description !== undefined && { description: patch.description }),
          ...(patch.tokenType !== undefined && { token_type: patch.tokenType }),
          ...(patch.attributes !== undefined && { attributes: JSON.stringify(patch.attributes) }),
          ...(patch.updatedAt !== undefined && { updated_at: patch.updatedAt }),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst(),
    );
    return row ? applicationFromRow(row) : null;
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('applications').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

export class KyselySessionRepo implements SessionRepo {
  constructor(private readonly db: Db) {}

  async create(s: Session): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({ id_hash: s.idHash, user_id: s.userId, csrf_token: s.csrfToken, created_at: s.createdAt, expires_at: s.expiresAt })
      .execute();
  }

  async find(idHash: string): Promise<Session | null> {
    const r = await this.db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
    return r ? { idHash: r.id_hash, userId: r.user_id, csrfToken: r.csrf_token, createdAt: r.created_at, expiresAt: r.expires_at } : null;
  }

  async delete(idHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
  }

  async deleteByUser(userId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('user_id', '=', userId).execute();
  }
}
