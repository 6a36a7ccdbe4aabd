import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHousekeeping } from '../../src/runtime/housekeeping.ts';
import type { Store } from '../../src/store/ports.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { T0, anAccessToken } from '../support/factories.ts';

/** The housekeeping round control processes run every 10 minutes (issue 11 §5), on a frozen clock. */

function capturingLog() {
  const lines: Array<{ level: number; msg: string; rows?: number }> = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

describe('housekeeping round', () => {
  let store: Store;
  const clock = { now: () => T0 + 8 * 86_400_000 };

  beforeAll(async () => {
    store = openSqliteStore({ path: join(mkdtempSync(join(tmpdir(), 'gatehouse-housekeeping-')), 'store.db'), synchronous: 'NORMAL' });
    await store.migrate();
  });
  afterAll(async () => store?.close());

  it('purges expired tokens and events past the 7-day cap, and logs how many rows went at debug', async () => {
    await store.tokens.insertAccessToken(anAccessToken({ expiresAt: T0 }));
    await store.events.append({ type: 'api.deleted', apiId: 'a' }, T0);
    const { log, lines } = capturingLog();
    await runHousekeeping({ store, clock, log });
    expect(lines.map((l) => [l.level, l.rows])).toEqual([
      [20, 1],
      [20, 1],
    ]);
    expect(await store.events.since(0, 10)).toEqual([]);
  });

  it('a failing purge is logged at warn and does not stop the other', async () => {
    const { log, lines } = capturingLog();
    const failing = { ...store, tokens: { purgeExpired: () => Promise.reject(new Error('store down')) } } as unknown as Store;
    await runHousekeeping({ store: failing, clock, log });
    expect(lines.map((l) => l.level)).toEqual([40, 20]);
  });
});
