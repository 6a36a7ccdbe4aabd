import { z } from 'zod';
import type { LeakRecord } from '../../../store/ports.ts';
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
import { APP_ACCESS } from './access.ts';
import { applicationParams } from './applications.ts';

/**
 * An application's security trail for its owner (issue 16 §4): its audit events, the credentials
 * reported leaked (where, when, what was done), and its own webhooks. Another user's application is
 * a 404, as everywhere in the Developer Portal.
 */

export const LeakedCredentialSchema = z.object({
  credentialType: z.string(),
  credentialId: z.string().meta({ description: 'Non-secret: API key id, consumer key, token jti, …' }),
  credentialStart: z.string().nullable().meta({ description: 'The displayable start of the credential' }),
  url: z.string().nullable().meta({ description: 'Where it was found public' }),
  source: z.string(),
  reportedTime: z.string(),
  action: z.enum(['revoked', 'flagged', 'already-inactive']),
  revokedTime: z.string().nullable(),
});
export const LeakedCredentialListSchema = z.object({ count: z.number().int(), list: z.array(LeakedCredentialSchema) });

export const SECURITY_SCHEMAS = {
  AuditEvent: AuditEventSchema,
  AuditEventList: AuditEventListSchema,
  LeakedCredential: LeakedCredentialSchema,
  LeakedCredentialList: LeakedCredentialListSchema,
  WebhookRequest: WebhookRequestSchema,
  Webhook: WebhookSchema,
  WebhookList: WebhookListSchema,
  WebhookDelivery: WebhookDeliverySchema,
  WebhookDeliveryList: WebhookDeliveryListSchema,
} as const;

export const leakOut = (l: LeakRecord) => ({
  credentialType: l.credentialType,
  credentialId: l.credentialId,
  credentialStart: l.credentialStart,
  url: l.url,
  source: l.source,
  reportedTime: new Date(l.reportedAt).toISOString(),
  action: l.action as 'revoked' | 'flagged' | 'already-inactive',
  revokedTime: l.revokedAt === null ? null : new Date(l.revokedAt).toISOString(),
});

const tag = 'Security Events';
const webhookParams = applicationParams.extend({ webhookId: id });

export const securityEventRoutes = [
  defineRoute({
    method: 'GET',
    path: '/applications/{applicationId}/audit-events',
    operationId: 'getApplicationAuditEvents',
    summary: "Security events of the application's credentials, newest first",
    tag,
    access: APP_ACCESS,
    params: applicationParams,
    query: pageQuery,
    status: 200,
    response: AuditEventListSchema,
    async handler({ services, user, params, query }) {
      const application = await services.applications.get(user.id, params.applicationId);
      const page = pageOf(query);
      const result = await services.audit.list({ ...page, applicationId: application.id });
      return paged(result.items.map(auditEventOut), result.total, page, `/applications/${application.id}/audit-events`);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/applications/{applicationId}/leaked-credentials',
    operationId: 'getApplicationLeakedCredentials',
    summary: "The application's credentials reported or found public, newest first",
    tag,
    access: APP_ACCESS,
    params: applicationParams,
    status: 200,
    response: LeakedCredentialListSchema,
    async handler({ services, user, params }) {
      const application = await services.applications.get(user.id, params.applicationId);
      const list = (await services.store.leaks.listByApplication(application.id)).map(leakOut);
      return { count: list.length, list };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/applications/{applicationId}/webhooks',
    operationId: 'getApplicationWebhooks',
    summary: "The application's webhooks",
    tag,
    access: APP_ACCESS,
    params: applicationParams,
    status: 200,
    response: WebhookListSchema,
    async handler({ services, user, params }) {
      const application = await services.applications.get(user.id, params.applicationId);
      const list = (await services.store.webhooks.listByOwner(user.id)).filter((w) => w.applicationId === application.id).map((w) => webhookOut(w));
      return { count: list.length, list };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/applications/{applicationId}/webhooks',
    operationId: 'addApplicationWebhook',
    summary: 'Add a webhook for credential.leaked / credential.revoked; the response shows its signing secret once',
    tag,
    access: APP_ACCESS,
    params: applicationParams,
    body: WebhookRequestSchema,
    status: 201,
    response: WebhookSchema,
    async handler({ services, user, params, body, reply }) {
      const application = await services.applications.get(user.id, params.applicationId);
      const { webhook, secret } = await services.webhooks.create({ ownerId: user.id, applicationId: application.id, url: body.url, ...(body.events && { events: body.events }) });
      reply.header('cache-control', 'no-store');
      return webhookOut(webhook, secret);
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/applications/{applicationId}/webhooks/{webhookId}',
    operationId: 'removeApplicationWebhook',
    summary: 'Delete a webhook of the application',
    tag,
    access: APP_ACCESS,
    params: webhookParams,
    status: 200,
    async handler({ services, user, params }) {
      await services.applications.get(user.id, params.applicationId);
      await services.webhooks.delete(params.webhookId, { ownerId: user.id });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/applications/{applicationId}/webhooks/{webhookId}/deliveries',
    operationId: 'getApplicationWebhookDeliveries',
    summary: 'The delivery log of a webhook of the application, newest first',
    tag,
    access: APP_ACCESS,
    params: webhookParams,
    status: 200,
    response: WebhookDeliveryListSchema,
    async handler({ services, user, params }) {
      await services.applications.get(user.id, params.applicationId);
      const list = (await services.webhooks.deliveries(await services.webhooks.get(params.webhookId, { ownerId: user.id }))).map(deliveryOut);
      return { count: list.length, list };
    },
  }),
];
