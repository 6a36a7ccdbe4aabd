import { beforeAll, describe, expect, it } from 'vitest';
import { mergeSnapshots, MetricsRegistry, renderSnapshots } from '../../src/http/metrics.ts';
import { scenario, type Scenario, serverAndBackend } from '../support/gateway.ts';
import { sample } from '../support/metrics.ts';


describe('metrics registry (Prometheus text format)', () => {
  it('keeps one series per label set, in the order given, with escaped values', () => {
    const registry = new MetricsRegistry();
    const counter = registry.counter('test_total', 'Things');
    counter.inc({ route: '/a', status: '200' });
    counter.inc({ route: '/a', status: '200' }, 2);
    counter.inc({ route: '/a', status: '404' });
    counter.inc({ route: 'say "hi"\\\n' });
    counter.inc();
    const text = registry.render();
    expect(text).toContain('# TYPE test_total counter');
    expect(sample(text, 'test_total{route="/a",status="200"}')).toBe(3);
    expect(sample(text, 'test_total{route="/a",status="404"}')).toBe(1);
    expect(sample(text, 'test_total{route="say \\"hi\\"\\\\\\n"}')).toBe(1);
    expect(sample(text, 'test_total')).toBe(1);
    expect(counter.get({ route: '/a', status: '200' })).toBe(3);
  });

  it('renders cumulative histogram buckets with sum and count', () => {
    const registry = new MetricsRegistry();
    const histogram = registry.histogram('test_seconds', 'Latency', [0.1, 1]);
    for (const value of [0.05, 0.5, 5]) histogram.observe(value, { method: 'GET' });
    const text = registry.render();
    expect(sample(text, 'test_seconds_bucket{method="GET",le="0.1"}')).toBe(1);
    expect(sample(text, 'test_seconds_bucket{method="GET",le="1"}')).toBe(2);
    expect(sample(text, 'test_seconds_bucket{method="GET",le="+Inf"}')).toBe(3);
    expect(sample(text, 'test_seconds_sum{method="GET"}')).toBeCloseTo(5.55);
    expect(sample(text, 'test_seconds_count{method="GET"}')).toBe(3);
  });

  it('sums several processes\' metrics series by series (gateway workers)', () => {
    const worker = () => {
      const registry = new MetricsRegistry();
      return { registry, requests: registry.counter('req_total', 'Requests'), latency: registry.histogram('lat_seconds', 'Latency', [1]) };
    };
    const [a, b] = [worker(), worker()];
    a.requests.inc({ status: '200' }, 2);
    b.requests.inc({ status: '200' }, 3);
    b.requests.inc({ status: '401' });
    a.latency.observe(0.5);
    b.latency.observe(2);
    const text = renderSnapshots(mergeSnapshots([a.registry.snapshot(), b.registry.snapshot()]));
    expect(sample(text, 'req_total{status="200"}')).toBe(5);
    expect(sample(text, 'req_total{status="401"}')).toBe(1);
    expect(sample(text, 'lat_seconds_bucket{le="1"}')).toBe(1);
    expect(sample(text, 'lat_seconds_bucket{le="+Inf"}')).toBe(2);
    expect(sample(text, 'lat_seconds_sum')).toBe(2.5);
    // The sources are left as they were.
    expect(sample(a.registry.render(), 'req_total{status="200"}')).toBe(2);
  });
});

describe('gateway /metrics and health (issue 4 §7)', () => {
  const ctx = serverAndBackend();
  let s: Scenario;

  beforeAll(async () => {
    s = await scenario(ctx.server, { productionUrl: ctx.backend.url });
  });

  it('answers liveness and readiness with each check, on both planes, uncached', async () => {
    for (const [base, checks] of [
      [ctx.server.gateway, { store: 'UP', state: 'UP' }],
      [ctx.server.control, { store: 'UP' }],
    ] as const) {
      expect(await (await fetch(`${base}/health/live`)).json()).toEqual({ status: 'UP' });
      const ready = await fetch(`${base}/health/ready`);
      expect(ready.status).toBe(200);
      expect(ready.headers.get('cache-control')).toBe('no-store');
      expect(await ready.json()).toEqual({ status: 'UP', checks });
    }
  });

  it('counts requests, latency, denials by reason and verified-token cache hits', async () => {
    const token = await s.token();
    for (let i = 0; i < 3; i++) expect((await s.call('/items/1', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await s.call('/items/1')).status).toBe(401);
    expect((await s.call('/items/1', { headers: { authorization: 'Bearer not-a-token' } })).status).toBe(401);

    const response = await fetch(`${ctx.server.gateway}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(sample(text, 'gatehouse_gateway_http_requests_total{route="/*",method="GET",status="200"}')).toBe(3);
    expect(sample(text, 'gatehouse_gateway_http_requests_total{route="/*",method="GET",status="401"}')).toBe(2);
    expect(sample(text, 'gatehouse_gateway_http_request_duration_seconds_count{method="GET"}')).toBeGreaterThanOrEqual(5);
    expect(sample(text, 'gatehouse_gateway_denials_total{code="MISSING_CREDENTIALS"}')).toBe(1);
    expect(sample(text, 'gatehouse_gateway_denials_total{code="INVALID_CREDENTIALS"}')).toBe(1);
    // The first call verifies the JWT; the next two are answered from the cache.
    expect(sample(text, 'gatehouse_gateway_token_cache{kind="misses"}')).toBe(1);
    expect(sample(text, 'gatehouse_gateway_token_cache{kind="hits"}')).toBe(2);
    expect(sample(text, 'gatehouse_gateway_token_cache{kind="entries"}')).toBe(1);
    // Nothing secret in the exposition.
    expect(text).not.toContain(token);
  });
});
