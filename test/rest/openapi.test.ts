import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REST_APIS } from '../../src/portal/rest/index.ts';
import { anonymous, restUser } from '../support/rest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** Each REST API serves an OpenAPI 3 document generated from its route table; requests that violate it are refused. */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

type Doc = {
  openapi: string;
  info: { title: string; version: string };
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, { operationId: string; parameters: Array<{ name: string; in: string }>; requestBody?: unknown; responses: Record<string, unknown>; security: unknown[] }>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, { flows?: { password: { tokenUrl: string; scopes: Record<string, string> } } }> };
};

function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refs(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

describe.each(REST_APIS.map((api) => [api.basePath, api] as const))('%s/openapi.json', (basePath, api) => {
  it('is an OpenAPI 3.1 document covering every route, with resolvable references and scopes', async () => {
    const res = await anonymous(server, basePath).get('/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body as unknown as Doc;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: api.title, version: api.version });
    expect(doc.servers[0]!.url).toBe(`${server.control}${basePath}`);
    expect(doc.components.securitySchemes.OAuth2Security!.flows!.password.tokenUrl).toBe(`${server.control}/oauth2/token`);

    const operationIds = new Set<string>();
    for (const route of api.routes) {
      const operation = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      expect(operationIds.has(operation!.operationId)).toBe(false);
      operationIds.add(operation!.operationId);
      expect(operation!.responses[String(route.status)]).toBeDefined();
      expect(operation!.responses['400']).toBeDefined();
      for (const name of route.path.match(/\{(\w+)\}/g) ?? []) {
        expect(operation!.parameters.some((p) => p.in === 'path' && `{${p.name}}` === name)).toBe(true);
      }
      if (route.body) expect(operation!.requestBody).toBeDefined();
      if ('scopes' in route.access) {
        expect(operation!.security[0]).toEqual({ OAuth2Security: [...route.access.scopes] });
        for (const scope of route.access.scopes) expect(Object.keys(doc.components.securitySchemes.OAuth2Security!.flows!.password.scopes)).toContain(scope);
      }
    }
    const operationCount = Object.values(doc.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
    expect(operationCount).toBe(api.routes.length);

    for (const ref of refs(doc)) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas[ref.split('/').pop()!], ref).toBeDefined();
    }
    expect(doc.components.schemas.Error).toMatchObject({ type: 'object', required: expect.arrayContaining(['code', 'message', 'description', 'moreInfo', 'error']) });
  });
});

describe('request bodies are validated against the documented schemas', () => {
  it('the documented request schemas forbid unknown fields, and the server refuses them', async () => {
    const doc = (await anonymous(server).get('/openapi.json')).body as unknown as Doc;
    const schema = doc.components.schemas.ApplicationRequest as { additionalProperties: boolean; properties: Record<string, { maxLength?: number; readOnly?: boolean }> };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.name!.maxLength).toBe(100);
    expect(schema.properties.owner!.readOnly).toBe(true);
    const generateToken = doc.paths['/applications/{applicationId}/oauth-keys/{keyMappingId}/generate-token']!.post as unknown as { requestBody: { required: boolean } };
    expect(generateToken.requestBody.required).toBe(false);
    expect((doc.paths['/applications']!.post as unknown as { requestBody: { required: boolean } }).requestBody.required).toBe(true);

    const { devportal, publisher, admin } = await restUser(server, ['admin', 'publisher', 'subscriber']);
    for (const [client, path, body, field] of [
      [devportal, '/applications', { name: 'ok', surprise: true }, 'surprise'],
      [devportal, '/applications', { name: 'n'.repeat(schema.properties.name!.maxLength! + 1) }, 'name'],
      [publisher, '/apis', { name: 'a', context: '/a', version: 'v1', operations: [{ target: '/x', verb: 'GET', extra: 1 }] }, 'operations[0].extra'],
      [admin, '/users', { username: 'u', password: 'long-enough-1', roles: 'admin' }, 'roles'],
    ] as const) {
      const res = await client.post(path, body);
      expect(res.status).toBe(400);
      expect(res.body.error[0]!.message).toBe(field);
    }
  });
});
