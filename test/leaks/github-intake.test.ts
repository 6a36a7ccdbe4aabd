import { generateKeyPairSync, hash, sign, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenario, type Scenario } from '../support/gateway.ts';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { PASSWORD } from '../support/fixtures.ts';
import { DEVPORTAL, restToken } from '../support/rest.ts';
import { mintCredential } from '../../src/core/credentials.ts';
import { cryptoRandom } from '../../src/core/random.ts';

/** A signed GitHub secret-scanning report end to end: verified, labelled, revoked at the gateway, replay-safe. */

const pair = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const github = pair();
const stranger = pair();
const KEY_ID = 'bcb53661c06b4728e59d897fb6165d5c9cda0fd9cdf9d09ead458168deb7518c';
const keysDocument = JSON.stringify({
  public_keys: [{ key_identifier: KEY_ID, key: github.publicKey.export({ type: 'spki', format: 'pem' }), is_current: true }],
});

function signed(body: string, key: KeyObject = github.privateKey, identifier = KEY_ID): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'github-public-key-identifier': identifier, 'github-public-key-signature': sign('sha256', Buffer.from(body), key).toString('base64') },
    body,
  };
}

describe('POST /leaks/github (GitHub secret scanning partner program)', { timeout: 120_000 }, () => {
  let server: TestServer;
  let backend: TestBackend;
  let s: Scenario;
  let key: { value: string; id: string };
  const post = (init: RequestInit) => fetch(`${server.control}/leaks/github`, init);

  beforeAll(async () => {
    server = await startTestServer({ GATEHOUSE_LEAK_REPORT_KEYS: keysDocument });
    backend = await startBackend();
    s = await scenario(server, { productionUrl: backend.url });
    const generated = await server.services.apiKeys.generate(s.app.user.id, s.app.application.id, 'PRODUCTION', {});
    key = { value: generated.value, id: generated.key.id };
  });
  afterAll(async () => {
    await server?.close();
    await backend?.close();
  });

  it('a wrong signature, another key, or no signature: 401 and nothing revoked', async () => {
    const body = JSON.stringify([{ token: key.value, type: 'gatehouse_api_key', url: 'https://github.com/o/r/blob/x/a.env', source: 'content' }]);
    const tampered = signed(body);
    for (const init of [
      signed(body, stranger.privateKey),
      signed(body, github.privateKey, 'unknown-identifier'),
      { ...tampered, body: body.replace('content', 'commit') },
      { method: 'POST', headers: { 'content-type': 'application/json' }, body },
    ]) {
      const res = await post(init);
      expect(res.status).toBe(401);
      expect(await res.json()).not.toHaveProperty('0');
    }
    expect((await s.call('/items/1', { headers: { apikey: key.value } })).status).toBe(200);
  });

  it('a signed report: the live key is revoked and the gateway refuses it; labels reveal nothing more than the format asks', async () => {
    const lookalike = `gak_prod_${'A'.repeat(43)}000000`;
    const unknownButValid = mintCredential('apiKeyProduction', cryptoRandom);
    const report = [
      { token: key.value, type: 'gatehouse_api_key', url: 'https://github.com/o/r/blob/abc/config.env', source: 'content' },
      { token: lookalike, type: 'gatehouse_api_key', url: 'https://github.com/o/r/issues/1', source: 'issue' },
      { token: unknownButValid, type: 'gatehouse_api_key', url: 'https://gist.github.com/x', source: 'gist' },
    ];
    const body = JSON.stringify(report);
    const res = await post(signed(body));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([
      { token_hash: hash('sha256', key.value, 'hex'), token_type: 'gatehouse_api_key', label: 'true_positive' },
      { token_hash: hash('sha256', lookalike, 'hex'), token_type: 'gatehouse_api_key', label: 'false_positive' },
      { token_hash: hash('sha256', unknownButValid, 'hex'), token_type: 'gatehouse_api_key', label: 'false_positive' },
    ]);
    expect((await s.call('/items/1', { headers: { apikey: key.value } })).status).toBe(401);

    const leaks = await server.services.store.leaks.listByApplication(s.app.application.id);
    expect(leaks).toEqual([expect.objectContaining({ credentialType: 'apiKeyProduction', credentialId: key.id, url: 'https://github.com/o/r/blob/abc/config.env', source: 'github:content', action: 'revoked' })]);
    const audit = await server.services.audit.list({ applicationId: s.app.application.id, limit: 10, offset: 0 });
    expect(audit.items.map((e) => [e.type, e.actor, e.credentialId])).toEqual(
      expect.arrayContaining([['credential.leaked', 'github', key.id], ['credential.revoked', 'github', key.id]]),
    );

    // The owner sees it through the Developer Portal REST API: where, when, what was done, no secret.
    const token = await restToken(server, s.app.user.username, PASSWORD, ['apim:subscribe']);
    const owner = await fetch(`${server.control}${DEVPORTAL}/applications/${s.app.application.id}/leaked-credentials`, { headers: { authorization: `Bearer ${token}` } });
    const ownerView = (await owner.json()) as { list: Array<Record<string, unknown>> };
    expect(ownerView.list).toEqual([
      expect.objectContaining({ credentialType: 'apiKeyProduction', credentialId: key.id, url: 'https://github.com/o/r/blob/abc/config.env', action: 'revoked', revokedTime: expect.any(String) }),
    ]);
    expect(JSON.stringify(ownerView)).not.toContain(key.value);

    // Replay: the same body again gets the same labels and is not acted on twice.
    const replay = await post(signed(body));
    expect(replay.status).toBe(200);
    expect(((await replay.json()) as Array<{ label: string }>).map((l) => l.label)).toEqual(['true_positive', 'false_positive', 'false_positive']);
    expect(await server.services.store.leaks.listByApplication(s.app.application.id)).toHaveLength(1);
  });

  it('a signed body that is not a report: 400', async () => {
    for (const body of ['{"token":"x"}', 'not json', JSON.stringify([{ token: 5 }])]) expect((await post(signed(body))).status).toBe(400);
  });
});

describe('POST /leaks/github without configured keys, and GATEHOUSE_LEAK_ACTION=flag', { timeout: 120_000 }, () => {
  it('no keys: 404; flag: the credential keeps working, the leak is recorded as flagged', async () => {
    const plain = await startTestServer();
    expect((await fetch(`${plain.control}/leaks/github`, signed('[]'))).status).toBe(404);
    await plain.close();

    const server = await startTestServer({ GATEHOUSE_LEAK_REPORT_KEYS: github.publicKey.export({ type: 'spki', format: 'pem' }).toString(), GATEHOUSE_LEAK_ACTION: 'flag' });
    const backend = await startBackend();
    try {
      const s = await scenario(server, { productionUrl: backend.url });
      const { value } = await server.services.apiKeys.generate(s.app.user.id, s.app.application.id, 'PRODUCTION', {});
      const res = await fetch(`${server.control}/leaks/github`, signed(JSON.stringify([{ token: value, type: 't', url: 'https://github.com/x', source: 'content' }])));
      expect(((await res.json()) as Array<{ label: string }>)[0]!.label).toBe('true_positive');
      expect((await s.call('/items/1', { headers: { apikey: value } })).status).toBe(200);
      expect((await server.services.store.leaks.listByApplication(s.app.application.id))[0]).toMatchObject({ action: 'flagged', revokedAt: null });
    } finally {
      await server.close();
      await backend.close();
    }
  });
});
