import { z } from 'zod';
import type { AuditEvent, Webhook, WebhookDelivery } from '../../store/ports.ts';
import { WEBHOOK_EVENTS } from '../../webhooks/webhook-service.ts';
import { PaginationSchema } from './pagination.ts';

/**
 * The security audit log and webhooks as both the admin API (every application, global webhooks) and
 * the Developer Portal (one application's trail and webhooks) show them (issue 16 §4). Each API still
 * lists these schemas in its own `schemas` record.
 */

export const AuditEventSchema = z.object({
  id: z.string(),
  time: z.string().meta({ description: 'ISO 8601' }),
  type: z.string(),
  actor: z.string(),
  sourceIp: z.string().nullable(),
  credentialType: z.string(),
  credentialId: z.string().meta({ description: 'Non-secret: API key id, consumer key, token jti, …' }),
  applicationId: z.string().nullable(),
  detail: z.record(z.string(), z.string()),
});
export const AuditEventListSchema = z.object({ count: z.number().int(), list: z.array(AuditEventSchema), pagination: PaginationSchema });

export const WebhookRequestSchema = z.strictObject({ url: z.string().max(2000), events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).optional() });
export const WebhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  applicationId: z.string().nullable(),
  createdTime: z.string(),
  secret: z.string().optional().meta({ description: 'The signing secret: only in the response that creates the webhook' }),
});
export const WebhookListSchema = z.object({ count: z.number().int(), list: z.array(WebhookSchema) });
export const WebhookDeliverySchema = z.object({
  id: z.string(),
  eventType: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdTime: z.string(),
  deliveredTime: z.string().nullable(),
  nextAttemptTime: z.string().nullable(),
});
export const WebhookDeliveryListSchema = z.object({ count: z.number().int(), list: z.array(WebhookDeliverySchema) });

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const auditEventOut = (e: AuditEvent) => ({
  id: e.id,
  time: new Date(e.at).toISOString(),
  type: e.type,
  actor: e.actor,
  sourceIp: e.sourceIp,
  credentialType: e.credentialType,
  credentialId: e.credentialId,
  applicationId: e.applicationId,
  detail: e.detail,
});

export const webhookOut = (w: Webhook, secret?: string) => ({
  id: w.id,
  url: w.url,
  events: w.events,
  applicationId: w.applicationId,
  createdTime: new Date(w.createdAt).toISOString(),
  ...(secret && { secret }),
});

export const deliveryOut = (d: WebhookDelivery) => ({
  id: d.id,
  eventType: d.eventType,
  status: d.status,
  attempts: d.attempts,
  lastStatusCode: d.lastStatusCode,
  lastError: d.lastError,
  createdTime: new Date(d.createdAt).toISOString(),
  deliveredTime: iso(d.deliveredAt),
  nextAttemptTime: iso(d.nextAttemptAt),
});
