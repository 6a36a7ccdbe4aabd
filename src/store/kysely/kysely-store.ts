import { sql, type Kysely, type Migration } from 'kysely';
import type { Repositories, Store } from '../ports.ts';
import { runMigrations } from '../migrate.ts';
import { KyselyApplicationRepo, KyselySessionRepo, KyselyUserRepo } from './account-repos.ts';
import { KyselyApiKeyRepo } from './api-key-repo.ts';
import { KyselyApiRepo, KyselyPolicyRepo, KyselySubscriptionRepo } from './catalog-repos.ts';
import { KyselyClientRepo, KyselySigningKeyRepo } from './client-repo.ts';
import { KyselyEventLog } from './event-log.ts';
import { KyselyAuditRepo, KyselyLeakRepo, KyselyWebhookRepo } from './leak-repos.ts';
import { Precompiled } from './precompiled.ts';
import type { Database } from './schema.ts';
import { KyselySettingsRepo } from './settings-repo.ts';
import { KyselyTokenRepo } from './token-repo.ts';
import { KyselyUsageRepo } from './usage-repo.ts';

function repositories(db: Kysely<Database>, precompiled: Precompiled, dialect: Store['dialect']): Repositories {
  return {
    settings: new KyselySettingsRepo(db, dialect),
    users: new KyselyUserRepo(db, precompiled),
    applications: new KyselyApplicationRepo(db),
    clients: new KyselyClientRepo(db, precompiled),
    apis: new KyselyApiRepo(db),
    subscriptions: new KyselySubscriptionRepo(db),
    policies: new KyselyPolicyRepo(db),
    signingKeys: new KyselySigningKeyRepo(db),
    tokens: new KyselyTokenRepo(db, precompiled),
    apiKeys: new KyselyApiKeyRepo(db, dialect),
    sessions: new KyselySessionRepo(db),
    events: new KyselyEventLog(db, precompiled),
    leaks: new KyselyLeakRepo(db, dialect),
    audit: new KyselyAuditRepo(db),
    webhooks: new KyselyWebhookRepo(db),
    usage: new KyselyUsageRepo(db),
  };
}

export interface KyselyBackend {
  dialect: Store['dialect'];
  migrations: Record<string, Migration>;
  /** Applies the migrations some other way than on `db` (PostgreSQL: on a connection without statement timeouts). */
  migrate?: () => Promise<{ applied: string[] }>;
  close: () => Promise<void>;
}

/** The store on any Kysely dialect; backends differ only in how they connect and in their migrations. */
export function kyselyStore(db: Kysely<Database>, backend: KyselyBackend): Store {
  const precompiled = new Precompiled();
  return {
    ...repositories(db, precompiled, backend.dialect),
    dialect: backend.dialect,
    transaction: (work) => db.transaction().execute((trx) => work(repositories(trx, precompiled, backend.dialect))),
    readSnapshot: (work) =>
      (backend.dialect === 'postgres' ? db.transaction().setIsolationLevel('repeatable read') : db.transaction()).execute((trx) => work(repositories(trx, precompiled, backend.dialect))),
    migrate: backend.migrate ?? (() => runMigrations(db as unknown as Kysely<unknown>, backend.migrations)),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: backend.close,
  };
}
