/**
 * Seeding for `npm run bench:scale`: one published API, an OAUTH and a JWT application subscribed to
 * it (made by the services the server runs), then millions of credential rows generated inside
 * PostgreSQL by cloning a real row of each kind (`INSERT … SELECT … FROM generate_series`: no rows
 * cross the wire), and a sample of real credentials whose plaintext the benchmark keeps.
 */
import pg from 'pg';
import { credentialStart, mintCredential } from '../src/core/credentials.ts';
import { BENCH_KEY_SETTINGS, prepareStore } from './support.ts';

export interface SeedScale {
  tokens: number;
  apiKeys: number;
  revokedJwts: number;
  /** Real credentials of each kind (opaque token, API key, JWT) kept for the lookup measures. */
  sample: number;
}

export interface Seeded {
  /** `Basic …` for the OAUTH application's client (client_credentials and revocation). */
  clientAuth: string;
  samples: { opaque: string[]; apiKeys: string[]; jwts: string[] };
  /** The store's credential hash (its pepper), for querying sample rows directly. */
  hash: (value: string) => string;
  /** Seconds per step, in order. */
  timings: Array<[string, number]>;
  /** Bytes: table + indexes + TOAST, and the whole database. */
  sizes: Record<string, number>;
  rows: Record<string, number>;
}

const CHUNK_ROWS = 250_000;
const DAY_MS = 86_400_000;

/** The columns of access_tokens in one order, for INSERT … SELECT. */
const TOKEN_COLUMNS = 'jti, hash, format, consumer_key, application_id, key_type, user_id, aut, scopes, grant_id, kid, issued_at, expires_at, revoked_at';
const KEY_COLUMNS = 'id, application_id, key_type, name, hash, start, permitted_ips, permitted_referers, issued_at, validity_period, expires_at, last_used_at, revoked_at';

/** The model rows: one real opaque token, one real JWT and one real API key, made through the services. */
async function prepareModels(env: Record<string, string>, backend: string) {
  const { store, services, adminId } = await prepareStore(env);
  try {
    const api = await services.apis.create(adminId, { name: 'Bench', context: '/bench', version: '1.0', productionUrl: backend, operations: [{ target: '/items', verb: 'GET' }] });
    await services.apis.changeLifecycle(api.id, 'Publish');
    const app = async (tokenType: 'OAUTH' | 'JWT') => {
      const created = await services.applications.create(adminId, { name: `scale-${tokenType}`, tokenType });
      await services.subscriptions.subscribe(adminId, { applicationId: created.id, apiId: api.id, throttlingPolicy: 'Unlimited' });
      const { client, secret } = await services.clients.generateKeys(created, 'PRODUCTION', BENCH_KEY_SETTINGS);
      const issued = await services.tokens.issue({ client, tokenType, user: null, scopes: [], grantId: services.random.uuid(), ttlSeconds: 86_400, withRefreshToken: false });
      return { app: created, client, jti: issued.record.jti, authorization: `Basic ${Buffer.from(`${client.consumerKey}:${secret}`).toString('base64')}` };
    };
    const opaque = await app('OAUTH');
    const jwt = await app('JWT');
    const key = await services.apiKeys.generate(adminId, jwt.app.id, 'PRODUCTION', { keyName: 'scale-model' });
    return { store, services, opaque, jwt, keyId: key.key.id };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** Runs `statement(from, to)` over [1, total] in chunks on two connections (the machine's two cores). */
async function chunked(url: string, total: number, statement: string, params: unknown[]): Promise<void> {
  let next = 1;
  const worker = async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('set synchronous_commit = off');
      await client.query('set statement_timeout = 0');
      while (next <= total) {
        const from = next;
        const to = Math.min(total, from + CHUNK_ROWS - 1);
        next = to + 1;
        await client.query(statement, [from, to, ...params]);
        process.stdout.write(`\r  … ${to.toLocaleString('en')} / ${total.toLocaleString('en')}   `);
      }
    } finally {
      await client.end();
    }
  };
  await Promise.all([worker(), worker()]);
  process.stdout.write('\n');
}

/** A row as JSON, to clone in SQL with jsonb_populate_record (no index needed while the bulk runs). */
async function modelRow(url: string, table: string, column: string, value: string): Promise<unknown> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    return (await db.query<{ row: unknown }>(`select to_jsonb(t) as row from ${table} t where ${column} = $1`, [value])).rows[0]!.row;
  } finally {
    await db.end();
  }
}

