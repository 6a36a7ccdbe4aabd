import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aPublishedApi, aUser } from '../support/fixtures.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** API edits and lifecycle changes are optimistic: a concurrent edit cannot undo a Block. */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

describe('API service', () => {
  it('a Block and an edit racing: one lands, the other is refused with a conflict; the API stays as the winner left it', async () => {
    const api = await aPublishedApi(server.services);
    const results = await Promise.allSettled([
      server.services.apis.changeLifecycle(api.id, 'Block'),
      server.services.apis.update(api.id, { name: 'renamed', context: api.context, version: api.version, productionUrl: api.productionUrl, operations: api.operations, policies: api.policies }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: 'CONFLICT' });
    const final = await server.services.apis.get(api.id);
    const blockWon = results[0]!.status === 'fulfilled';
    expect({ status: final.lifeCycleStatus, name: final.name }).toEqual(blockWon ? { status: 'BLOCKED', name: api.name } : { status: 'PUBLISHED', name: 'renamed' });
  });

  it('deleting a tier that is still offered is refused', async () => {
    const publisher = await aUser(server.services, ['publisher']);
    await server.services.policies.create('subscription', { name: 'Offered', requestCount: 5 });
    await server.services.apis.create(publisher.id, { name: 'offers', context: '/offers-it', version: '1', policies: ['Offered'] });
    const offered = (await server.services.policies.list('subscription')).find((p) => p.name === 'Offered')!;
    await expect(server.services.policies.delete('subscription', offered.id)).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
