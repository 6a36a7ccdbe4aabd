import type { FastifyInstance } from 'fastify';

export interface ReadinessCheck {
  name: string;
  /** Resolves true when the dependency answers; anything else counts as down. */
  check(): Promise<boolean>;
  /** Reported, but the process stays ready without it (e.g. Redis: gateways poll the store instead). */
  optional?: boolean;
}

const CHECK_TIMEOUT_MS = 2000;

async function probe(check: ReadinessCheck): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check.check().catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Liveness, readiness (503 while a dependency is unreachable) and Prometheus metrics, on both planes.
 * `metrics` renders the exposition: this process's registry, or every gateway worker's summed.
 */
export function registerHealth(app: FastifyInstance, checks: readonly ReadinessCheck[], metrics: () => string | Promise<string>): void {
  app.get('/health/live', async () => ({ status: 'UP' }));
  app.get('/health/ready', async (_request, reply) => {
    const results = await Promise.all(checks.map(async (c) => [c.name, (await probe(c)) ? 'UP' : 'DOWN', c.optional === true] as const));
    const ready = results.every(([, state, optional]) => optional || state === 'UP');
    return reply.code(ready ? 200 : 503).header('cache-control', 'no-store').send({ status: ready ? 'UP' : 'DOWN', checks: Object.fromEntries(results.map(([name, state]) => [name, state])) });
  });
  app.get('/metrics', async (_request, reply) => reply.header('content-type', 'text/plain; version=0.0.4; charset=utf-8').send(await metrics()));
}
