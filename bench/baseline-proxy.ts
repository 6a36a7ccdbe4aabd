/**
 * The baseline for `npm run bench:gateway`: a minimal Fastify + @fastify/reply-from proxy with no
 * checks at all, on the same undici settings as the Gatehouse gateway. BASELINE_WORKERS forks workers.
 */
import cluster from 'node:cluster';
import type { AddressInfo } from 'node:net';
import replyFrom from '@fastify/reply-from';
import Fastify from 'fastify';

const target = process.env.BASELINE_TARGET!;
const workers = Number(process.env.BASELINE_WORKERS ?? 1);

if (cluster.isPrimary && workers > 1) {
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.once('listening', (_worker, address) => process.stdout.write(`baseline: http://127.0.0.1:${address.port}\n`));
} else {
  const app = Fastify();
  await app.register(replyFrom, { undici: { connections: 128, pipelining: 1, keepAliveTimeout: 60_000 } });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  app.all('/*', (request, reply) => reply.from(`${target}${request.url}`));
  await app.listen({ host: '127.0.0.1', port: Number(process.env.BASELINE_PORT ?? 0) });
  if (cluster.isPrimary) process.stdout.write(`baseline: http://127.0.0.1:${(app.server.address() as AddressInfo).port}\n`);
}
