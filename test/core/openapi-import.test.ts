import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/core/errors.ts';
import { apiFromOpenApi, normalizeRole, parseOpenApiText } from '../../src/core/openapi-import.ts';

/** The OpenAPI import parser shared by the Publisher UI, the publisher REST API and `gatehouse apis import`. */

const petstore = {
  openapi: '3.0.3',
  info: { title: 'Swagger Petstore', version: '1.0.7', description: 'Pets' },
  servers: [{ url: 'https://petstore.example.com/v1' }],
  components: {
    securitySchemes: {
      oauth: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: 'https://x/token', scopes: { 'pets:read': 'Read pets', 'pets:write': 'Write pets' } } } },
    },
  },
  security: [{ oauth: ['pets:read'] }],
  paths: {
    '/pets': { get: {}, post: { security: [{ oauth: ['pets:write', 'apim:admin'] }] }, parameters: [] },
    '/pets/{petId}': { get: {}, delete: { security: [] } },
  },
};

describe('apiFromOpenApi', () => {
  it('maps info, the first server, paths × methods and OAuth2 scopes (document-level security as the default)', () => {
    const { input, warnings } = apiFromOpenApi(parseOpenApiText(JSON.stringify(petstore)));
    expect(input).toMatchObject({ name: 'Swagger Petstore', version: '1.0.7', description: 'Pets', context: '/v1', productionUrl: 'https://petstore.example.com/v1', sandboxUrl: null });
    expect(input.operations).toEqual([
      { target: '/pets', verb: 'GET', scopes: ['pets:read'] },
      { target: '/pets', verb: 'POST', scopes: ['pets:write'] },
      { target: '/pets/{petId}', verb: 'GET', scopes: ['pets:read'] },
      { target: '/pets/{petId}', verb: 'DELETE', scopes: [], authType: 'None' },
    ]);
    expect(input.scopes.map((s) => s.name)).toEqual(['pets:read', 'pets:write']);
    expect(warnings.join(' ')).toContain('apim:admin');
  });

  it('honours the WSO2 extensions: x-wso2-basePath, endpoints and x-wso2-scopes with role bindings', () => {
    const doc = {
      openapi: '3.0.1',
      info: { title: 'PizzaShackAPI', version: '1.0.0' },
      'x-wso2-basePath': '/pizzashack/1.0.0',
      'x-wso2-production-endpoints': { urls: ['https://prod.example/pizza'] },
      'x-wso2-sandbox-endpoints': { urls: ['https://sbx.example/pizza'] },
      'x-wso2-security': { apim: { 'x-wso2-scopes': [{ name: 'Order', key: 'order:write', description: 'Place orders', roles: 'Internal/subscriber, admin' }] } },
      paths: { '/order': { post: { 'x-scope': 'order:write' } } },
    };
    const { input } = apiFromOpenApi(parseOpenApiText(JSON.stringify(doc)));
    expect(input).toMatchObject({ context: '/pizzashack', productionUrl: 'https://prod.example/pizza', sandboxUrl: 'https://sbx.example/pizza' });
    expect(input.scopes).toEqual([{ name: 'order:write', displayName: 'Order', description: 'Place orders', bindings: ['subscriber', 'admin'] }]);
    expect(input.operations).toEqual([{ target: '/order', verb: 'POST', scopes: ['order:write'] }]);
  });

  it('keeps unknown roles so the import is refused rather than leaving the scope open to every role', () => {
    const doc = {
      openapi: '3.0.1',
      info: { title: 'Roles', version: '1' },
      'x-wso2-security': { apim: { 'x-wso2-scopes': [{ key: 'r:w', roles: 'Internal/everyone' }] } },
      paths: { '/a': { get: { 'x-scope': 'r:w' } } },
    };
    expect(apiFromOpenApi(parseOpenApiText(JSON.stringify(doc))).input.scopes[0]!.bindings).toEqual(['Internal/everyone']);
  });

  it('reads WSO2 4.x x-scopes-bindings, x-auth-type and x-throttling-tier', () => {
    const doc = {
      openapi: '3.0.1',
      info: { title: 'Bindings', version: '1' },
      components: {
        securitySchemes: {
          default: { type: 'oauth2', flows: { implicit: { authorizationUrl: 'https://x', scopes: { 'b:read': '' } } }, 'x-scopes-bindings': { 'b:read': 'Internal/creator,admin' } },
        },
      },
      paths: { '/b': { get: { security: [{ default: ['b:read'] }], 'x-auth-type': 'Application User', 'x-throttling-tier': '10KPerMin' } } },
    };
    const { input } = apiFromOpenApi(parseOpenApiText(JSON.stringify(doc)));
    expect(input.scopes[0]!.bindings).toEqual(['publisher', 'admin']);
    expect(input.operations[0]).toMatchObject({ authType: 'Application User', throttlingPolicy: '10KPerMin' });
  });

  it('reads Swagger 2.0 host, basePath and securityDefinitions; warns when there is no endpoint or operation', () => {
    const swagger = { swagger: '2.0', info: { title: 'Old API', version: 'v2' }, basePath: '/old', securityDefinitions: { o: { type: 'oauth2', scopes: { read: 'r' } } }, paths: {} };
    const { input, warnings } = apiFromOpenApi(parseOpenApiText(JSON.stringify(swagger)));
    expect(input).toMatchObject({ context: '/old', productionUrl: null });
    expect(input.scopes.map((s) => s.name)).toEqual(['read']);
    expect(warnings).toHaveLength(2);
    expect(apiFromOpenApi(parseOpenApiText(JSON.stringify({ ...swagger, host: 'old.example', schemes: ['http'] }))).input.productionUrl).toBe('http://old.example/old');
  });

  it('rejects text that is not a JSON OpenAPI document, naming the definition field', () => {
    for (const text of ['openapi: 3.0.0', '[]', '{"info":{}}']) {
      const error = (() => {
        try {
          parseOpenApiText(text);
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).field).toBe('definition');
    }
  });

  it('normalizeRole maps WSO2 role names and leaves unknown ones for validation', () => {
    expect(['Internal/subscriber', 'Internal/creator', 'Internal/publisher', 'admin', 'Internal/everyone'].map(normalizeRole)).toEqual([
      'subscriber',
      'publisher',
      'publisher',
      'admin',
      'Internal/everyone',
    ]);
  });
});
