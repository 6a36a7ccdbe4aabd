import { describe, expect, it } from 'vitest';
import type { Store, UsageCount } from '../../src/store/ports.ts';
import { migratedStore } from './store-fixture.ts';

/** Usage counts (issue 15 §5), run against every backend: adds merge, summaries group, prune deletes. */
export function describeUsageConformance(name: string, open: () => Promise<Store>): void {
  describe(`store usage counts: ${name}`, () => {
    const fixture = migratedStore(open);

    const count = (o: Partial<UsageCount>): UsageCount => ({
      granularity: 'minute',
      bucket: 60_000 * 1000,
      applicationId: 'app-1',
      keyType: 'PRODUCTION',
      credentialId: 'ck-1',
      apiId: 'api-1',
      statusClass: '2xx',
      requests: 1,
      throttled: 0,
      latencySumMs: 10,
      latency: [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      ...o,
    });

    it('two gateways adding to the same row, at once, give the sum (no lost update)', async () => {
      await Promise.all([
        fixture.store.usage.add([count({ requests: 3, latency: [0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] })]),
        fixture.store.usage.add([count({ requests: 4, throttled: 1, latency: [0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0] })]),
      ]);
      const [row] = await fixture.store.usage.summarize({ granularity: 'minute', from: 0, to: Number.MAX_SAFE_INTEGER, filter: { applicationIds: ['app-1'] }, by: 'bucket' });
      expect(row).toMatchObject({ key: String(60_000 * 1000), requests: 7, errors: 0, throttled: 1, lastBucket: 60_000 * 1000 });
      expect(row!.latency.slice(0, 4)).toEqual([0, 3, 0, 4]);
    });

    it('summaries filter by application, credential and API, count 4xx/5xx as errors, and group by the asked column', async () => {
      await fixture.store.usage.add([
        count({ applicationId: 'app-2', credentialId: 'key-a', statusClass: '5xx', requests: 2 }),
        count({ applicationId: 'app-2', credentialId: 'key-b', statusClass: '2xx', requests: 5, apiId: 'api-2' }),
        count({ applicationId: 'app-2', credentialId: 'key-b', statusClass: '4xx', requests: 1, apiId: 'api-2', granularity: 'hour' }),
      ]);
      const byCredential = await fixture.store.usage.summarize({ granularity: 'minute', from: 0, to: Number.MAX_SAFE_INTEGER, filter: { applicationIds: ['app-2'] }, by: 'credential' });
      expect(byCredential.map((g) => [g.key, g.requests, g.errors])).toEqual([
        ['key-a', 2, 2],
        ['key-b', 5, 0],
      ]);
      const api2 = await fixture.store.usage.summarize({ granularity: 'hour', from: 0, to: Number.MAX_SAFE_INTEGER, filter: { apiId: 'api-2' }, by: 'application' });
      expect(api2.map((g) => [g.key, g.requests, g.errors])).toEqual([['app-2', 1, 1]]);
      expect(await fixture.store.usage.summarize({ granularity: 'minute', from: 0, to: Number.MAX_SAFE_INTEGER, filter: { applicationIds: [] }, by: 'bucket' })).toEqual([]);
    });

    it('prune deletes rows of one granularity older than the cut-off', async () => {
      await fixture.store.usage.add([count({ applicationId: 'app-3', bucket: 60_000 }), count({ applicationId: 'app-3', granularity: 'hour', bucket: 0 })]);
      expect(await fixture.store.usage.prune('minute', 120_000)).toBe(1);
      const left = await fixture.store.usage.summarize({ granularity: 'hour', from: 0, to: Number.MAX_SAFE_INTEGER, filter: { applicationIds: ['app-3'] }, by: 'bucket' });
      expect(left.map((g) => g.requests)).toEqual([1]);
    });
  });
}
