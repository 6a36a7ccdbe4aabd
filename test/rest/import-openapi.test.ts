import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withServices } from '../../src/cli/context.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { Services } from '../../src/runtime/services.ts';
import { BIN } from '../support/process.ts';
import { PUBLISHER, items, restUser, type RestUser } from '../support/rest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** OpenAPI 3 import: POST /apis/import-openapi (JSON and multipart, as WSO2 scripts send it) and `gatehouse apis import`. */

let server: TestServer;
let pat: RestUser;

beforeAll(async () => {
  server = await startTestServer();
  pat = await restUser(server, ['publisher']);
});
afterAll(async () => server?.close());

function petstore(suffix: string): Record<string, unknown> {
  return {
    openapi: '3.0.1',
    info: { title: `Petstore ${suffix}`, version: '2.0.0', description: 'Pets' },
    servers: [{ url: 'https://petstore.example.com/v2' }],
    security: [{ petstore_auth: [`read_pets_${suffix}`] }],
    paths: {
      '/pets': {
        get: { summary: 'list' },
        post: { security: [{ petstore_auth: [`write_pets_${suffix}`] }] },
      },
      '/pets/{petId}': { get: {}, delete: { security: [] } },
    },
    components: {
      securitySchemes: {
        petstore_auth: {
          type: 'oauth2',
          flows: { implicit: { authorizationUrl: 'https://example.com/auth', scopes: { [`read_pets_${suffix}`]: 'read your pets', [`write_pets_${suffix}`]: 'modify pets' } } },
        },
      },
    },
  };
}

