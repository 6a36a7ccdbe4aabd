import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * PostgreSQL and Redis for tests come from GATEHOUSE_TEST_POSTGRES_URL / GATEHOUSE_TEST_REDIS_URL.
 * When unset, the suites that need them are skipped and say so; `.ci/run` always sets them.
 */
export const postgresUrl = process.env.GATEHOUSE_TEST_POSTGRES_URL;
export const redisUrl = process.env.GATEHOUSE_TEST_REDIS_URL;

export function announceSkip(what: string, variable: string): void {
  if (process.env.GATEHOUSE_REQUIRE_SERVICES) {
    throw new Error(`${what} cannot be skipped here: GATEHOUSE_REQUIRE_SERVICES is set but ${variable} is not`);
  }
  console.warn(`SKIPPED: ${what} — ${variable} is not set (.ci/run sets it; export it to run these tests).`);
}

/** Creates an empty database for one test file; returns its URL and a function that drops it. */
export async function freshPostgresDatabase(baseUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `gatehouse_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
