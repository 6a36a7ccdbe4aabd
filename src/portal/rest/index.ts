import type { FastifyInstance } from 'fastify';
import type { Services } from '../../runtime/services.ts';

/** The WSO2-compatible REST APIs: devportal v3, publisher v4, admin v4. */
export async function registerRestApis(_app: FastifyInstance, _services: Services): Promise<void> {}
