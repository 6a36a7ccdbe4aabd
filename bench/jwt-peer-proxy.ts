/**
 * The peer for `npm run bench:gateway`: what a developer would hand-roll instead of Gatehouse — Fastify +
 * @fastify/jwt (fast-jwt, verified-token cache on) + @fastify/reply-from, on the same undici settings as
 * the gateway. It checks the signature (the Key Manager's public key, fetched once from PEER_JWKS_URL),
 * the algorithm, the issuer and the expiry, and nothing else: no revocation, subscription, scope or
 * throttling, and it forwards the client's headers unchanged. Logging is off, as in Fastify's default.
 */
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import fastifyJwt from '@fastify/jwt';
import replyFrom from '@fastify/reply-from';
import Fastify from 'fastify';

const target = process.env.PEER_TARGET!;
const jwks = (await (await fetch(process.env.PEER_JWKS_URL!)).json()) as { keys: Array<JsonWebKey & { alg: string; kid: string }> };
const jwk = jwks.keys[0]!;

const app = Fastify();
await app.register(fastifyJwt, {
  secret: { public: createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string },
  verify: { algorithms: [jwk.alg as 'RS256'], allowedIss: process.env.PEER_ISSUER!, cache: true },
});
await app.register(replyFrom, { undici: { connections: 128, pipelining: 1, keepAliveTimeout: 60_000 } });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
app.addHook('onRequest', async (request, reply) => {
  try {
    await request.jwtVerify();
  } catch {
    return reply.code(401).send({ error: 'invalid_token' });
  }
});
app.all('/*', (request, reply) => reply.from(`${target}${request.url}`));
await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`peer: http://127.0.0.1:${(app.server.address() as AddressInfo).port}\n`);