function multipart(fields: Record<string, string>): { body: Buffer; type: string } {
  const boundary = '----gatehouse-test-boundary';
  const parts = Object.entries(fields).map(
    ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${name === 'file' ? '; filename="petstore.json"' : ''}\r\nContent-Type: application/json\r\n\r\n${value}\r\n`,
  );
  return { body: Buffer.from(`${parts.join('')}--${boundary}--\r\n`), type: `multipart/form-data; boundary=${boundary}` };
}

describe('POST /apis/import-openapi', () => {
  it('JSON body: paths → operations, OAuth2 scopes and `security` → resource scopes; additionalProperties override', async () => {
    const res = await pat.publisher.post('/apis/import-openapi', { inlineAPIDefinition: petstore('a'), additionalProperties: { context: '/petstore-a', policies: ['Gold'] } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Petstore a',
      version: '2.0.0',
      context: '/petstore-a',
      description: 'Pets',
      lifeCycleStatus: 'CREATED',
      provider: pat.user.username,
      policies: ['Gold'],
      endpointConfig: { production_endpoints: { url: 'https://petstore.example.com/v2' } },
    });
    const ops = Object.fromEntries(items(res.body.operations).map((o) => [`${String(o.verb)} ${String(o.target)}`, o]));
    expect(ops['GET /pets']!.scopes).toEqual(['read_pets_a']);
    expect(ops['POST /pets']!.scopes).toEqual(['write_pets_a']);
    expect(ops['GET /pets/{petId}']!.scopes).toEqual(['read_pets_a']);
    expect(ops['DELETE /pets/{petId}']!.authType).toBe('None');
    expect(items(res.body.scopes).map((s) => [s.scope.name, s.scope.description])).toEqual([
      ['read_pets_a', 'read your pets'],
      ['write_pets_a', 'modify pets'],
    ]);
  });

  it('multipart/form-data with file and additionalProperties (the WSO2 apictl/curl -F shape)', async () => {
    const { body, type } = multipart({ file: JSON.stringify(petstore('b')), additionalProperties: JSON.stringify({ name: 'PetsB', context: '/pets-b', version: 'v1' }) });
    const res = await fetch(`${server.control}${PUBLISHER}/apis/import-openapi`, { method: 'POST', headers: { authorization: `Bearer ${pat.token}`, 'content-type': type }, body });
    expect(res.status).toBe(201);
    const api = (await res.json()) as Record<string, unknown>;
    expect(api).toMatchObject({ name: 'PetsB', context: '/pets-b', version: 'v1' });
    expect((await pat.publisher.get(`/apis/${api.id}`)).status).toBe(200);
  });

  const invalid: Array<[string, Record<string, unknown>, string]> = [
    ['no document', {}, 'file'],
    ['not JSON', { file: 'openapi: 3.0.0\ninfo: {}' }, 'file'],
    ['not OpenAPI', { inlineAPIDefinition: { hello: 'world' } }, 'inlineAPIDefinition'],
    ['a URL (the server never fetches URLs)', { url: 'http://169.254.169.254/latest/meta-data' }, 'url'],
    ['overrides that are not JSON', { inlineAPIDefinition: petstore('c'), additionalProperties: '{nope' }, 'additionalProperties'],
    ['an unknown override', { inlineAPIDefinition: petstore('d'), additionalProperties: { owner: 'x' } }, 'additionalProperties.owner'],
    ['an invalid context override', { inlineAPIDefinition: petstore('e'), additionalProperties: { context: '/no pe' } }, 'context'],
    ['an unknown field', { inlineAPIDefinition: petstore('f'), format: 'yaml' }, 'format'],
  ];
  for (const [label, body, field] of invalid) {
    it(`400 naming the field, nothing created: ${label}`, async () => {
      const before = (await pat.publisher.get('/apis')).body.pagination.total;
      const res = await pat.publisher.post('/apis/import-openapi', body);
      expect(res.status).toBe(400);
      expect(items(res.body.error).map((e) => e.message)).toContain(field);
      expect((await pat.publisher.get('/apis')).body.pagination.total).toBe(before);
    });
  }

  it('a multipart body is refused on routes that only take JSON (415)', async () => {
    const { body, type } = multipart({ name: 'x' });
    const res = await fetch(`${server.control}${PUBLISHER}/apis`, { method: 'POST', headers: { authorization: `Bearer ${pat.token}`, 'content-type': type }, body });
    expect(res.status).toBe(415);
  });
});

describe('gatehouse apis import <file>', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-import-'));
  const env = {
    GATEHOUSE_STORE: `sqlite:${join(dataDir, 'gatehouse.db')}`,
    GATEHOUSE_DATA_DIR: dataDir,
    GATEHOUSE_SECRETS: 'cli-import-secret-0123456789abcdefghijklmnop',
    GATEHOUSE_LOG_LEVEL: 'warn',
  };
  // Each CLI process compiles the sources, so set-up and checks run in-process on the same store.
  const inStore = <T>(work: (services: Services) => Promise<T>) => withServices(loadConfig({ env }), work);
  const run = (args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) =>
        resolve({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
    });

  it('imports as admin by default or as --provider, optionally publishing; refuses non-publishers and bad files', { timeout: 180_000 }, async () => {
    await inStore(async (services) => {
      for (const [username, roles] of [
        ['admin', ['admin', 'publisher', 'subscriber']],
        ['pub', ['publisher']],
        ['sub', ['subscriber']],
      ] as const) {
        await services.users.create({ username, password: `${username}-password-1`, roles });
      }
    });
    const file = join(dataDir, 'petstore.json');
    writeFileSync(file, JSON.stringify(petstore('cli')));
    const other = join(dataDir, 'other.json');
    writeFileSync(other, JSON.stringify({ ...petstore('cli2'), info: { title: 'Petstore cli2', version: '3.0.0' } }));
    const bad = join(dataDir, 'bad.json');
    writeFileSync(bad, '{"swagger": "1.0"}');

    // One at a time: each process compiles the sources, and the first one seeds the default tiers of the fresh store.
    const asAdmin = await run(['apis', 'import', file, '--context', '/petstore-cli']);
    const published = await run(['apis', 'import', other, '--provider', 'pub', '--name', 'PetsCli', '--context', '/pets-cli', '--publish']);
    const notPublisher = await run(['apis', 'import', file, '--provider', 'sub', '--context', '/never']);
    const notOpenApi = await run(['apis', 'import', bad]);
    expect(asAdmin.status).toBe(0);
    expect(asAdmin.stdout).toMatch(/imported API Petstore cli 2\.0\.0 at \/petstore-cli with 4 operations and 2 scopes \(CREATED\) id \S+/);
    expect(published.status).toBe(0);
    expect(published.stdout).toContain('(PUBLISHED)');
    expect(notPublisher.status).toBe(1);
    expect(notPublisher.stderr).toContain('not a publisher');
    expect(notOpenApi.status).toBe(1);
    expect(notOpenApi.stderr).toMatch(/OpenAPI/);

    const apis = await inStore(async (services) => {
      const list = (await services.apis.list({ limit: 100, offset: 0 })).items;
      return Promise.all(list.map(async (a) => ({ ...a, provider: (await services.users.findById(a.providerId))?.username })));
    });
    expect(apis.map((a) => [a.name, a.version, a.context, a.lifeCycleStatus, a.provider]).sort()).toEqual([
      ['PetsCli', '3.0.0', '/pets-cli', 'PUBLISHED', 'pub'],
      ['Petstore cli', '2.0.0', '/petstore-cli', 'CREATED', 'admin'],
    ]);
    const imported = apis.find((a) => a.name === 'Petstore cli')!;
    expect(imported.operations.find((o) => o.verb === 'POST')!.scopes).toEqual(['write_pets_cli']);
    expect(imported.productionUrl).toBe('https://petstore.example.com/v2');
  });
});
