import type { UsageFilter, UsageGranularity, UsageRepo, UsageTotals } from '../store/ports.ts';
import { LATENCY_BOUNDS_MS } from '../store/kysely/usage-schema.ts';

/** Usage over the last hour (per minute), day (per hour) or 30 days (per day), for charts and REST (issue 15 §5). */
export const USAGE_RANGES = ['hour', 'day', 'month'] as const;
export type UsageRange = (typeof USAGE_RANGES)[number];

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

const RANGE: Record<UsageRange, { granularity: UsageGranularity; stepMs: number; points: number; label: string }> = {
  hour: { granularity: 'minute', stepMs: MINUTE_MS, points: 60, label: 'last hour, per minute' },
  day: { granularity: 'hour', stepMs: HOUR_MS, points: 24, label: 'last 24 hours, per hour' },
  month: { granularity: 'hour', stepMs: DAY_MS, points: 30, label: 'last 30 days, per day' },
};

export const rangeLabel = (range: UsageRange): string => RANGE[range].label;
export const isUsageRange = (value: string | undefined): value is UsageRange => (USAGE_RANGES as readonly string[]).includes(value ?? '');

export interface UsagePoint {
  start: number;
  requests: number;
  errors: number;
  throttled: number;
}

export interface UsageSummary {
  requests: number;
  errors: number;
  throttled: number;
  /** Upper bound of the latency bucket holding the percentile (ms); null without requests; Infinity above the last bound. */
  p50Ms: number | null;
  p99Ms: number | null;
  lastUsedAt: number | null;
}

export interface UsageReport extends UsageSummary {
  range: UsageRange;
  from: number;
  to: number;
  stepMs: number;
  points: UsagePoint[];
}

export interface UsageGroup extends UsageSummary {
  key: string;
}

/** The latency percentile from a fixed-bucket histogram: the bound of the bucket the q-th request falls in. */
export function percentile(latency: readonly number[], q: number): number | null {
  const total = latency.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (let i = 0; i < latency.length; i += 1) {
    seen += latency[i]!;
    if (seen >= rank) return i < LATENCY_BOUNDS_MS.length ? LATENCY_BOUNDS_MS[i]! : Infinity;
  }
  return Infinity;
}

function window(range: UsageRange, now: number): { from: number; to: number } {
  const { stepMs, points } = RANGE[range];
  const to = now - (now % stepMs) + stepMs;
  return { from: to - points * stepMs, to };
}

function summary(groups: readonly UsageTotals[], granularity: UsageGranularity): UsageSummary {
  const latency = groups.reduce<number[]>((acc, g) => acc.map((n, i) => n + (g.latency[i] ?? 0)), new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0));
  const last = Math.max(0, ...groups.filter((g) => g.requests > 0).map((g) => g.lastBucket));
  return {
    requests: groups.reduce((n, g) => n + g.requests, 0),
    errors: groups.reduce((n, g) => n + g.errors, 0),
    throttled: groups.reduce((n, g) => n + g.throttled, 0),
    p50Ms: percentile(latency, 0.5),
    p99Ms: percentile(latency, 0.99),
    lastUsedAt: last > 0 ? last + (granularity === 'minute' ? MINUTE_MS : HOUR_MS) : null,
  };
}

export async function usageReport(repo: UsageRepo, o: { range: UsageRange; filter: UsageFilter; now: number }): Promise<UsageReport> {
  const { granularity, stepMs, points } = RANGE[o.range];
  const { from, to } = window(o.range, o.now);
  const rows = await repo.summarize({ granularity, from, to, filter: o.filter, by: 'bucket' });
  const series: UsagePoint[] = Array.from({ length: points }, (_, i) => ({ start: from + i * stepMs, requests: 0, errors: 0, throttled: 0 }));
  for (const row of rows) {
    const point = series[Math.floor((Number(row.key) - from) / stepMs)];
    if (!point) continue;
    point.requests += row.requests;
    point.errors += row.errors;
    point.throttled += row.throttled;
  }
  return { range: o.range, from, to, stepMs, points: series, ...summary(rows, granularity) };
}

/** Totals per application, credential or API over the range, busiest first. */
export async function usageBreakdown(repo: UsageRepo, o: { range: UsageRange; filter: UsageFilter; by: 'application' | 'credential' | 'api'; now: number }): Promise<UsageGroup[]> {
  const { granularity } = RANGE[o.range];
  const { from, to } = window(o.range, o.now);
  const rows = await repo.summarize({ granularity, from, to, filter: o.filter, by: o.by });
  return rows.map((row) => ({ key: row.key, ...summary([row], granularity) })).sort((a, b) => b.requests - a.requests);
}
