import type { Clock } from './clock.ts';
import type { ChangeBus, ChangeEvent, StoredEvent } from './events.ts';
import type { Repositories, Store } from '../store/ports.ts';

export type Emit = (event: ChangeEvent) => void;

type Work<T> = (tx: Repositories, emit: Emit) => Promise<T>;

interface Queued {
  work: Work<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * The unit of work: runs a change in one store transaction, appends the change events it emits to the
 * event log in that same transaction, and publishes them on the bus only after commit.
 */
export class Changes {
  constructor(
    private readonly store: Store,
    private readonly bus: ChangeBus,
    private readonly clock: Clock,
  ) {}

  private queue: Queued[] = [];

  async run<T>(work: Work<T>): Promise<T> {
    const { result, stored } = await this.store.transaction(async (tx) => {
      const pending: ChangeEvent[] = [];
      const result = await work(tx, (event) => pending.push(event));
      const stored: StoredEvent[] = [];
      const at = this.clock.now();
      for (const event of pending) stored.push(await tx.events.append(event, at));
      return { result, stored };
    });
    await this.bus.publish(stored, 'local');
    return result;
  }

  /**
   * Group commit: changes queued in the same turn of the event loop share one transaction, so a burst
   * of token issuance pays for one commit. Each caller still resolves only after that commit. If the
   * shared transaction fails, every change is retried alone, so one bad change cannot fail the others.
   */
  runBatched<T>(work: Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.queue.length === 0) setImmediate(() => void this.flush());
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    try {
      const results = await this.run(async (tx, emit) => {
        const out: unknown[] = [];
        for (const item of batch) out.push(await item.work(tx, emit));
        return out;
      });
      batch.forEach((item, i) => item.resolve(results[i]));
    } catch {
      for (const item of batch) await this.run(item.work).then(item.resolve, item.reject);
    }
  }
}
