/**
 * A small Prometheus registry: counters and histograms with labels, rendered in the text exposition
 * format. Enough for /metrics on both planes without another dependency.
 */
type Labels = Record<string, string>;

const escapeValue = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/**
 * The series key, in the order the caller gives labels (each metric's call sites use one order). On the
 * gateway's request path this runs for every request, so it walks a tree of label names and values
 * (no sorting, no string building); the key string is built once per distinct label set.
 */
interface KeyNode {
  key: string;
  next: Map<string, Map<string, KeyNode>>;
}
const root: KeyNode = { key: '', next: new Map() };
let distinctKeys = 0;

function key(labels: Labels): string {
  let node = root;
  for (const name in labels) {
    const value = labels[name]!;
    let values = node.next.get(name);
    if (!values) node.next.set(name, (values = new Map()));
    let child = values.get(value);
    if (!child) {
      child = { key: `${node.key ? `${node.key},` : ''}${name}="${escapeValue(value)}"`, next: new Map() };
      // Label values come from a bounded set (routes, methods, statuses, reasons); the cap is a safety net.
      if (distinctKeys >= 10_000) return child.key;
      distinctKeys++;
      values.set(value, child);
    }
    node = child;
  }
  return node.key;
}

/** A metric's values as plain data: what a gateway worker sends to be summed with the others'. */
export type MetricSnapshot =
  | { type: 'counter' | 'gauge'; name: string; help: string; series: Array<[key: string, value: number]> }
  | { type: 'histogram'; name: string; help: string; bounds: readonly number[]; series: Array<[key: string, value: HistogramSeries]> };

interface HistogramSeries {
  buckets: number[];
  sum: number;
  count: number;
}

export class Counter {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const k = key(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }

  get(labels: Labels = {}): number {
    return this.values.get(key(labels)) ?? 0;
  }

  snapshot(): MetricSnapshot {
    return { type: 'counter', name: this.name, help: this.help, series: [...this.values] };
  }
}

export class Gauge {
  private readonly values = new Map<string, () => number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  track(read: () => number, labels: Labels = {}): void {
    this.values.set(key(labels), read);
  }

  snapshot(): MetricSnapshot {
    return { type: 'gauge', name: this.name, help: this.help, series: [...this.values].map(([k, read]) => [k, read()]) };
  }
}

export class Histogram {
  private readonly series = new Map<string, HistogramSeries>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly bounds: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  ) {}

  observe(value: number, labels: Labels = {}): void {
    const k = key(labels);
    let s = this.series.get(k);
    if (!s) {
      s = { buckets: new Array<number>(this.bounds.length).fill(0), sum: 0, count: 0 };
      this.series.set(k, s);
    }
    for (let i = 0; i < this.bounds.length; i++) if (value <= this.bounds[i]!) s.buckets[i]! += 1;
    s.sum += value;
    s.count += 1;
  }

  snapshot(): MetricSnapshot {
    return { type: 'histogram', name: this.name, help: this.help, bounds: this.bounds, series: [...this.series].map(([k, s]) => [k, { ...s, buckets: [...s.buckets] }]) };
  }
}

const sample = (name: string, key: string, value: number): string => `${name}${key ? `{${key}}` : ''} ${value}`;

function renderMetric(metric: MetricSnapshot): string {
  const lines = [`# HELP ${metric.name} ${metric.help}`, `# TYPE ${metric.name} ${metric.type}`];
  if (metric.type === 'histogram') {
    for (const [k, s] of metric.series) {
      const prefix = k ? `${k},` : '';
      metric.bounds.forEach((b, i) => lines.push(`${metric.name}_bucket{${prefix}le="${b}"} ${s.buckets[i]}`));
      lines.push(`${metric.name}_bucket{${prefix}le="+Inf"} ${s.count}`);
      lines.push(sample(`${metric.name}_sum`, k, s.sum));
      lines.push(sample(`${metric.name}_count`, k, s.count));
    }
  } else {
    for (const [k, v] of metric.series) lines.push(sample(metric.name, k, v));
  }
  return lines.join('\n');
}

/** The Prometheus text exposition of some metrics. */
export function renderSnapshots(metrics: readonly MetricSnapshot[]): string {
  return `${metrics.map(renderMetric).join('\n')}\n`;
}

/**
 * Several processes' metrics as one (`--workers N`): series with the same name and labels are summed
 * (counters, gauges such as cache hits and entries, histogram buckets, sums and counts).
 */
export function mergeSnapshots(processes: ReadonlyArray<readonly MetricSnapshot[]>): MetricSnapshot[] {
  const merged = new Map<string, MetricSnapshot>();
  for (const metrics of processes) {
    for (const metric of metrics) {
      const into = merged.get(metric.name);
      if (!into) {
        merged.set(metric.name, structuredClone(metric));
      } else if (into.type === 'histogram' && metric.type === 'histogram') {
        const series = new Map(into.series);
        for (const [k, s] of metric.series) {
          const total = series.get(k);
          series.set(k, total ? { buckets: total.buckets.map((b, i) => b + (s.buckets[i] ?? 0)), sum: total.sum + s.sum, count: total.count + s.count } : s);
        }
        into.series = [...series];
      } else if (into.type !== 'histogram' && metric.type !== 'histogram') {
        const series = new Map(into.series);
        for (const [k, v] of metric.series) series.set(k, (series.get(k) ?? 0) + v);
        into.series = [...series];
      }
    }
  }
  return [...merged.values()];
}

export class MetricsRegistry {
  private readonly metrics: Array<Counter | Gauge | Histogram> = [];

  counter(name: string, help: string): Counter {
    return this.add(new Counter(name, help));
  }

  gauge(name: string, help: string): Gauge {
    return this.add(new Gauge(name, help));
  }

  histogram(name: string, help: string, bounds?: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, bounds));
  }

  snapshot(): MetricSnapshot[] {
    return this.metrics.map((m) => m.snapshot());
  }

  render(): string {
    return renderSnapshots(this.snapshot());
  }

  private add<T extends Counter | Gauge | Histogram>(metric: T): T {
    this.metrics.push(metric);
    return metric;
  }
}
