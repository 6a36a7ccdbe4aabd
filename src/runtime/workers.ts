import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { ChangeBus, StoredEvent } from '../core/events.ts';
import { mergeSnapshots, renderSnapshots, type MetricSnapshot, type MetricsRegistry } from '../http/metrics.ts';

/**
 * `--workers N`: the primary process runs the control plane (role `all`) and forks N gateway workers
 * that share the gateway port. Change events reach the workers over IPC, and a change's HTTP call
 * returns only after every ready worker acknowledged them, so a revoked token is refused on the next
 * request whichever worker takes it.
 */
const EVENTS = 'gatehouse:events';
const ACK = 'gatehouse:ack';
const READY = 'gatehouse:ready';
const ACK_TIMEOUT_MS = 2000;
/** A worker asks the primary for every worker's metrics; the primary collects them and answers. */
const METRICS_REQUEST = 'gatehouse:metrics-request';
const METRICS_COLLECT = 'gatehouse:metrics-collect';
const METRICS_REPLY = 'gatehouse:metrics-reply';
const METRICS_RESULT = 'gatehouse:metrics-result';
const METRICS_TIMEOUT_MS = 1000;

interface MetricsMessage {
  type: typeof METRICS_REQUEST | typeof METRICS_COLLECT | typeof METRICS_REPLY | typeof METRICS_RESULT;
  id: number;
  /** A reply: this worker's metrics. */
  metrics?: MetricSnapshot[];
  /** A result: every worker's metrics, one list per worker. */
  workers?: MetricSnapshot[][];
}

interface EventsMessage {
  type: typeof EVENTS;
  seq: number;
  events: readonly StoredEvent[];
}

interface AckMessage {
  type: typeof ACK;
  seq: number;
}

export class WorkerRelay {
  private seq = 0;
  private readonly alive = new Set<Worker>();
  private readonly ready = new Set<Worker>();
  private readonly waiting = new Map<number, { pending: Set<Worker>; done: () => void }>();
  private collections = 0;
  private readonly collecting = new Map<number, (worker: Worker, metrics: MetricSnapshot[]) => void>();

  constructor(private readonly log: Logger) {}

  adopt(worker: Worker): void {
    this.alive.add(worker);
    worker.on('message', (message: { type?: string; seq?: number; id?: number; metrics?: MetricSnapshot[] }) => {
      if (message.type === READY) this.ready.add(worker);
      if (message.type === ACK && typeof message.seq === 'number') this.acknowledge(message.seq, worker);
      if (message.type === METRICS_REQUEST && typeof message.id === 'number') void this.answerMetrics(worker, message.id);
      if (message.type === METRICS_REPLY && typeof message.id === 'number') this.collecting.get(message.id)?.(worker, message.metrics ?? []);
    });
    worker.on('exit', () => {
      this.alive.delete(worker);
      this.ready.delete(worker);
      for (const seq of [...this.waiting.keys()]) this.acknowledge(seq, worker);
    });
  }

  /**
   * A bus listener: forwards events to every worker (one still loading buffers them) and resolves once
   * every worker that is serving acknowledged them.
   */
  readonly listener = (events: readonly StoredEvent[]): Promise<void> => {
    const seq = ++this.seq;
    const message: EventsMessage = { type: EVENTS, seq, events };
    for (const worker of this.alive) if (worker.isConnected()) worker.send(message);
    const pending = new Set(this.ready);
    if (pending.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.log.warn({ seq, missing: pending.size }, 'gateway workers did not acknowledge change events in time');
        this.waiting.delete(seq);
        resolve();
      }, ACK_TIMEOUT_MS);
      this.waiting.set(seq, {
        pending,
        done: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  };

  /** Collects every serving worker's metrics (those that answer within the timeout) for the one that asked. */
  private async answerMetrics(requester: Worker, id: number): Promise<void> {
    const collection = ++this.collections;
    const pending = new Set([...this.ready].filter((w) => w.isConnected()));
    const collected: MetricSnapshot[][] = [];
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, METRICS_TIMEOUT_MS);
      this.collecting.set(collection, (worker, metrics) => {
        if (!pending.delete(worker)) return;
        collected.push(metrics);
        if (pending.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
      for (const worker of pending) worker.send({ type: METRICS_COLLECT, id: collection } satisfies MetricsMessage);
      if (pending.size === 0) resolve();
    });
    this.collecting.delete(collection);
    if (requester.isConnected()) requester.send({ type: METRICS_RESULT, id, workers: collected } satisfies MetricsMessage);
  }

  private acknowledge(seq: number, worker: Worker): void {
    const entry = this.waiting.get(seq);
    if (!entry) return;
    entry.pending.delete(worker);
    if (entry.pending.size === 0) {
      this.waiting.delete(seq);
      entry.done();
    }
  }
}

/** Worker side: applies relayed events to this process's bus and acknowledges them. */
export function receiveRelayedEvents(bus: ChangeBus): void {
  process.on('message', (message: Partial<EventsMessage>) => {
    if (message.type !== EVENTS || !message.events) return;
    void bus.publish(message.events, 'remote').finally(() => process.send?.({ type: ACK, seq: message.seq ?? 0 } satisfies AckMessage));
  });
}

/**
 * Worker side of `/metrics`: answers the primary's collection requests with this worker's metrics, and
 * returns the renderer for this worker's `/metrics`, which shows every worker's metrics summed (a scrape
 * lands on any one worker). If the primary does not answer in time, this worker's own are shown.
 */
export function workerMetrics(registry: MetricsRegistry): () => Promise<string> {
  let requests = 0;
  const results = new Map<number, (metrics: MetricSnapshot[][]) => void>();
  process.on('message', (message: Partial<MetricsMessage>) => {
    if (message.type === METRICS_COLLECT) process.send?.({ type: METRICS_REPLY, id: message.id ?? 0, metrics: registry.snapshot() } satisfies MetricsMessage);
    if (message.type === METRICS_RESULT) results.get(message.id ?? 0)?.(message.workers ?? []);
  });
  return async () => {
    const id = ++requests;
    const all = await new Promise<MetricSnapshot[][] | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), METRICS_TIMEOUT_MS * 2);
      results.set(id, (metrics) => {
        clearTimeout(timer);
        resolve(metrics);
      });
      process.send?.({ type: METRICS_REQUEST, id } satisfies MetricsMessage);
    });
    results.delete(id);
    return all && all.length > 0 ? renderSnapshots(mergeSnapshots(all)) : registry.render();
  };
}

export function announceReady(): void {
  process.send?.({ type: READY });
}

export function forkGatewayWorkers(count: number, relay: WorkerRelay, log: Logger): { listening: Promise<string>; stop: () => Promise<void> } {
  let stopping = false;
  const workers = new Set<Worker>();
  let announce: (address: string) => void = () => undefined;
  const listening = new Promise<string>((resolve) => (announce = resolve));
  const fork = () => {
    const worker = cluster.fork({ GATEHOUSE_GATEWAY_WORKER: '1' });
    workers.add(worker);
    relay.adopt(worker);
    worker.on('listening', (address) => announce(`${address.addressType === 6 ? `[${address.address}]` : address.address}:${address.port}`));
    worker.on('exit', (code) => {
      workers.delete(worker);
      if (stopping) return;
      log.error({ code }, 'gateway worker exited; starting another');
      fork();
    });
  };
  for (let i = 0; i < count; i++) fork();
  return {
    listening,
    stop: async () => {
      stopping = true;
      await Promise.all(
        [...workers].map(
          (w) =>
            new Promise<void>((resolve) => {
              w.once('exit', () => resolve());
              w.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
