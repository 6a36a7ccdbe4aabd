import type { z } from 'zod';
import type { ApiInput } from '../../../core/api-service.ts';
import { DomainError, invalid } from '../../../core/errors.ts';
import { apiFromOpenApi, parseOpenApiText } from '../../../core/openapi-import.ts';
import { badRequest, fromZodIssues } from '../errors.ts';
import { defineRoute } from '../route-table.ts';
import { CREATE_ACCESS } from './access.ts';
import { apiInput } from './mappers.ts';
import { presentPublisherApi } from './presenters.ts';
import { ApiOverridesSchema, ImportOpenApiRequestSchema, PublisherApiSchema } from './schemas.ts';

/** Publisher v4 import-openapi: an OpenAPI 3 document (JSON) becomes an API in state Created. */

type ImportBody = z.output<typeof ImportOpenApiRequestSchema>;

/** The core parser names its field "definition"; here the caller sent `field`. */
function parseDefinition(text: string, field: string): Record<string, unknown> {
  try {
    return parseOpenApiText(text);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'VALIDATION') throw invalid(field, error.publicMessage);
    throw error;
  }
}

function definitionOf(body: ImportBody): Record<string, unknown> {
  // Fetching a caller-supplied URL from the server would be an SSRF vector; scripts send the document instead.
  if (body.url !== undefined) throw badRequest('url', 'importing from a URL is not supported; send the document as file or inlineAPIDefinition');
  if (body.file !== undefined) return parseDefinition(body.file, 'file');
  const inline = body.inlineAPIDefinition;
  if (inline === undefined) throw badRequest('file', 'send the OpenAPI document as file (multipart) or inlineAPIDefinition');
  return parseDefinition(typeof inline === 'string' ? inline : JSON.stringify(inline), 'inlineAPIDefinition');
}

/** WSO2 sends additionalProperties as a JSON string (multipart) or an object; both are checked like an API body. */
function overridesOf(value: ImportBody['additionalProperties']): Partial<ApiInput> {
  if (value === undefined) return {};
  let raw: unknown = value;
  if (typeof value === 'string') {
    try {
      raw = JSON.parse(value);
    } catch {
      throw badRequest('additionalProperties', 'must be a JSON object');
    }
  }
  const result = ApiOverridesSchema.safeParse(raw);
  if (!result.success) {
    throw fromZodIssues(result.error.issues.map((i) => ({ ...i, path: ['additionalProperties', ...i.path] })), 'additionalProperties');
  }
  return Object.fromEntries(Object.entries(apiInput(result.data)).filter(([, v]) => v !== undefined));
}

export const importRoutes = [
  defineRoute({
    method: 'POST',
    path: '/apis/import-openapi',
    operationId: 'importOpenAPIDefinition',
    summary: 'Create an API from an OpenAPI 3 document: paths → operations, OAuth2 scopes and `security` → resource scopes',
    description: 'JSON body or multipart/form-data (`file`, `additionalProperties`) as WSO2 scripts send it. YAML must be converted to JSON first.',
    tag: 'APIs',
    access: CREATE_ACCESS,
    body: ImportOpenApiRequestSchema,
    multipart: true,
    bodyLimit: 4 * 1024 * 1024,
    status: 201,
    response: PublisherApiSchema,
    async handler({ services, user, body, reply, request }) {
      const overrides = overridesOf(body.additionalProperties);
      const { input } = apiFromOpenApi(definitionOf(body));
      const api = await services.apis.create(user.id, { ...input, ...overrides });
      reply.header('location', `${request.url.split('/import-openapi')[0]}/${api.id}`);
      return presentPublisherApi(services, api);
    },
  }),
];
