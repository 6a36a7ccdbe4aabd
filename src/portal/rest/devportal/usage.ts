import { z } from 'zod';
import { USAGE_RANGES, usageBreakdown, usageReport } from '../../../usage/usage-report.ts';
import { reportOf, summaryOf, usageReportFields, usageSummaryFields } from '../usage-schemas.ts';
import { defineRoute } from '../route-table.ts';
import { APP_ACCESS } from './access.ts';
import { applicationParams } from './applications.ts';

/** Gatehouse extension (no WSO2 equivalent in the open-source product): an application's usage (issue 15 §5). */

export const ApplicationUsageSchema = z.object({
  ...usageReportFields,
  byCredential: z.array(z.object({ credentialId: z.string(), ...usageSummaryFields })),
});

export const USAGE_SCHEMAS = { ApplicationUsage: ApplicationUsageSchema };

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
        ...reportOf(report),
        byCredential: byCredential.map((g) => ({ credentialId: g.key, ...summaryOf(g) })),
      };
    },
  }),
];
