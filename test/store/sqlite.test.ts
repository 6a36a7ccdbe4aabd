import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { describeStoreConformance } from './conformance.ts';
import { describeHousekeepingConformance } from './housekeeping-conformance.ts';
import { describeLeaksConformance } from './leaks-conformance.ts';
import { describeUsageConformance } from './usage-conformance.ts';

const openFresh = async () =>
  openSqliteStore({ path: join(mkdtempSync(join(tmpdir(), 'gatehouse-store-')), 'store.db'), synchronous: 'NORMAL' });

describeStoreConformance('sqlite', openFresh);
describeHousekeepingConformance('sqlite', openFresh);
describeLeaksConformance('sqlite', openFresh);
describeUsageConformance('sqlite', openFresh);
