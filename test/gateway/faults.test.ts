import { beforeAll, describe, expect, it } from 'vitest';
import { scenario, type Scenario, serverAndBackend } from '../support/gateway.ts';

/** S06: an unexpected failure on the gateway's request path is answered generically and never fails open. */

const ctx = serverAndBackend();
let s: Scenario;

beforeAll(async () => {
  s = await scenario(ctx.server, { productionUrl: ctx.backend.url });
});

/** Delivers an API as a change event would, with an id past anything the store has written. */
let nextId = 1_000_000;
const deliverApi = (api: Scenario['api']) => ctx.server.services.bus.publish([{ id: nextId++, at: Date.now(), event: { type: 'api.saved', api } }], 'remote');

describe('gateway faults', () => {
  it('S06 an exception while handling a request → 500 900900 with a generic body, nothing forwarded, logged without secrets; then it recovers', async () => {
    const token = await s.token();
    const call = () => s.call('/items/1', { headers: { authorization: `Bearer ${token}` } });
    expect((await call()).status).toBe(200);

    // State that cannot work (an endpoint no URL parser accepts) stands in for any bug on the path.
    await deliverApi({ ...s.api, productionUrl: 'http://[not-a-url' });
    const forwarded = ctx.backend.seen.length;
    const logged = ctx.server.logs.length;
    const res = await call();
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ code: '900900', message: 'Unclassified Authentication Failure', description: 'The gateway could not process this request' });
    expect(text).not.toMatch(/not-a-url|Invalid URL|at |\.ts/);
    expect(ctx.backend.seen.length).toBe(forwarded);
    const log = ctx.server.logs.slice(logged).join('\n');
    expect(log).toContain('gateway request failed');
    expect(log).not.toContain(token);
    expect(log).not.toContain('not-a-url');

    await deliverApi(s.api);
    expect((await call()).status).toBe(200);
  });
});
