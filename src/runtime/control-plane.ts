import type { FastifyInstance } from 'fastify';
import { registerHealth, type ReadinessCheck } from '../http/health.ts';
import { registerAssets } from '../http/page.ts';
import { createHttpServer } from '../http/server.ts';
import { accessLineWriter } from './logger.ts';
import { registerLeakIntake } from '../leaks/github-intake.ts';
import { registerKeyManager } from '../oauth/routes.ts';
import { registerRestApis } from '../portal/rest/index.ts';
import { registerPortalUi } from '../portal/ui/index.ts';
import { trackPropagation } from './propagation.ts';
import type { Services } from './services.ts';

/** The control plane: Key Manager (OAuth2), REST APIs and portal UI, health and metrics. */
export async function buildControlPlane(services: Services, readiness: readonly ReadinessCheck[] = []): Promise<FastifyInstance> {
  const { config } = services;
  const app = createHttpServer({
    logger: services.log,
    accessLine: accessLineWriter(services.log),
    metrics: services.metrics,
    plane: 'control',
    ...(config.tlsCert && config.tlsKey && { tls: { cert: config.tlsCert, key: config.tlsKey } }),
  });
  // Confirmations exist only across processes (Redis); without it the receipts would cost every request
  // an AsyncLocalStorage context for nothing.
  if (config.redisUrl) trackPropagation(app);
  app.addHook('onRequest', (request, reply, done) => services.auditContext.enterRequest({ sourceIp: request.ip }, reply.raw, done));
  registerHealth(app, [{ name: 'store', check: async () => (await services.store.ping(), true) }, ...readiness], () => services.metrics.render());
  registerAssets(app);
  await registerKeyManager(app, { ...services, authorizationCodeTtlSeconds: config.authorizationCodeTtlSeconds });
  await registerRestApis(app, services);
  await registerPortalUi(app, services);
  await registerLeakIntake(app, services);
  services.webhookDispatcher.start();
  app.addHook('onClose', async () => {
    await services.webhookDispatcher.stop();
    await services.audit.flush();
  });
  return app;
}
