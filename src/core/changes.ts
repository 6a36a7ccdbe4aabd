import type { Clock } from './clock.ts';
import type { ChangeBus, ChangeEvent, StoredEvent } from './events.ts';
import type { Repositories, Store } from '../store/ports.ts';

export type Emit = (event: ChangeEvent) => void;

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

  async run<T>(work: (tx: Repositories, emit: Emit) => Promise<T>): Promise<T> {
    const { result, stored } = await this.store.transaction(async (tx) => {
      const pending: ChangeEvent[] = [];
      const result = await work(tx, (event) => pending.push(event));
      const stored: StoredEvent[] = [];
      const at = this.clock.now();
      for (const event of pending) stored.push(await tx.events.append(event, at));
      return { result, stored };
    });
    this.bus.publish(stored);
    return result;
  }
}
