import { z } from 'zod';
import { DomainError, notFound } from '../../../core/errors.ts';
import type { Api, Application, User } from '../../../core/model.ts';
import type { Services } from '../../../runtime/services.ts';
import { RestError, badRequest } from '../errors.ts';
import { defineRoute } from '../route-table.ts';
import { readZip, writeZip } from '../zip.ts';
import { APP_ACCESS, APP_LIST_ACCESS } from './access.ts';
import { withAttributeRules } from './application-attributes.ts';
import { ApplicationInfoSchema } from './application-schemas.ts';
import { ApiListSchema } from './catalog-schemas.ts';
import { applicationKey } from './mappers.ts';
import { presentApiInfo, presentApplicationInfo, usernameOf } from './presenters.ts';

/**
 * WSO2's application export and import: a ZIP archive holding `<owner>-<name>/<name>.json|yaml` with
 * `{type: "application", version, data: {applicationInfo, subscribedAPIs}}`. Keys are exported without
 * their secrets (never in clear) and are never imported: mint new ones, or map the old client with
 * `map-keys`. A YAML export is written as JSON, which every YAML 1.2 reader reads.
 */

const tag = 'Import Export';
const flag = z.enum(['true', 'false']).optional();

const exportQuery = z.object({
  appName: z.string().min(1).max(100),
  appOwner: z.string().min(1).max(100),
  withKeys: flag,
  format: z.enum(['JSON', 'YAML']).optional(),
});

const importQuery = z.object({
  preserveOwner: flag,
  skipSubscriptions: flag,
  appOwner: z.string().max(100).optional(),
  skipApplicationKeys: flag,
  update: flag,
  ignoreTier: flag,
});

export const ApplicationImportRequestSchema = z.strictObject({
  file: z.string().max(4_000_000).meta({ description: 'The ZIP archive from GET /applications/export' }),
});

const ExportedSchema = z.object({
  type: z.literal('application'),
  data: z.object({
    applicationInfo: z.object({
      name: z.string(),
      throttlingPolicy: z.string().optional(),
      description: z.string().optional(),
      tokenType: z.enum(['JWT', 'OAUTH']).optional(),
      attributes: z.record(z.string(), z.string()).optional(),
    }),
    subscribedAPIs: z
      .array(z.object({ apiId: z.object({ providerName: z.string().optional(), apiName: z.string(), version: z.string() }), throttlingPolicy: z.string().optional() }))
      .optional(),
  }),
});

async function ownApplicationNamed(services: Services, user: User, name: string): Promise<Application | null> {
  return (await services.applications.list(user.id, { name, limit: 1, offset: 0 })).items[0] ?? null;
}

async function exportDocument(services: Services, user: User, app: Application, withKeys: boolean) {
  const subscriptions = (await services.subscriptions.list(user.id, { applicationId: app.id, limit: 10_000, offset: 0 })).items;
  const subscribedAPIs = await Promise.all(
    subscriptions.map(async (s) => {
      const api = await services.apis.get(s.apiId);
      return { apiId: { providerName: await usernameOf(services, api.providerId), apiName: api.name, version: api.version }, throttlingPolicy: s.throttlingPolicy };
    }),
  );
  const keys = withKeys ? (await services.clients.listForApplication(app.id)).map((k) => applicationKey(k)) : [];
  const info = await presentApplicationInfo(services, user, app);
  return { type: 'application', version: 'v4', data: { applicationInfo: { ...info, keys }, subscribedAPIs } };
}

function parseArchive(file: string): z.output<typeof ExportedSchema> {
  const entry = readZip(Buffer.from(file, 'latin1')).find((e) => /\.(json|ya?ml)$/i.test(e.name));
  if (!entry) throw badRequest('file', 'the archive holds no application .json or .yaml file');
  let parsed: unknown;
  try {
    parsed = JSON.parse(entry.data.toString('utf8'));
  } catch {
    throw badRequest('file', 'the application file must be JSON (or YAML written as JSON, as Gatehouse exports it)');
  }
  const result = ExportedSchema.safeParse(parsed);
  if (!result.success) throw badRequest('file', 'not an exported application (type "application" with data.applicationInfo)');
  return result.data;
}

