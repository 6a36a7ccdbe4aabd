import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventOrigin, StoredEvent } from '../../src/core/events.ts';
import { buildServices } from '../../src/runtime/services.ts';
import { openStore } from '../../src/store/open-store.ts';
import { aUser } from '../support/fixtures.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The event feed (src/runtime/event-feed.ts): changes made by another process reach this process's bus
 * from the shared event log; this process's own changes, the first signing key included, are never
 * delivered a second time as if they came from elsewhere.
 */

let server: TestServer;
const remote: StoredEvent[] = [];

beforeAll(async () => {
  server = await startTestServer();
  server.services.bus.subscribe((events: readonly StoredEvent[], origin: EventOrigin) => {
    if (origin === 'remote') remote.push(...events);
  });
});
afterAll(async () => {
  await server?.close();
});

describe('event feed', () => {
  it("delivers another process's change as remote, and none of this process's own", async () => {
    const mine = await server.services.applications.create((await aUser(server.services)).id, { name: 'mine', tokenType: 'JWT' });

    // Another process on the same store (as a CLI command or a second control node would be).
    const other = await openStore({ url: server.config.store, sqliteSynchronous: server.config.sqliteSynchronous });
    try {
      const services = await buildServices(server.config, pino({ level: 'silent' }), other, [...server.config.secrets!]);
      const owner = (await aUser(services)).id;
      const arrived = (id: string) => () => remote.some((e) => e.event.type === 'application.saved' && e.event.application.id === id);
      const theirs = await services.applications.create(owner, { name: 'theirs', tokenType: 'JWT' });
      // The feed polls every second: well within 5 s.
      await expect.poll(arrived(theirs.id), { timeout: 30_000, interval: 50 }).toBe(true);
      // A second remote change, arriving, proves the feed read the log again after the first (instead of
      // sleeping and hoping a poll ran).
      const marker = await services.applications.create(owner, { name: 'marker', tokenType: 'JWT' });
      await expect.poll(arrived(marker.id), { timeout: 30_000, interval: 50 }).toBe(true);
    } finally {
      await other.close();
    }
    // Past those reads, nothing of this process's came back: not its application, not its first signing key.
    expect(remote.filter((e) => e.event.type === 'application.saved' && e.event.application.id === mine.id)).toEqual([]);
    expect(remote.filter((e) => e.event.type.startsWith('signing-key.'))).toEqual([]);
  });
});
