import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintCredential } from '../../src/core/credentials.ts';
import { cryptoRandom, type Random } from '../../src/core/random.ts';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { scenario, type Scenario } from '../support/gateway.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The negative-cache race end to end (issue 11 §2): a well-formed credential presented before it
 * exists is remembered as unknown (here for a whole minute); once the control plane has issued it, the
 * gateway must accept it on the first call after the issuing call returned — the issuance event drops
 * the negative answer.
 */

/** CSPRNG, except that the next credential-sized draw (32 bytes) can be planted, so a test knows a token before it is issued. */
class PlantableRandom implements Random {
  private planted: Buffer | null = null;

  plant(bytes: Buffer): void {
    this.planted = bytes;
  }

  bytes(length: number): Buffer {
    if (length === 32 && this.planted) {
      const out = this.planted;
      this.planted = null;
      return out;
    }
    return cryptoRandom.bytes(length);
  }

  uuid(): string {
    return cryptoRandom.uuid();
  }
}

describe('negative cache', () => {
  const random = new PlantableRandom();
  let server: TestServer;
  let backend: TestBackend;
  let s: Scenario;

  beforeAll(async () => {
    server = await startTestServer({ GATEHOUSE_NEGATIVE_CACHE_MS: '60000' }, { random });
    backend = await startBackend();
    s = await scenario(server, { productionUrl: backend.url, tokenType: 'OAUTH', securityScheme: ['oauth2', 'api_key'] });
  });
  afterAll(async () => {
    await server?.close();
    await backend?.close();
  });

  it('an opaque token presented before it was issued is accepted on its first call after issuance', async () => {
    const seed = cryptoRandom.bytes(32);
    const future = mintCredential('accessToken', { bytes: () => Buffer.from(seed), uuid: () => '' });
    expect((await s.call('/items/1', { headers: { authorization: `Bearer ${future}` } })).status).toBe(401);
    expect((await s.call('/items/1', { headers: { authorization: `Bearer ${future}` } })).status).toBe(401);

    random.plant(Buffer.from(seed));
    const issued = await s.token();
    expect(issued).toBe(future);
    expect((await s.call('/items/1', { headers: { authorization: `Bearer ${issued}` } })).status).toBe(200);
  });

  it('an API key presented before it was generated is accepted on its first call after generation', async () => {
    const seed = cryptoRandom.bytes(32);
    const future = mintCredential('apiKeyProduction', { bytes: () => Buffer.from(seed), uuid: () => '' });
    expect((await s.call('/items/1', { headers: { apikey: future } })).status).toBe(401);

    random.plant(Buffer.from(seed));
    const { value } = await server.services.apiKeys.generate(s.app.user.id, s.app.application.id, 'PRODUCTION', {});
    expect(value).toBe(future);
    expect((await s.call('/items/1', { headers: { apikey: value } })).status).toBe(200);
  });
});
