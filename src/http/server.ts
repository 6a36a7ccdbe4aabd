import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttp, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
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

/**
 * A request answered outside Fastify's router (the gateway's data plane), with what this server still
 * does for it: an id (sent as `x-request-id` by the handler), metrics and the access line.
 */
export class Exchange {
  readonly id = randomUUID();
  readonly startedAt = performance.now();
  /** Called once the response is done (sent, or cut off), with its status and duration in ms. */
  onDone: ((status: number, ms: number) => void) | null = null;
}

/**
 * Answers every request that none of Fastify's routes takes, on the raw request and response: the
 * gateway's per-request path pays for no router, hooks or reply object.
 */
export interface FrontHandler {
  handle(request: IncomingMessage, response: ServerResponse, exchange: Exchange): void;
  /** The `route` label of its requests in metrics. */
  route: string;
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
  front?: FrontHandler;
}

/** Strips the query string from logged URLs: it can carry credentials (G04, S03). */
export const loggablePath = (url: string): string => url.split('?')[0]!.slice(0, 512);

/**
 * The one server factory both planes use: request ids, access logging without queries, headers or
 * bodies (S03), request metrics, strict form parsing, and no trust in proxy headers by default.
 */
export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const { accessLine, front } = options;
  const requests = options.metrics.counter(`gatehouse_${options.plane}_http_requests_total`, 'HTTP requests by route and status');
  const latency = options.metrics.histogram(`gatehouse_${options.plane}_http_request_duration_seconds`, 'HTTP request latency');
  /**
   * "METHOD /path" of every Fastify route: the front handler takes the rest. Matched exactly, so a
   * server with a front handler gives Fastify static paths only (the gateway's health, metrics, JWKS).
   */
  const ownRoutes = new Set<string>();
  let closing = false;

  /** What every answered request leaves behind, whichever path answered it: metrics and the access line. */
  const answered = (reqId: string, route: string, method: string, url: string, status: number, ms: number) => {
    requests.inc({ route, method, status: String(status) });
    latency.observe(ms / 1000, { method });
    accessLine?.({ reqId, method, path: loggablePath(url), status, ms: Math.round(ms) });
  };

  const serveFront = (request: IncomingMessage, response: ServerResponse, handler: FrontHandler) => {
    const exchange = new Exchange();
    response.once('close', () => {
      const ms = performance.now() - exchange.startedAt;
      exchange.onDone?.(response.statusCode, ms);
      answered(exchange.id, handler.route, request.method!, request.url!, response.statusCode, ms);
    });
    handler.handle(request, response, exchange);
  };

  const serverFactory = (fastifyHandler: RequestListener) => {
    const listener: RequestListener = front
      ? (request, response) => {
          const url = request.url!;
          const queryAt = url.indexOf('?');
          // While closing, Fastify answers everything 503 (return503OnClosing).
          if (closing || ownRoutes.has(`${request.method} ${queryAt < 0 ? url : url.slice(0, queryAt)}`)) fastifyHandler(request, response);
          else serveFront(request, response, front);
        }
      : fastifyHandler;
    const server = options.tls ? createHttps({ cert: readFileSync(options.tls.cert), key: readFileSync(options.tls.key) }, listener) : createHttp(listener);
    server.keepAliveTimeout = 72_000;
    // Slowly dripped bodies cannot hold a connection forever (T17).
    server.requestTimeout = options.requestTimeoutMs ?? 60_000;
    return server;
  };

  const app = Fastify({
    serverFactory,
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
  }) as unknown as FastifyInstance;
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) ownRoutes.add(`${method} ${route.url}`);
  });
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });

  // Forms parse with node:querystring: values are strings, repeats become arrays, no nested "qs magic" (T16).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseQuery(body as string));
  });

  // Callback-style hooks: these run on every gateway request, and async hooks cost a promise each.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });

  app.addHook('onResponse', (request, reply, done) => {
    done();
    answered(request.id, request.routeOptions.url ?? 'unmatched', request.method, request.url, reply.statusCode, reply.elapsedTime);
  });

  return app;
}
