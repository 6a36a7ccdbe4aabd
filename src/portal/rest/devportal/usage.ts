import { z } from 'zod';
import { USAGE_RANGES, usageBreakdown, usageReport, type UsageSummary } from '../../../usage/usage-report.ts';
import { defineRoute } from '../route-table.ts';
import { APP_ACCESS } from './access.ts';
import { applicationParams } from './applications.ts';

/** Gatehouse extension (no WSO2 equivalent in the open-source product): an application's usage (issue 15 §5). */

const ms = z.number().int().nullable().meta({ description: 'Upper bound of the latency bucket (ms); null without requests or above 10 s' });
const summary = {
  requests: z.number().int(),
  errors: z.number().int().meta({ description: 'Responses with a 4xx or 5xx status' }),
  throttled: z.number().int().meta({ description: '429 responses' }),
  latencyP50Ms: ms,
  latencyP99Ms: ms,
  lastUsedTime: z.number().int().nullable().meta({ description: 'Epoch ms: end of the last minute or hour with requests' }),
};

export const ApplicationUsageSchema = z.object({
  range: z.enum(USAGE_RANGES),
  from: z.number().int(),
  to: z.number().int(),
  stepSeconds: z.number().int(),
  ...summary,
  series: z.array(z.object({ start: z.number().int(), requests: z.number().int(), errors: z.number().int(), throttled: z.number().int() })),
  byCredential: z.array(z.object({ credentialId: z.string(), ...summary })),
});

export const USAGE_SCHEMAS = { ApplicationUsage: ApplicationUsageSchema };

const finite = (v: number | null) => (v === null || v === Infinity ? null : v);
const summaryOf = (s: UsageSummary) => ({
  requests: s.requests,
  errors: s.errors,
  throttled: s.throttled,
  latencyP50Ms: finite(s.p50Ms),
  latencyP99Ms: finite(s.p99Ms),
  lastUsedTime: s.lastUsedAt,
});

export const usageRoutes = [
  defineRoute({
    method: 'GET',
    path: '/applications/{applicationId}/usage',
    operationId: 'getApplicationUsage',
    summary: "An application's requests through the gateways: totals, latency percentiles, a series and a row per credential",
    description: 'range: hour (per minute), day (per hour, default) or month (30 days, per day). credentialId (a consumer key or an API key id) narrows the totals and the series.',
    tag: 'Usage',
    access: APP_ACCESS,
    params: applicationParams,
    query: z.object({ range: z.enum(USAGE_RANGES).default('day'), credentialId: z.string().max(200).optional() }),
    status: 200,
    response: ApplicationUsageSchema,
    async handler({ services, user, params, query }) {
      const application = await services.applications.get(user.id, params.applicationId);
      const now = services.clock.now();
      const base = { applicationIds: [application.id] };
      const [report, byCredential] = await Promise.all([
        usageReport(services.store.usage, { range: query.range, filter: { ...base, ...(query.credentialId && { credentialId: query.credentialId }) }, now }),
        usageBreakdown(services.store.usage, { range: query.range, filter: base, by: 'credential', now }),
      ]);
      return {
        range: report.range,
        from: report.from,
        to: report.to,
        stepSeconds: report.stepMs / 1000,
        ...summaryOf(report),
        series: report.points,
        byCredential: byCredential.map((g) => ({ credentialId: g.key, ...summaryOf(g) })),
      };
    },
  }),
];
