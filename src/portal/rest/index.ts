import type { FastifyInstance } from 'fastify';
import type { Services } from '../../runtime/services.ts';
import { adminApi } from './admin/index.ts';
import { devportalApi } from './devportal/index.ts';
import { publisherApi } from './publisher/index.ts';
import { mountRestApi } from './route-mount.ts';
import type { RestApi } from './route-table.ts';

export const REST_APIS: readonly RestApi[] = [devportalApi, publisherApi, adminApi];

/** The WSO2-compatible REST APIs: devportal v3, publisher v4, admin v4. */
export async function registerRestApis(app: FastifyInstance, services: Services): Promise<void> {
  for (const api of REST_APIS) await mountRestApi(app, api, services);
}
