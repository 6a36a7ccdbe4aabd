import { z } from 'zod';
import { defineRoute } from '../route-table.ts';
import { reportOf, summaryOf, usageQuery, usageReportFields, usageSummaryFields } from '../usage-schemas.ts';
import { usageReport } from '../../../usage/usage-report.ts';
import { ADMIN_ACCESS } from './access.ts';

/** Gatehouse extension: all traffic through the gateways, and per application tier (issue 15 §5). */

export const TrafficUsageSchema = z.object({
  ...usageReportFields,
  byTier: z.array(z.object({ tier: z.string(), applications: z.number().int(), ...usageSummaryFields })),
});

export const ADMIN_USAGE_SCHEMAS = { TrafficUsage: TrafficUsageSchema };

export const adminUsageRoutes = [
  defineRoute({
    method: 'GET',
    path: '/usage',
    operationId: 'getTrafficUsage',
    summary: 'Requests through the gateways: totals, latency percentiles, a series and a row per application tier',
    tag: 'Usage',
    access: ADMIN_ACCESS,
    query: usageQuery,
    status: 200,
    response: TrafficUsageSchema,
    async handler({ services, query }) {
      const now = services.clock.now();
      const { store } = services;
      const tiers = new Map<string, string[]>();
      for (const application of await store.applications.listAll()) tiers.set(application.throttlingPolicy, [...(tiers.get(application.throttlingPolicy) ?? []), application.id]);
      const [overall, ...perTier] = await Promise.all([
        usageReport(store.usage, { range: query.range, filter: {}, now }),
        ...[...tiers].map(async ([tier, ids]) => ({ tier, applications: ids.length, report: await usageReport(store.usage, { range: query.range, filter: { applicationIds: ids }, now }) })),
      ]);
      return {
        ...reportOf(overall),
        byTier: perTier
          .filter((t) => t.report.requests > 0)
          .sort((a, b) => b.report.requests - a.report.requests)
          .map((t) => ({ tier: t.tier, applications: t.applications, ...summaryOf(t.report) })),
      };
    },
  }),
];
