import { z } from 'zod';
import { id } from '../common-schemas.ts';
import { defineRoute } from '../route-table.ts';
import { reportOf, summaryOf, usageQuery, usageReportFields, usageSummaryFields } from '../usage-schemas.ts';
import { usageBreakdown, usageReport } from '../../../usage/usage-report.ts';
import { SUBSCRIPTION_VIEW_ACCESS } from './access.ts';

/** Gatehouse extension: an API's usage through the gateways, and per subscribing application (issue 15 §5). */

export const ApiUsageSchema = z.object({
  ...usageReportFields,
  bySubscriber: z.array(z.object({ applicationId: z.string(), applicationName: z.string().nullable(), ...usageSummaryFields })),
});

export const PUBLISHER_USAGE_SCHEMAS = { ApiUsage: ApiUsageSchema };

export const publisherUsageRoutes = [
  defineRoute({
    method: 'GET',
    path: '/apis/{apiId}/usage',
    operationId: 'getApiUsage',
    summary: "An API's requests through the gateways: totals, latency percentiles, a series and a row per subscribing application",
    tag: 'Usage',
    access: SUBSCRIPTION_VIEW_ACCESS,
    params: z.object({ apiId: id }),
    query: usageQuery,
    status: 200,
    response: ApiUsageSchema,
    async handler({ services, params, query }) {
      const api = await services.apis.get(params.apiId);
      const now = services.clock.now();
      const filter = { apiId: api.id };
      const [report, bySubscriber] = await Promise.all([
        usageReport(services.store.usage, { range: query.range, filter, now }),
        usageBreakdown(services.store.usage, { range: query.range, filter, by: 'application', now }),
      ]);
      const names = new Map(
        await Promise.all(bySubscriber.map(async (g) => [g.key, (await services.store.applications.findById(g.key))?.name ?? null] as const)),
      );
      return {
        ...reportOf(report),
        bySubscriber: bySubscriber.map((g) => ({ applicationId: g.key, applicationName: names.get(g.key) ?? null, ...summaryOf(g) })),
      };
    },
  }),
];
