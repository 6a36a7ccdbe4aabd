import { afterAll, describe, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { announceSkip, freshPostgresDatabase, postgresUrl } from '../support/services.ts';
import { describeStoreConformance } from './conformance.ts';

const baseUrl = postgresUrl;
if (baseUrl) {
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => drop?.());
  describeStoreConformance('postgres', async () => {
    const db = await freshPostgresDatabase(baseUrl);
    drop = db.drop;
    return openPostgresStore({ url: db.url });
  });
} else {
  announceSkip('PostgreSQL store conformance', 'GATEHOUSE_TEST_POSTGRES_URL');
  describe.skip('store conformance: postgres (GATEHOUSE_TEST_POSTGRES_URL unset)', () => {
    it('runs the conformance suite on PostgreSQL', () => undefined);
  });
}
