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

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [k, v] of this.values) lines.push(`${this.name}${k ? `{${k}}` : ''} ${v}`);
    return lines.join('\n');
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

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`];
    for (const [k, read] of this.values) lines.push(`${this.name}${k ? `{${k}}` : ''} ${read()}`);
    return lines.join('\n');
  }
}

export class Histogram {
  private readonly series = new Map<string, { buckets: number[]; sum: number; count: number }>();
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

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [k, s] of this.series) {
      const prefix = k ? `${k},` : '';
      this.bounds.forEach((b, i) => lines.push(`${this.name}_bucket{${prefix}le="${b}"} ${s.buckets[i]}`));
      lines.push(`${this.name}_bucket{${prefix}le="+Inf"} ${s.count}`);
      lines.push(`${this.name}_sum${k ? `{${k}}` : ''} ${s.sum}`);
      lines.push(`${this.name}_count${k ? `{${k}}` : ''} ${s.count}`);
    }
    return lines.join('\n');
  }
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

  render(): string {
    return `${this.metrics.map((m) => m.render()).join('\n')}\n`;
  }

  private add<T extends Counter | Gauge | Histogram>(metric: T): T {
    this.metrics.push(metric);
    return metric;
  }
}
