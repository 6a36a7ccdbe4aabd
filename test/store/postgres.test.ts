import { afterAll, describe, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { announceSkip, freshPostgresDatabase, postgresUrl } from '../support/services.ts';
import { describeStoreConformance } from './conformance.ts';
import { describeHousekeepingConformance } from './housekeeping-conformance.ts';
import { describeLeaksConformance } from './leaks-conformance.ts';
import { describeUsageConformance } from './usage-conformance.ts';

const baseUrl = postgresUrl;
if (baseUrl) {
  const drops: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const drop of drops) await drop();
  });
  const openFresh = async () => {
    const db = await freshPostgresDatabase(baseUrl);
    drops.push(db.drop);
    return openPostgresStore({ url: db.url });
  };
  describeStoreConformance('postgres', openFresh);
  describeHousekeepingConformance('postgres', openFresh);
  describeLeaksConformance('postgres', openFresh);
  describeUsageConformance('postgres', openFresh);
} else {
  announceSkip('PostgreSQL store conformance', 'GATEHOUSE_TEST_POSTGRES_URL');
  describe.skip('store conformance: postgres (GATEHOUSE_TEST_POSTGRES_URL unset)', () => {
    it('runs the conformance suite on PostgreSQL', () => undefined);
  });
}
