import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { ChangeBus, StoredEvent } from '../core/events.ts';

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

  constructor(private readonly log: Logger) {}

  adopt(worker: Worker): void {
    this.alive.add(worker);
    worker.on('message', (message: { type?: string; seq?: number }) => {
      if (message.type === READY) this.ready.add(worker);
      if (message.type === ACK && typeof message.seq === 'number') this.acknowledge(message.seq, worker);
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
