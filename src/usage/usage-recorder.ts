import type { Application, Subscription } from '../core/model.ts';
import type { Clock } from '../core/clock.ts';
import type { Principal } from '../gateway/authenticate.ts';
import type { Counter } from '../http/metrics.ts';
import type { UsageCount, UsageRepo } from '../store/ports.ts';
import { LATENCY_BOUNDS_MS, LATENCY_BUCKETS } from '../store/kysely/usage-schema.ts';

/** Who called through the gateway, known once authorised (gateway.ts). */
export interface GatewayCaller {
  apiId: string;
  principal: Principal;
  application: Application;
  subscription: Subscription;
}

/** One minute's counts in memory: a stored UsageCount before it is stamped with granularity and bucket. */
type Entry = Omit<UsageCount, 'granularity' | 'bucket' | 'latency'> & { minute: number; latency: number[] };

export interface UsageRecorderOptions {
  repo: UsageRepo;
  clock: Clock;
  /** Prometheus series by API and status class (bounded: APIs × 4), added at flush time. */
  requests?: Counter;
  dropped?: Counter;
  onError?: (error: unknown) => void;
  flushIntervalMs?: number;
  /** Distinct keys kept between flushes; beyond it requests are counted as dropped (bounded memory). */
  maxKeys?: number;
  /** How long per-minute and per-hour rows are kept. */
  minuteRetentionMs?: number;
  hourRetentionMs?: number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx'] as const;

function* entriesOf(minutes: Map<number, Map<string, Map<string, Array<Entry | undefined>>>>): Generator<Entry> {
  for (const credentials of minutes.values()) for (const apis of credentials.values()) for (const classes of apis.values()) for (const e of classes) if (e) yield e;
}

function latencyIndex(ms: number): number {
  for (let i = 0; i < LATENCY_BOUNDS_MS.length; i += 1) if (ms <= LATENCY_BOUNDS_MS[i]!) return i;
  return LATENCY_BOUNDS_MS.length;
}

/**
 * Usage counting on the gateway (issue 15 §5). The request path only adds to an in-memory aggregate
 * per (minute, application, key type, credential, API, status class) with a fixed-bucket latency
 * histogram; a timer flushes it off the request path, per minute and per hour, in one upsert that adds
 * to what other gateways wrote. Housekeeping (retention) runs from the same timer, hourly.
 */
export class UsageRecorder {
  /** minute → credential → API → entries by status class (2xx…5xx): lookups by strings the request already holds, no key building. */
  private minutes = new Map<number, Map<string, Map<string, Array<Entry | undefined>>>>();
  private size = 0;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private lastPrune = 0;
  private readonly maxKeys: number;

  constructor(private readonly options: UsageRecorderOptions) {
    this.maxKeys = options.maxKeys ?? 50_000;
  }

  /** On the request path: three map lookups and a few additions. */
  record(caller: GatewayCaller, status: number, latencyMs: number): void {
    const now = this.options.clock.now();
    const minute = now - (now % MINUTE_MS);
    const { principal } = caller;
    const credentialId = principal.apiKey ? principal.apiKey.id : (principal.consumerKey ?? principal.tokenId);
    let credentials = this.minutes.get(minute);
    if (!credentials) this.minutes.set(minute, (credentials = new Map()));
    let apis = credentials.get(credentialId);
    if (!apis) credentials.set(credentialId, (apis = new Map()));
    let classes = apis.get(caller.apiId);
    if (!classes) apis.set(caller.apiId, (classes = [undefined, undefined, undefined, undefined]));
    const cls = status >= 500 ? 3 : status >= 400 ? 2 : status >= 300 ? 1 : 0;
    let entry = classes[cls];
    if (!entry) {
      if (this.size >= this.maxKeys) {
        this.options.dropped?.inc();
        return;
      }
      this.size += 1;
      entry = { minute, applicationId: caller.application.id, keyType: principal.keyType, credentialId, apiId: caller.apiId, statusClass: STATUS_CLASSES[cls]!, requests: 0, throttled: 0, latencySumMs: 0, latency: new Array<number>(LATENCY_BUCKETS).fill(0) };
      classes[cls] = entry;
    }
    entry.requests += 1;
    if (status === 429) entry.throttled += 1;
    entry.latencySumMs += latencyMs;
    entry.latency[latencyIndex(latencyMs)]! += 1;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs ?? 10_000);
    this.timer.unref();
  }

  /** Stops the timer and writes what is left. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  /** Writes the aggregate so far; flushes never overlap. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  private async write(): Promise<void> {
    const batch = this.minutes;
    if (this.size > 0) {
      this.minutes = new Map();
      this.size = 0;
      const entries = [...entriesOf(batch)];
      try {
        await this.options.repo.add(countsOf(entries));
        for (const e of entries) this.options.requests?.inc({ api: e.apiId, status_class: e.statusClass }, e.requests);
      } catch (error) {
        // Counts are best effort: a store outage loses this batch, never slows the request path.
        this.options.dropped?.inc({}, entries.reduce((n, e) => n + e.requests, 0));
        this.options.onError?.(error);
      }
    }
    await this.prune();
  }

  private async prune(): Promise<void> {
    const now = this.options.clock.now();
    if (now - this.lastPrune < HOUR_MS) return;
    this.lastPrune = now;
    try {
      await this.options.repo.prune('minute', now - (this.options.minuteRetentionMs ?? 2 * DAY_MS));
      await this.options.repo.prune('hour', now - (this.options.hourRetentionMs ?? 35 * DAY_MS));
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}

/** Each minute entry also adds to its hour: both in the same statement. */
function countsOf(entries: Iterable<Entry>): UsageCount[] {
  const counts: UsageCount[] = [];
  const hours = new Map<string, UsageCount>();
  for (const e of entries) {
    const base = { applicationId: e.applicationId, keyType: e.keyType, credentialId: e.credentialId, apiId: e.apiId, statusClass: e.statusClass };
    counts.push({ granularity: 'minute', bucket: e.minute, ...base, requests: e.requests, throttled: e.throttled, latencySumMs: e.latencySumMs, latency: e.latency });
    const hour = e.minute - (e.minute % HOUR_MS);
    const key = `${hour}|${e.applicationId}|${e.keyType}|${e.credentialId}|${e.apiId}|${e.statusClass}`;
    const h = hours.get(key);
    if (!h) hours.set(key, { granularity: 'hour', bucket: hour, ...base, requests: e.requests, throttled: e.throttled, latencySumMs: e.latencySumMs, latency: [...e.latency] });
    else {
      h.requests += e.requests;
      h.throttled += e.throttled;
      h.latencySumMs += e.latencySumMs;
      h.latency = h.latency.map((n, i) => n + e.latency[i]!);
    }
  }
  return [...counts, ...hours.values()];
}
