import { z } from 'zod';
import { COMMON_SCHEMAS } from './common-schemas.ts';
import type { AnyRoute, RestApi } from './route-table.ts';

/**
 * The OpenAPI 3.1 document of one REST API, generated from its route table and the same zod schemas
 * that validate requests and responses, so the document and the behaviour cannot drift apart.
 */

type JsonObject = Record<string, unknown>;

const componentRef = (id: string) => ({ $ref: `#/components/schemas/${id}` });

function withoutDialect(schema: JsonObject): JsonObject {
  const { $schema: _dialect, $id: _id, ...rest } = schema;
  return rest;
}

function componentsOf(api: RestApi): { registry: z.core.$ZodRegistry<{ id: string }>; schemas: Record<string, JsonObject> } {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries({ ...COMMON_SCHEMAS, ...api.schemas })) registry.add(schema, { id });
  const generated = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}`, io: 'output' }) as unknown as {
    schemas: Record<string, JsonObject>;
  };
  const schemas = Object.fromEntries(Object.entries(generated.schemas).map(([id, s]) => [id, withoutDialect(s)]));
  return { registry, schemas };
}

function parameters(route: AnyRoute): JsonObject[] {
  const out: JsonObject[] = [];
  for (const [location, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!(schema instanceof z.ZodObject)) continue;
    for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
      const { description, ...json } = withoutDialect(z.toJSONSchema(field, { io: 'input', unrepresentable: 'any' }) as JsonObject);
      out.push({ name, in: location, required: location === 'path' || !field.safeParse(undefined).success, schema: json, ...(description !== undefined && { description }) });
    }
  }
  return out;
}

function errorResponse(description: string): JsonObject {
  return { description, content: { 'application/json': { schema: componentRef('Error') } } };
}

function operation(route: AnyRoute, idOf: (schema: z.ZodType) => string): JsonObject {
  const scopes = 'scopes' in route.access ? route.access.scopes : null;
  const anonymous = scopes === null;
  const bodyContent = route.body && { schema: componentRef(idOf(route.body)) };
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description && { description: route.description }),
    tags: [route.tag],
    ...(route.deprecated && { deprecated: true }),
    parameters: parameters(route),
    ...(bodyContent && {
      requestBody: {
        // Routes whose every field is optional accept an empty body (WSO2 scripts often send none).
        required: route.body?.safeParse({}).success !== true,
        content: { 'application/json': bodyContent, ...(route.multipart && { 'multipart/form-data': bodyContent }) },
      },
    }),
    responses: {
      [String(route.status)]: route.response
        ? { description: 'OK', content: { 'application/json': { schema: componentRef(idOf(route.response)) } } }
        : { description: 'OK (no body)' },
      400: errorResponse('Bad Request: the error list names each invalid field'),
      ...(!anonymous && { 401: errorResponse('Unauthenticated'), 403: errorResponse('Forbidden: a required scope is missing') }),
      404: errorResponse('Not Found'),
    },
    security: scopes === null ? [{}, { OAuth2Security: [] }] : [{ OAuth2Security: [...scopes] }, { SessionCookie: [] }],
  };
}

export function buildOpenApiDocument(api: RestApi, issuer: string): JsonObject {
  const { registry, schemas } = componentsOf(api);
  const idOf = (schema: z.ZodType): string => {
    const meta = registry.get(schema);
    if (!meta) throw new Error(`schema used by a route of ${api.title} is not listed in its schemas`);
    return meta.id;
  };
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const route of api.routes) (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route, idOf);
  return {
    openapi: '3.1.0',
    info: { title: api.title, version: api.version, description: api.description },
    servers: [{ url: `${issuer}${api.basePath}` }],
    security: [{ OAuth2Security: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        OAuth2Security: {
          type: 'oauth2',
          description: 'Register a client at /client-registration/v0.17/register, then use the password grant.',
          flows: { password: { tokenUrl: `${issuer}/oauth2/token`, scopes: api.scopes } },
        },
        SessionCookie: { type: 'apiKey', in: 'cookie', name: 'gatehouse-session', description: 'The portal session; changes also need X-CSRF-Token.' },
      },
    },
  };
}
