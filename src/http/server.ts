import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseQuery } from 'node:querystring';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { MetricsRegistry } from './metrics.ts';

/** One access line per request: no query string, headers or body (S03). */
export interface AccessLine {
  reqId: string;
  method: string;
  path: string;
  status: number;
  ms: number;
}

export interface HttpServerOptions {
  logger: Logger;
  /** Writes the access line (`runtime/logger.ts`: `accessLineWriter`); null: none (logging below info). */
  accessLine: ((line: AccessLine) => void) | null;
  metrics: MetricsRegistry;
  /** Label for metrics and logs: "control" or "gateway". */
  plane: string;
  tls?: { cert: string; key: string };
  bodyLimit?: number;
  requestTimeoutMs?: number;
}

/** Strips the query string from logged URLs: it can carry credentials (G04, S03). */
export const loggablePath = (url: string): string => url.split('?')[0]!.slice(0, 512);

/**
 * The one server factory both planes use: request ids, access logging without queries, headers or
 * bodies (S03), request metrics, strict form parsing, and no trust in proxy headers by default.
 */
export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // No child logger per request (a measurable cost on the gateway's path): log calls name reqId themselves.
    childLoggerFactory: (logger) => logger,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    trustProxy: false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    routerOptions: { maxParamLength: 1000 },
    return503OnClosing: true,
    // Slowly dripped bodies cannot hold a connection forever (T17).
    requestTimeout: options.requestTimeoutMs ?? 60_000,
    ...(options.tls && {
      https: { cert: readFileSync(options.tls.cert), key: readFileSync(options.tls.key) },
    }),
  }) as unknown as FastifyInstance;

  const requests = options.metrics.counter(`gatehouse_${options.plane}_http_requests_total`, 'HTTP requests by route and status');
  const latency = options.metrics.histogram(`gatehouse_${options.plane}_http_request_duration_seconds`, 'HTTP request latency');

  // Forms parse with node:querystring: values are strings, repeats become arrays, no nested "qs magic" (T16).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseQuery(body as string));
  });

  // Callback-style hooks: these run on every gateway request, and async hooks cost a promise each.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });

  const { accessLine } = options;
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ route, method: request.method, status: String(reply.statusCode) });
    latency.observe(reply.elapsedTime / 1000, { method: request.method });
    done();
    accessLine?.({ reqId: request.id, method: request.method, path: loggablePath(request.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime) });
  });

  return app;
}
