import { z } from 'zod';
import { USAGE_RANGES, type UsageReport, type UsageSummary } from '../../usage/usage-report.ts';

/** What every usage answer shares (issue 15 §5): the range, totals with latency percentiles, and the series. */

const ms = z.number().int().nullable().meta({ description: 'Upper bound of the latency bucket (ms); null without requests or above 10 s' });

export const usageSummaryFields = {
  requests: z.number().int(),
  errors: z.number().int().meta({ description: 'Responses with a 4xx or 5xx status' }),
  throttled: z.number().int().meta({ description: '429 responses' }),
  latencyP50Ms: ms,
  latencyP99Ms: ms,
  lastUsedTime: z.number().int().nullable().meta({ description: 'Epoch ms: end of the last minute or hour with requests' }),
};

export const usageReportFields = {
  range: z.enum(USAGE_RANGES),
  from: z.number().int(),
  to: z.number().int(),
  stepSeconds: z.number().int(),
  ...usageSummaryFields,
  series: z.array(z.object({ start: z.number().int(), requests: z.number().int(), errors: z.number().int(), throttled: z.number().int() })),
};

/** range: hour (per minute), day (per hour, default) or month (30 days, per day). */
export const usageQuery = z.object({ range: z.enum(USAGE_RANGES).default('day') });

const finite = (v: number | null) => (v === null || v === Infinity ? null : v);

export const summaryOf = (s: UsageSummary) => ({
  requests: s.requests,
  errors: s.errors,
  throttled: s.throttled,
  latencyP50Ms: finite(s.p50Ms),
  latencyP99Ms: finite(s.p99Ms),
  lastUsedTime: s.lastUsedAt,
});

export const reportOf = (report: UsageReport) => ({
  range: report.range,
  from: report.from,
  to: report.to,
  stepSeconds: report.stepMs / 1000,
  ...summaryOf(report),
  series: report.points,
});
