/** The trivial backend for gateway benchmarks: answers every request with a small JSON body. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const body = JSON.stringify({ ok: true, items: [1, 2, 3] });
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`backend: http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