/**
 * Drops the tables' indexes and primary-key/unique constraints (bulk loading into indexed tables is
 * several times slower, as pg_restore knows) and returns a step that recreates them from the
 * definitions PostgreSQL reported, so the schema ends exactly as the migrations made it.
 */
async function dropIndexes(url: string, tables: string[]): Promise<() => Promise<void>> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  let constraints: Array<{ name: string; tbl: string; def: string }>;
  let indexes: Array<{ name: string; def: string }>;
  try {
    constraints = (
      await db.query<{ name: string; tbl: string; def: string }>(
        `select conname as name, conrelid::regclass::text as tbl, pg_get_constraintdef(oid) as def
         from pg_constraint where conrelid = any($1::regclass[]) and contype in ('p', 'u')`,
        [tables],
      )
    ).rows;
    indexes = (
      await db.query<{ name: string; def: string }>(
        `select indexname as name, indexdef as def from pg_indexes
         where schemaname = current_schema() and tablename = any($1) and indexname not in (select conname from pg_constraint)`,
        [tables],
      )
    ).rows;
    for (const i of indexes) await db.query(`drop index "${i.name}"`);
    for (const c of constraints) await db.query(`alter table ${c.tbl} drop constraint "${c.name}"`);
  } finally {
    await db.end();
  }
  return async () => {
    const again = new pg.Client({ connectionString: url });
    await again.connect();
    try {
      await again.query('set statement_timeout = 0');
      await again.query("set maintenance_work_mem = '1GB'");
      for (const c of constraints) await again.query(`alter table ${c.tbl} add constraint "${c.name}" ${c.def}`);
      for (const i of indexes) await again.query(i.def);
    } finally {
      await again.end();
    }
  };
}

async function timed(timings: Array<[string, number]>, label: string, step: () => Promise<unknown>): Promise<void> {
  console.log(`seeding: ${label}`);
  const started = performance.now();
  await step();
  timings.push([label, (performance.now() - started) / 1000]);
}

/**
 * Seeds the (migrated, empty) database at `env.GATEHOUSE_STORE`; `beforeBulk` runs once the API and
 * applications exist, before the bulk rows. Bulk hashes are SHA-256 of the row number: unique
 * and random-looking, but no credential hashes to them, so only the samples are ever presented.
 */
