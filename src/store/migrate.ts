import { Migrator, type Kysely, type Migration } from 'kysely';

export interface MigrationReport {
  applied: string[];
}

/** Applies pending versioned migrations in order; each backend supplies its own list. */
export async function runMigrations(db: Kysely<unknown>, migrations: Record<string, Migration>): Promise<MigrationReport> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'gatehouse_migrations',
    migrationLockTableName: 'gatehouse_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