/** Subscribes to each exported API found by name and version; those it cannot are returned (207). */
async function importSubscriptions(services: Services, user: User, app: Application, doc: z.output<typeof ExportedSchema>, ignoreTier: boolean): Promise<Api[]> {
  const all = (await services.apis.list({ limit: 100_000, offset: 0, publishedOnly: true })).items;
  const skipped: Api[] = [];
  for (const s of doc.data.subscribedAPIs ?? []) {
    const api = all.find((a) => a.name === s.apiId.apiName && a.version === s.apiId.version);
    if (!api) continue;
    const tier = s.throttlingPolicy && (api.policies.includes(s.throttlingPolicy) || !ignoreTier) ? s.throttlingPolicy : api.policies[0];
    try {
      await services.subscriptions.subscribe(user.id, { applicationId: app.id, apiId: api.id, throttlingPolicy: tier });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      skipped.push(api);
    }
  }
  return skipped;
}

export const applicationExportRoutes = [
  defineRoute({
    method: 'GET',
    path: '/applications/export',
    operationId: 'exportApplication',
    summary: "Export one of the caller's applications as WSO2's ZIP archive (keys without secrets when withKeys=true)",
    tag,
    access: APP_LIST_ACCESS,
    query: exportQuery,
    status: 200,
    async handler({ services, user, query, reply }) {
      const app = query.appOwner === user.username ? await ownApplicationNamed(services, user, query.appName) : null;
      if (!app) throw notFound('application');
      const document = await exportDocument(services, user, app, query.withKeys === 'true');
      const ext = query.format === 'JSON' ? 'json' : 'yaml';
      const folder = `${user.username}-${app.name}`.replace(/[^\w.-]/g, '_');
      const zip = writeZip([{ name: `${folder}/${folder}.${ext}`, data: Buffer.from(JSON.stringify(document, null, 2)) }]);
      await reply.code(200).headers({ 'content-type': 'application/zip', 'content-disposition': `attachment; filename="${folder}.zip"`, 'cache-control': 'no-store' }).send(zip);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/applications/import',
    operationId: 'importApplication',
    summary: 'Import an application from an exported archive, with its subscriptions (keys are never imported: no secrets travel)',
    description: 'Answers 207 with the APIs it could not subscribe to. update=true updates an application of the same name.',
    tag,
    access: APP_ACCESS,
    query: importQuery,
    body: ApplicationImportRequestSchema,
    multipart: true,
    bodyLimit: 4 * 1024 * 1024,
    status: 200,
    response: ApplicationInfoSchema,
    async handler({ services, user, query, body, reply }) {
      if (query.appOwner && query.appOwner !== user.username) throw new RestError(403, 'applications are imported for the caller only');
      const doc = parseArchive(body.file);
      const info = doc.data.applicationInfo;
      const attributes = withAttributeRules(services, info.attributes);
      const input = { name: info.name, throttlingPolicy: info.throttlingPolicy, description: info.description, tokenType: info.tokenType, attributes };
      const existing = await ownApplicationNamed(services, user, info.name);
      if (existing && query.update !== 'true') throw new RestError(409, `an application named ${info.name} exists; send update=true to update it`);
      const app = existing ? await services.applications.update(user.id, existing.id, input) : await services.applications.create(user.id, input);
      const skipped = query.skipSubscriptions === 'true' ? [] : await importSubscriptions(services, user, app, doc, query.ignoreTier === 'true');
      if (skipped.length > 0) {
        const list = await Promise.all(skipped.map((api) => presentApiInfo(services, api)));
        const body207: z.input<typeof ApiListSchema> = { count: list.length, list, pagination: { offset: 0, limit: list.length, total: list.length, next: '', previous: '' } };
        await reply.code(207).headers({ 'cache-control': 'no-store' }).send(body207);
        return undefined as never;
      }
      return presentApplicationInfo(services, user, app);
    },
  }),
];
