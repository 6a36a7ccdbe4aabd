import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface TestBackend {
  url: string;
  seen: SeenRequest[];
  /** Delay before answering, for timeout tests. */
  delayMs: number;
  close(): Promise<void>;
}

/**
 * A trivial backend on loopback that records what reached it and answers JSON describing the request.
 * `name` tells production and sandbox backends apart.
 */
export async function startBackend(name = 'backend'): Promise<TestBackend> {
  const seen: SeenRequest[] = [];
  const backend: Partial<TestBackend> = { seen, delayMs: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const answer = () => {
        res.writeHead(200, { 'content-type': 'application/json', 'x-backend': name });
        res.end(JSON.stringify({ backend: name, method: req.method, url: req.url, body }));
      };
      if (backend.delayMs) setTimeout(answer, backend.delayMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  backend.url = `http://127.0.0.1:${port}`;
  backend.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return backend as TestBackend;
}
