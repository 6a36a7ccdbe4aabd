import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { describeStoreConformance } from './conformance.ts';
import { describeRetentionConformance } from './retention-conformance.ts';

const openFresh = async () =>
  openSqliteStore({ path: join(mkdtempSync(join(tmpdir(), 'gatehouse-store-')), 'store.db'), synchronous: 'NORMAL' });

describeStoreConformance('sqlite', openFresh);
describeRetentionConformance('sqlite', openFresh);
