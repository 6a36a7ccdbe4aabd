import type { FastifyInstance } from 'fastify';
import type { Services } from '../../runtime/services.ts';

/** The web UI: /devportal, /publisher and /admin. */
export async function registerPortalUi(_app: FastifyInstance, _services: Services): Promise<void> {}