export async function seed(env: Record<string, string>, backend: string, scale: SeedScale, beforeBulk: () => Promise<void>): Promise<Seeded> {
  const url = env.GATEHOUSE_STORE!;
  const timings: Array<[string, number]> = [];
  const { services, store, opaque, jwt, keyId } = await prepareModels(env, backend);
  const now = Date.now();
  const samples = { opaque: [] as string[], apiKeys: [] as string[], jwts: [] as string[] };
  try {
    await beforeBulk();
    const models = {
      opaque: await modelRow(url, 'access_tokens', 'jti', opaque.jti),
      jwt: await modelRow(url, 'access_tokens', 'jti', jwt.jti),
      key: await modelRow(url, 'api_keys', 'id', keyId),
    };
    const rebuild = await dropIndexes(url, ['access_tokens', 'api_keys']);
    await timed(timings, `${scale.tokens.toLocaleString('en')} live opaque tokens`, () =>
      chunked(
        url,
        scale.tokens,
        `insert into access_tokens (${TOKEN_COLUMNS})
         select md5('at-' || g)::uuid::text, encode(sha256(convert_to('at-' || g, 'UTF8')), 'hex'), m.format, m.consumer_key, m.application_id,
                m.key_type, m.user_id, m.aut, m.scopes, md5('grant-' || g)::uuid::text, m.kid, $3::bigint - g, $3::bigint + $4::bigint, null
         from jsonb_populate_record(null::access_tokens, $5::jsonb) m, generate_series($1::bigint, $2::bigint) g`,
        [now, 30 * DAY_MS, models.opaque],
      ),
    );
    await timed(timings, `${scale.apiKeys.toLocaleString('en')} live API keys`, () =>
      chunked(
        url,
        scale.apiKeys,
        `insert into api_keys (${KEY_COLUMNS})
         select md5('ak-' || g)::uuid::text, m.application_id, m.key_type, 'bulk-' || g, encode(sha256(convert_to('ak-' || g, 'UTF8')), 'hex'),
                m.start, m.permitted_ips, m.permitted_referers, $3::bigint - g, m.validity_period, m.expires_at, null, null
         from jsonb_populate_record(null::api_keys, $4::jsonb) m, generate_series($1::bigint, $2::bigint) g`,
        [now, models.key],
      ),
    );
    await timed(timings, `${scale.revokedJwts.toLocaleString('en')} revoked never-expiring JWTs`, () =>
      chunked(
        url,
        scale.revokedJwts,
        `insert into access_tokens (${TOKEN_COLUMNS})
         select md5('jwt-' || g)::uuid::text, null, m.format, m.consumer_key, m.application_id, m.key_type, m.user_id, m.aut, m.scopes,
                md5('jwt-grant-' || g)::uuid::text, m.kid, $3::bigint - g, null, $3::bigint
         from jsonb_populate_record(null::access_tokens, $4::jsonb) m, generate_series($1::bigint, $2::bigint) g`,
        [now, models.jwt],
      ),
    );
    await timed(timings, 'indexes and constraints rebuilt (as the schema defines them)', rebuild);
    await timed(timings, `samples: ${scale.sample} real opaque tokens, API keys and JWTs`, async () => {
      samples.opaque = Array.from({ length: scale.sample }, () => mintCredential('accessToken', services.random));
      samples.apiKeys = Array.from({ length: scale.sample }, () => mintCredential('apiKeyProduction', services.random));
      const db = new pg.Client({ connectionString: url });
      await db.connect();
      try {
        await db.query(
          `insert into access_tokens (${TOKEN_COLUMNS})
           select gen_random_uuid()::text, h, m.format, m.consumer_key, m.application_id, m.key_type, m.user_id, m.aut, m.scopes,
                  gen_random_uuid()::text, m.kid, $2::bigint, $2::bigint + $3::bigint, null
           from access_tokens m, unnest($1::text[]) h where m.jti = $4`,
          [samples.opaque.map((v) => services.hasher.hash(v)), now, 30 * DAY_MS, opaque.jti],
        );
        await db.query(
          `insert into api_keys (${KEY_COLUMNS})
           select gen_random_uuid()::text, m.application_id, m.key_type, 'sample-' || n, k.h, k.s, m.permitted_ips, m.permitted_referers,
                  $3::bigint, m.validity_period, m.expires_at, null, null
           from api_keys m, unnest($1::text[], $2::text[]) with ordinality k(h, s, n) where m.id = $4`,
          [samples.apiKeys.map((v) => services.hasher.hash(v)), samples.apiKeys.map(credentialStart), now, keyId],
        );
      } finally {
        await db.end();
      }
      // JWTs through the token service itself (signed, persisted, with their change events), 8 at a time.
      for (let i = 0; i < scale.sample; i += 8) {
        const batch = Array.from({ length: Math.min(8, scale.sample - i) }, () =>
          services.tokens.issue({ client: jwt.client, tokenType: 'JWT', user: null, scopes: [], grantId: services.random.uuid(), ttlSeconds: 86_400, withRefreshToken: false }),
        );
        for (const issued of await Promise.all(batch)) samples.jwts.push(issued.accessToken);
      }
    });
  } finally {
    await store.close();
  }
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    await db.query('set statement_timeout = 0');
    // As autovacuum would leave them: visibility map and statistics up to date.
    await timed(timings, 'vacuum (analyze) access_tokens, api_keys', async () => {
      await db.query('vacuum (analyze) access_tokens');
      await db.query('vacuum (analyze) api_keys');
    });
    const sizes: Record<string, number> = {};
    const rows: Record<string, number> = {};
    for (const table of ['access_tokens', 'api_keys']) {
      const r = await db.query<{ total: string; heap: string; n: string }>(
        `select pg_total_relation_size($1) as total, pg_relation_size($1) as heap, (select count(*) from ${table}) as n`,
        [table],
      );
      sizes[`${table} (total)`] = Number(r.rows[0]!.total);
      sizes[`${table} (heap)`] = Number(r.rows[0]!.heap);
      rows[table] = Number(r.rows[0]!.n);
    }
    sizes.database = Number((await db.query<{ size: string }>('select pg_database_size(current_database()) as size')).rows[0]!.size);
    return { clientAuth: opaque.authorization, samples, hash: (value) => services.hasher.hash(value), timings, sizes, rows };
  } finally {
    await db.end();
  }
}
