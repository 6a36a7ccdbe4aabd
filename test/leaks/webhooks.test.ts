import { createHmac, hash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookDispatcher } from '../../src/webhooks/webhook-dispatcher.ts';
import { webhookUrl } from '../../src/webhooks/webhook-service.ts';
import { restUser, type RestUser } from '../support/rest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** Outbound webhooks (issue 16 §4): signed, retried with exponential backoff against a backend that fails then recovers, bounded, logged. */

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

function flakyBackend(failures: number): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (d: Buffer) => (body += d.toString()));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.statusCode = received.length <= failures ? 503 : 204;
      response.end();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received })));
}

describe('outbound webhooks', { timeout: 120_000 }, () => {
  let server: TestServer;
  let alice: RestUser;
  let dispatcher: WebhookDispatcher;

  beforeAll(async () => {
    server = await startTestServer({ GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: 'true' });
    alice = await restUser(server);
    // The test drives delivery rounds itself, on the server's adjustable clock.
    await server.services.webhookDispatcher.stop();
    dispatcher = new WebhookDispatcher({ ...server.services, retry: { baseDelayMs: 1000, maxAttempts: 3, timeoutMs: 2000 } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('a leak is delivered signed; failures are retried after 1 s, then 2 s, and the delivery log shows each attempt', async () => {
    const backend = await flakyBackend(2);
    const appId = String((await alice.devportal.post('/applications', { name: 'HookApp', throttlingPolicy: 'Unlimited' })).body.applicationId);
    const created = await alice.devportal.post(`/applications/${appId}/webhooks`, { url: backend.url, events: ['credential.leaked'] });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const secret = String(created.body.secret);
    expect(secret).toMatch(/^whsec_/);
    expect((await alice.devportal.get(`/applications/${appId}/webhooks`)).text).not.toContain(secret);

    const { value } = await server.services.apiKeys.generate(alice.user.id, appId, 'PRODUCTION', {});
    const [result] = await server.services.leaks.revokeBySha256([{ sha256: hash('sha256', value, 'hex'), type: 'apiKeyProduction' }], { actor: 'admin', sourceIp: null, source: 'scan', url: 'https://paste.example.com/1' });
    expect(result!.revoked).toBe(true);

    await dispatcher.round();
    await dispatcher.round(); // not due yet: nothing sent
    expect(backend.received).toHaveLength(1);
    server.clock.advance(1000);
    await dispatcher.round();
    expect(backend.received).toHaveLength(2);
    server.clock.advance(1500); // the clock is real time plus an offset: leave room for the test's own time
    await dispatcher.round();
    expect(backend.received).toHaveLength(2);
    server.clock.advance(500);
    await dispatcher.round();
    expect(backend.received).toHaveLength(3);

    const last = backend.received[2]!;
    const [t, v1] = String(last.headers['gatehouse-signature']).split(',').map((p) => p.split('=')[1]!);
    expect(v1).toBe(createHmac('sha256', secret).update(`${t}.${last.body}`).digest('hex'));
    expect(last.headers['gatehouse-event']).toBe('credential.leaked');
    const payload = JSON.parse(last.body) as { type: string; data: Record<string, unknown> };
    expect(payload).toMatchObject({ type: 'credential.leaked', data: { applicationId: appId, credentialType: 'apiKeyProduction', url: 'https://paste.example.com/1', live: true } });
    expect(last.body).not.toContain(value);

    const webhookId = String(created.body.id);
    const log = await alice.devportal.get(`/applications/${appId}/webhooks/${webhookId}/deliveries`);
    expect(log.body.list).toEqual([expect.objectContaining({ eventType: 'credential.leaked', status: 'delivered', attempts: 3, lastStatusCode: 204 })]);
    backend.server.close();
  });

  it('attempts are bounded: a backend that never recovers leaves the delivery failed after maxAttempts', async () => {
    const backend = await flakyBackend(Number.POSITIVE_INFINITY);
    const appId = String((await alice.devportal.post('/applications', { name: 'DeadHook', throttlingPolicy: 'Unlimited' })).body.applicationId);
    const webhookId = String((await alice.devportal.post(`/applications/${appId}/webhooks`, { url: backend.url })).body.id);
    await server.services.webhooks.notify('credential.revoked', appId, { credentialType: 'apiKeyProduction' });
    for (let i = 0; i < 6; i++) {
      await dispatcher.round();
      server.clock.advance(10_000);
    }
    expect(backend.received).toHaveLength(3);
    const log = await alice.devportal.get(`/applications/${appId}/webhooks/${webhookId}/deliveries`);
    expect(log.body.list).toEqual([expect.objectContaining({ status: 'failed', attempts: 3, lastStatusCode: 503, lastError: 'HTTP 503', nextAttemptTime: null })]);
    backend.server.close();
  });

  it('a global webhook (admin REST) receives every application\'s events; its secret is shown once', async () => {
    const backend = await flakyBackend(0);
    const admin = await restUser(server, ['admin']);
    const created = await admin.admin.post('/webhooks', { url: backend.url, events: ['credential.revoked'] });
    expect(created.status).toBe(201);
    expect(created.body.secret).toEqual(expect.stringMatching(/^whsec_/));
    const listed = await admin.admin.get('/webhooks');
    expect(listed.text).toContain(String(created.body.id));
    expect(listed.text).not.toContain(String(created.body.secret));
    expect((await alice.admin.get('/webhooks')).status).toBe(403);
    const appId = String((await alice.devportal.post('/applications', { name: 'Anyone', throttlingPolicy: 'Unlimited' })).body.applicationId);
    expect(await server.services.webhooks.notify('credential.revoked', appId, { credentialType: 'consumerSecret' })).toBe(1);
    expect(await server.services.webhooks.notify('credential.leaked', appId, {})).toBe(0);
    await dispatcher.round();
    expect(backend.received.map((r) => JSON.parse(r.body).type)).toEqual(['credential.revoked']);
    expect((await admin.admin.get(`/webhooks/${String(created.body.id)}/deliveries`)).body.list).toEqual([expect.objectContaining({ status: 'delivered', attempts: 1 })]);
    expect((await admin.admin.del(`/webhooks/${String(created.body.id)}`)).status).toBe(200);
    backend.server.close();
  });

  it('by default a webhook must be https to a public host: loopback, private and link-local targets are refused (SSRF)', () => {
    expect(webhookUrl('https://hooks.example.com/x', false)).toBe('https://hooks.example.com/x');
    for (const url of ['http://hooks.example.com/x', 'https://127.0.0.1/x', 'https://localhost:9443/', 'https://10.1.2.3/', 'https://169.254.169.254/latest', 'https://[::1]/', 'https://[fd00::1]/', 'https://192.168.0.1/', 'https://0.0.0.0/']) {
      expect(() => webhookUrl(url, false), url).toThrow(/private|https/);
    }
    expect(webhookUrl('http://127.0.0.1:8080/hook', true)).toBe('http://127.0.0.1:8080/hook');
    expect(() => webhookUrl('http://hooks.example.com/x', true)).toThrow(/https/);
  });

  it("webhooks are the owner's: another user gets 404; a non-https URL is refused", async () => {
    const appId = String((await alice.devportal.post('/applications', { name: 'Private', throttlingPolicy: 'Unlimited' })).body.applicationId);
    const mallory = await restUser(server);
    expect((await mallory.devportal.post(`/applications/${appId}/webhooks`, { url: 'https://hooks.example.com/x' })).status).toBe(404);
    const bad = await alice.devportal.post(`/applications/${appId}/webhooks`, { url: 'http://hooks.example.com/x' });
    expect(bad.status).toBe(400);
  });
});
