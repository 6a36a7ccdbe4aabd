import { createRemoteJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { scenario, serverAndBackend } from '../support/gateway.ts';

/** The optional backend JWT, verified by a backend against the gateway's JWKS as WSO2 backends do. */

const ctx = serverAndBackend();

describe('backend JWT (X-JWT-Assertion)', () => {
  it('is signed by the gateway key, verifies against the gateway JWKS, and says who called through what', async () => {
    const s = await scenario(ctx.server, { productionUrl: ctx.backend.url, backendJwt: true });
    const token = await s.token({ grant: 'password' });
    expect((await s.call('/items/1', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const assertion = ctx.backend.seen.at(-1)!.headers['x-jwt-assertion'] as string;
    expect(assertion).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const jwks = createRemoteJWKSet(new URL(`${ctx.server.gateway}/jwks`));
    const { payload, protectedHeader } = await jwtVerify(assertion, jwks, { issuer: 'wso2.org/products/am', algorithms: ['RS256'] });
    expect(protectedHeader.typ).toBe('JWT');
    const claim = (name: string) => payload[`http://wso2.org/claims/${name}`];
    expect(claim('applicationid')).toBe(s.app.application.id);
    expect(claim('applicationname')).toBe(s.app.application.name);
    expect(claim('apiname')).toBe(s.api.name);
    expect(claim('apicontext')).toBe(`${s.api.context}/${s.api.version}`);
    expect(claim('keytype')).toBe('PRODUCTION');
    expect(claim('usertype')).toBe('Application_User');
    expect(claim('enduser')).toBe(s.app.user.id);
    expect(claim('tier')).toBe('Unlimited');
    expect(payload.sub).toBe(s.app.user.id);
    expect(Number(payload.exp) - Number(payload.iat)).toBe(900);
    // The gateway's backend key is not the Key Manager's token key.
    expect(protectedHeader.kid).not.toBe(ctx.server.services.keyRing.signingKey().kid);
  });

  it('is absent for APIs that did not ask for it', async () => {
    const s = await scenario(ctx.server, { productionUrl: ctx.backend.url });
    await s.call('/items/1', { headers: { authorization: `Bearer ${await s.token()}` } });
    expect(ctx.backend.seen.at(-1)!.headers['x-jwt-assertion']).toBeUndefined();
  });
});
