import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailable } from '../../src/store/store-unavailable.ts';
import { anAppWithKeys, type AppWithKeys } from '../support/fixtures.ts';
import { basic, postForm } from '../support/http.ts';
import { restUser, type RestUser } from '../support/rest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * K08 (issue 11 §5): a change whose outcome the store cannot confirm is reported as unknown — 503 with
 * `Gatehouse-Outcome: unknown` — never as success; a store that is simply unreachable is a 503 that
 * says nothing was changed. Bodies say nothing internal.
 */
describe('store unavailable during a change', () => {
  let server: TestServer;
  let app: AppWithKeys;
  let alice: RestUser;
  let realTransaction: TestServer['services']['store']['transaction'];

  beforeAll(async () => {
    server = await startTestServer();
    app = await anAppWithKeys(server.services, { tokenType: 'OAUTH' });
    alice = await restUser(server);
    realTransaction = server.services.store.transaction.bind(server.services.store);
  });
  afterAll(async () => {
    await server?.close();
  });

  function storeFails(outcomeUnknown: boolean): void {
    server.services.store.transaction = async () => {
      throw new StoreUnavailable(outcomeUnknown, { cause: new Error('connection to 10.0.0.5 lost during COMMIT') });
    };
  }

  const restore = () => {
    server.services.store.transaction = realTransaction;
  };

  it('a revoke whose commit was lost answers 503 temporarily_unavailable with Gatehouse-Outcome: unknown', async () => {
    const token = String((await postForm(`${server.control}/oauth2/token`, { grant_type: 'client_credentials' }, { authorization: basic(app.client.consumerKey, app.secret) })).body.access_token);
    storeFails(true);
    try {
      const res = await postForm(`${server.control}/oauth2/revoke`, { token }, { authorization: basic(app.client.consumerKey, app.secret) });
      expect(res.status).toBe(503);
      expect(res.body.error).toBe('temporarily_unavailable');
      expect(res.headers.get('gatehouse-outcome')).toBe('unknown');
      expect(res.text).not.toMatch(/10\.0\.0\.5|COMMIT/);
    } finally {
      restore();
    }
  });

  it('a REST change says whether it may have landed; a plain outage says nothing was changed', async () => {
    storeFails(true);
    try {
      const unknown = await alice.devportal.post('/applications', { name: 'during-outage', throttlingPolicy: 'Unlimited' });
      expect(unknown.status).toBe(503);
      expect(unknown.headers.get('gatehouse-outcome')).toBe('unknown');
      expect(String(unknown.body.description)).toMatch(/may or may not have been applied/);
      storeFails(false);
      const refused = await alice.devportal.post('/applications', { name: 'during-outage', throttlingPolicy: 'Unlimited' });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('gatehouse-outcome')).toBeNull();
      expect(String(refused.body.description)).toMatch(/nothing was changed/);
    } finally {
      restore();
    }
    expect((await alice.devportal.post('/applications', { name: 'after-outage', throttlingPolicy: 'Unlimited' })).status).toBe(201);
  });
});
