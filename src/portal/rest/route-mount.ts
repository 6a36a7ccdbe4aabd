import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Services } from '../../runtime/services.ts';
import { authenticate, authorize, type Principal } from './auth.ts';
import { RestError, fromZodIssues, toRestError, unauthenticated } from './errors.ts';
import { parseMultipart } from './multipart.ts';
import { buildOpenApiDocument } from './openapi.ts';
import type { AnyRoute, RestApi, RouteContext } from './route-table.ts';

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;
const MULTIPART_LIMIT = 4 * 1024 * 1024;

/** `/applications/{applicationId}` → fastify's `/applications/:applicationId`. */
export const fastifyPath = (path: string): string => path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');

function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const rest = toRestError(error);
  if (rest.status === 503) request.log.warn({ err: (error as Error).message, reqId: request.id }, 'REST API: store unavailable');
  else if (rest.status >= 500) request.log.error({ err: error, reqId: request.id }, 'REST API error');
  else if (rest.status === 401 || rest.status === 403) {
    // S04: authorization failures are logged with who and where, never with the credential.
    request.log.info({ reqId: request.id, method: request.method, route: request.routeOptions.url, status: rest.status }, 'REST access denied');
  }
  return reply.code(rest.status).headers({ ...NO_STORE, ...rest.headers }).send(rest.body);
}

function parseWith<S extends z.ZodType>(schema: S | undefined, input: unknown, root: string): z.output<S> | undefined {
  if (!schema) return undefined;
  const result = schema.safeParse(input);
  if (!result.success) throw fromZodIssues(result.error.issues, root);
  return result.data;
}

function mediaType(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** JSON only (multipart where the route says so): a form post or text body gets 415, not a guess. */
function checkMediaType(route: AnyRoute, request: FastifyRequest): void {
  if (!route.body || request.body === undefined) return;
  const type = mediaType(request);
  if (type === 'application/json' || (route.multipart && type === 'multipart/form-data')) return;
  throw new RestError(415, route.multipart ? 'send application/json or multipart/form-data' : 'send the request body as application/json');
}

function context(route: AnyRoute, services: Services, request: FastifyRequest, reply: FastifyReply, principal: Principal | null): RouteContext<unknown, unknown, unknown> {
  checkMediaType(route, request);
  const ctx = {
    services,
    params: parseWith(route.params, request.params, 'path') ?? {},
    query: parseWith(route.query, request.query, 'query') ?? {},
    body: parseWith(route.body, route.body ? (request.body ?? {}) : undefined, 'body'),
    principal,
    request,
    reply,
  };
  return Object.defineProperty(ctx, 'user', {
    get: () => {
      if (!principal) throw unauthenticated('this operation needs an access token', false);
      return principal.user;
    },
  }) as RouteContext<unknown, unknown, unknown>;
}

/** Response bodies are checked against the documented schema too; a mismatch is our bug, answered as a 500. */
function validResponse(route: AnyRoute, value: unknown, request: FastifyRequest): unknown {
  if (!route.response) return undefined;
  const result = route.response.safeParse(value);
  if (result.success) return result.data;
  const paths = result.error.issues.map((i) => i.path.join('.'));
  request.log.error({ reqId: request.id, operationId: route.operationId, paths }, 'REST response does not match its schema');
  throw new RestError(500, 'The server could not complete the request');
}

function mountRoute(scope: FastifyInstance, route: AnyRoute, services: Services): void {
  const principals = new WeakMap<FastifyRequest, Principal | null>();
  scope.route({
    method: route.method,
    url: fastifyPath(route.path),
    ...(route.bodyLimit !== undefined && { bodyLimit: route.bodyLimit }),
    // Authentication runs before the body is read: an anonymous caller learns nothing from validation errors.
    onRequest: async (request) => {
      const principal = await authenticate(services, request);
      authorize(principal, route.access);
      principals.set(request, principal);
    },
    handler: async (request, reply) => {
      const result = await route.handler(context(route, services, request, reply, principals.get(request) ?? null));
      // A binary answer (application export) is sent by its handler.
      if (reply.sent) return reply;
      const body = validResponse(route, result, request);
      reply.code(route.status).headers(NO_STORE);
      return body === undefined ? reply.send() : reply.send(body);
    },
  });
}

function installParsers(scope: FastifyInstance): void {
  const json = scope.getDefaultJsonParser('error', 'error');
  scope.removeContentTypeParser('application/json');
  // WSO2 scripts POST `-H 'Content-Type: application/json'` with no body to regenerate-secret & co.
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    return json(request, text, done);
  });
  scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: MULTIPART_LIMIT }, (request, body, done) => {
    try {
      done(null, parseMultipart(body as Buffer, request.headers['content-type'] ?? ''));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

/** Mounts one REST API under its base path: parsers, error envelope, OpenAPI document and routes. */
export async function mountRestApi(app: FastifyInstance, api: RestApi, services: Services): Promise<void> {
  await app.register(
    async (scope) => {
      installParsers(scope);
      scope.setErrorHandler((error, request, reply) => sendError(request, reply, error));
      scope.setNotFoundHandler((request, reply) => sendError(request, reply, new RestError(404, 'no such resource')));
      let document: { issuer: string; body: unknown } | undefined;
      scope.get('/openapi.json', async (_request, reply) => {
        const issuer = services.issuer();
        if (document?.issuer !== issuer) document = { issuer, body: buildOpenApiDocument(api, issuer) };
        return reply.header('cache-control', 'no-cache').send(document.body);
      });
      for (const route of api.routes) mountRoute(scope, route, services);
    },
    { prefix: api.basePath },
  );
}
