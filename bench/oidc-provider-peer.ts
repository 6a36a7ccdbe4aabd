/**
 * The peer for `npm run bench:token`: node-oidc-provider 9 issuing JWT access tokens (RFC 9068) for the
 * client_credentials grant through resource indicators, on its in-memory adapter, signing with the
 * same private key as Gatehouse (PEER_KEY_PEM, RS256). Prints `peer: <url> <client_id> <secret>`.
 */
import { createPrivateKey, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

const secret = randomBytes(24).toString('base64url');
const jwk = { ...createPrivateKey(process.env.PEER_KEY_PEM!).export({ format: 'jwk' }), alg: 'RS256', use: 'sig' };
const resource = 'https://api.bench.example';

const provider = new Provider('http://127.0.0.1', {
  clients: [{ client_id: 'bench', client_secret: secret, grant_types: ['client_credentials'], response_types: [], redirect_uris: [] }],
  jwks: { keys: [jwk] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  ttl: { ClientCredentials: 86_400 },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({ scope: 'bench:read', audience: resource, accessTokenFormat: 'jwt', accessTokenTTL: 86_400, jwt: { sign: { alg: 'RS256' } } }),
    },
  },
});

const server = provider.listen(0, '127.0.0.1', () => {
  process.stdout.write(`peer: http://127.0.0.1:${(server.address() as AddressInfo).port}/token bench ${secret}\n`);
});
