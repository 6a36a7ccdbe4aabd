import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent, type Dispatcher } from 'undici';

/**
 * Backend response headers not passed on: those about the backend connection rather than the message
 * (RFC 9110 §7.6.1; Node frames the answer to the client itself), and X-Request-Id, which is the
 * gateway's (it names the request in the access log).
 */
const NOT_PASSED_ON = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade', 'trailer', 'x-request-id']);

export interface ForwarderOptions {
  /** Connections per backend origin. */
  connections: number;
  keepAliveTimeoutMs: number;
  /** Longest wait for the backend's headers, and between two chunks of its body. */
  timeoutMs: number;
}

/** Why a backend answered nothing: it took too long, or could not be reached or failed mid-request. */
export type BackendFailure = 'timeout' | 'unreachable';

export interface BackendRequest {
  origin: string;
  /** Path and query, exactly as they go on the request line. */
  path: string;
  /** Flat name/value list, already rewritten for the backend (`proxy.ts`: `backendHeaders`). */
  headers: string[];
  /** The gateway's own headers for the client's answer (flat name/value list); the backend's follow them. */
  responseHeaders: string[];
  onFailure: (failure: BackendFailure) => void;
}

/**
 * Forwards a client's request to a backend and streams the answer back, body and all, with
 * backpressure both ways; one undici connection pool per backend origin. Nothing is buffered: a slow
 * client pauses the backend's socket, and a client that leaves aborts the backend request.
 */
export class Forwarder {
  readonly #agent: Agent;

  constructor(options: ForwarderOptions) {
    this.#agent = new Agent({
      connections: options.connections,
      pipelining: 1,
      keepAliveTimeout: options.keepAliveTimeoutMs,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  forward(request: IncomingMessage, response: ServerResponse, backend: BackendRequest): void {
    const headers = request.headers;
    const hasBody = headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');
    this.#agent.dispatch(
      { origin: backend.origin, path: backend.path, method: request.method as Dispatcher.HttpMethod, headers: backend.headers, body: hasBody ? request : null },
      new BackendExchange(request, response, backend),
    );
  }

  close(): Promise<void> {
    return this.#agent.destroy();
  }
}

/** One backend request's callbacks (undici's dispatch handler), writing straight into the client's response. */
class BackendExchange implements Dispatcher.DispatchHandler {
  #resume: (() => void) | null = null;
  #abort: ((err?: Error) => void) | null = null;

  constructor(
    private readonly request: IncomingMessage,
    private readonly response: ServerResponse,
    private readonly backend: BackendRequest,
  ) {}

  onConnect(abort: (err?: Error) => void): void {
    this.#abort = abort;
    if (this.response.destroyed) return abort();
    this.response.once('close', () => {
      if (!this.response.writableFinished) abort();
    });
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    // Informational answers (103 Early Hints) come before the real one: only the real one is passed on.
    if (statusCode < 200) return true;
    const headers = this.backend.responseHeaders;
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]!.toString('latin1');
      if (!NOT_PASSED_ON.has(name.toLowerCase())) headers.push(name, rawHeaders[i + 1]!.toString('latin1'));
    }
    // A connection cannot carry another request until this one's body is read: close it if the backend answered first.
    if (!this.request.complete) headers.push('connection', 'close');
    try {
      this.response.writeHead(statusCode, headers);
    } catch {
      // A status or header Node refuses to send (say, status 999): the backend's answer is unusable.
      this.#abort!();
      return false;
    }
    this.#resume = resume;
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.response.write(chunk)) return true;
    this.response.once('drain', this.#resume!);
    return false;
  }

  onComplete(): void {
    this.response.end();
  }

  onError(error: Error): void {
    if (this.response.headersSent || this.response.destroyed) {
      this.response.destroy();
      return;
    }
    const code = (error as { code?: string }).code ?? error.message;
    this.backend.onFailure(/timeout/i.test(code) ? 'timeout' : 'unreachable');
  }
}
