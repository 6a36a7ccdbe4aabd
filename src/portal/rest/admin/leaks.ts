import { z } from 'zod';
import { CREDENTIAL_PREFIXES, type CredentialKind } from '../../../core/credentials.ts';
import { id } from '../common-schemas.ts';
import { pageOf, pageQuery, paged } from '../pagination.ts';
import { defineRoute } from '../route-table.ts';
import {
  AuditEventListSchema,
  AuditEventSchema,
  WebhookDeliveryListSchema,
  WebhookDeliverySchema,
  WebhookListSchema,
  WebhookRequestSchema,
  WebhookSchema,
  auditEventOut,
  deliveryOut,
  webhookOut,
} from '../security-schemas.ts';
import { ADMIN_ACCESS } from './access.ts';

/**
 * Leaked credentials (issue 16): `gatehouse scan --check/--revoke` (SHA-256 hashes only, never the
 * credentials), the security audit log, and global webhooks. Admins only (`apim:admin`).
 */

const kinds = Object.keys(CREDENTIAL_PREFIXES) as [CredentialKind, ...CredentialKind[]];
const HashedCredentialSchema = z.strictObject({
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'lower-case hex SHA-256 of the credential'),
  type: z.enum(kinds),
});

export const LeakCheckRequestSchema = z.strictObject({ credentials: z.array(HashedCredentialSchema).min(1).max(500) });
export const LeakCheckResultSchema = z.object({
  hashScheme: z.enum(['peppered-sha256', 'sha256', 'hmac-sha256']).meta({ description: 'How this server stores credentials; with hmac-sha256 (a pepper over the credential itself, stores made before 0008 with GATEHOUSE_TOKEN_PEPPER) every status is "unverifiable"' }),
  list: z.array(z.object({ sha256: z.string(), status: z.enum(['live', 'inactive', 'unknown', 'unverifiable']) })),
});
export const LeakRevokeRequestSchema = z.strictObject({ credentials: z.array(HashedCredentialSchema).min(1).max(500), url: z.string().max(2000).optional() });
export const LeakRevokeResultSchema = z.object({ list: z.array(z.object({ sha256: z.string(), revoked: z.boolean() })) });

export const LEAK_SCHEMAS = {
  LeakCheckRequest: LeakCheckRequestSchema,
  LeakCheckResult: LeakCheckResultSchema,
  LeakRevokeRequest: LeakRevokeRequestSchema,
  LeakRevokeResult: LeakRevokeResultSchema,
  AuditEvent: AuditEventSchema,
  AuditEventList: AuditEventListSchema,
  WebhookRequest: WebhookRequestSchema,
  Webhook: WebhookSchema,
  WebhookList: WebhookListSchema,
  WebhookDelivery: WebhookDeliverySchema,
  WebhookDeliveryList: WebhookDeliveryListSchema,
} as const;

const tag = 'Leaked Credentials';
const webhookParams = z.object({ webhookId: id });

export const adminLeakRoutes = [
  defineRoute({
    method: 'POST',
    path: '/leaks/check',
    operationId: 'checkLeakedCredentials',
    summary: 'Which of these credentials (given as SHA-256 hashes) are live',
    tag,
    access: ADMIN_ACCESS,
    body: LeakCheckRequestSchema,
    status: 200,
    response: LeakCheckResultSchema,
    async handler({ services, body }) {
      return { hashScheme: services.leaks.hashScheme, list: await services.leaks.checkBySha256(body.credentials) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/leaks/revoke',
    operationId: 'revokeLeakedCredentials',
    summary: 'Revoke the live ones among these credentials (SHA-256 hashes), recorded as leaked',
    tag,
    access: ADMIN_ACCESS,
    body: LeakRevokeRequestSchema,
    status: 200,
    response: LeakRevokeResultSchema,
    async handler({ services, body, user, request }) {
      const context = { actor: user.id, sourceIp: request.ip, source: 'scan', url: body.url ?? null };
      return { list: await services.leaks.revokeBySha256(body.credentials, context) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/audit-events',
    operationId: 'getAuditEvents',
    summary: 'Security events: credentials created, regenerated, revoked, reported leaked (newest first)',
    tag,
    access: ADMIN_ACCESS,
    query: pageQuery.extend({ applicationId: id.optional() }),
    status: 200,
    response: AuditEventListSchema,
    async handler({ services, query }) {
      const page = pageOf(query);
      const result = await services.audit.list({ ...page, ...(query.applicationId && { applicationId: query.applicationId }) });
      return paged(result.items.map(auditEventOut), result.total, page, '/audit-events', { applicationId: query.applicationId });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/webhooks',
    operationId: 'getGlobalWebhooks',
    summary: 'Global webhooks (every application)',
    tag,
    access: ADMIN_ACCESS,
    status: 200,
    response: WebhookListSchema,
    async handler({ services }) {
      const list = (await services.store.webhooks.listGlobal()).map((w) => webhookOut(w));
      return { count: list.length, list };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/webhooks',
    operationId: 'addGlobalWebhook',
    summary: 'Add a global webhook; the response shows its signing secret once',
    tag,
    access: ADMIN_ACCESS,
    body: WebhookRequestSchema,
    status: 201,
    response: WebhookSchema,
    async handler({ services, body, user, reply }) {
      const { webhook, secret } = await services.webhooks.create({ ownerId: user.id, applicationId: null, url: body.url, ...(body.events && { events: body.events }) });
      reply.header('cache-control', 'no-store');
      return webhookOut(webhook, secret);
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/webhooks/{webhookId}',
    operationId: 'removeGlobalWebhook',
    summary: 'Delete a global webhook',
    tag,
    access: ADMIN_ACCESS,
    params: webhookParams,
    status: 200,
    async handler({ services, params }) {
      await services.webhooks.delete(params.webhookId, { global: true });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/webhooks/{webhookId}/deliveries',
    operationId: 'getGlobalWebhookDeliveries',
    summary: 'The delivery log of a global webhook (newest first)',
    tag,
    access: ADMIN_ACCESS,
    params: webhookParams,
    status: 200,
    response: WebhookDeliveryListSchema,
    async handler({ services, params }) {
      const list = (await services.webhooks.deliveries(await services.webhooks.get(params.webhookId, { global: true }))).map(deliveryOut);
      return { count: list.length, list };
    },
  }),
];
