import type { Logger } from 'pino';
import type { ChangeBus, StoredEvent } from '../core/events.ts';
import type { EventLog, EventMark } from '../store/ports.ts';

export interface EventFeedOptions {
  events: EventLog;
  bus: ChangeBus;
  log: Logger;
  pollIntervalMs: number;
  /** How long a gap in ids (a transaction that committed out of order) is waited for. */
  gapTimeoutMs?: number;
  batchSize?: number;
  /**
   * Names this process in the log's consumer table: its cursor is recorded every 30 s, so housekeeping
   * keeps events until every live consumer has read them (retention by the slowest consumer).
   */
  consumer?: { id: string; now: () => number };
}

const RECORD_CONSUMER_EVERY_MS = 30_000;

/**
 * Follows the store's event log so that changes made by other processes (CLI commands, other control
 * nodes) reach this process's bus. Local events arrive on the bus directly and are only marked seen.
 * Ids can commit out of order on PostgreSQL, so the cursor never moves past an unseen id until that
 * gap has been waited for.
 */
export class EventFeed {
  private cursor = 0;
  private readonly seen = new Set<number>();
  private readonly gapsSince = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | null = null;
  private again = false;
  private unsubscribe: (() => void) | undefined;
  private lastSuccessAt = 0;
  private consumerRecordedAt = Number.NEGATIVE_INFINITY;
  /** Ids above the cursor already delivered to this process's bus (local, or read and published). */
  private readonly delivered = new Set<number>();

  constructor(private readonly options: EventFeedOptions) {}

  /** Starts from a mark of the log: everything it shows as visible is already reflected by the caller. */
  start(mark: EventMark): void {
    this.cursor = mark.lowWater;
    for (const id of mark.visible) this.seen.add(id);
    this.lastSuccessAt = performance.now();
    this.unsubscribe = this.options.bus.subscribe((events, origin) => {
      for (const e of events) {
        if (e.id <= this.cursor) continue;
        this.seen.add(e.id);
        if (origin === 'local') this.delivered.add(e.id);
      }
    });
    this.timer = setInterval(() => void this.poll(), this.options.pollIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.unsubscribe?.();
  }

  /**
   * Milliseconds since the log was last read successfully (the staleness of this process), on the
   * monotonic clock: an operational measure, not domain time.
   */
  staleness(): number {
    return performance.now() - this.lastSuccessAt;
  }

  /**
   * Reads everything new now (also called when another process announces a change). A call made while
   * a read is in flight schedules one more read after it, so no announced change waits for the timer.
   */
  poll(): Promise<void> {
    if (this.polling) {
      this.again = true;
      return this.polling;
    }
    this.polling = this.readNew()
      .catch((error: unknown) => this.options.log.warn({ err: error }, 'event feed: cannot read the event log'))
      .finally(() => {
        this.polling = null;
        if (this.again) {
          this.again = false;
          void this.poll();
        }
      });
    return this.polling;
  }

  private async readNew(): Promise<void> {
    const batch = this.options.batchSize ?? 1000;
    for (let round = 0; round < 100; round++) {
      const events = await this.options.events.since(this.cursor, batch);
      this.lastSuccessAt = performance.now();
      const fresh = events.filter((e) => !this.seen.has(e.id));
      for (const e of fresh) this.seen.add(e.id);
      if (fresh.length > 0) await this.options.bus.publish(fresh, 'remote');
      for (const e of fresh) this.delivered.add(e.id);
      this.advance(events);
      if (events.length < batch) break;
    }
    await this.recordConsumer();
  }

  private async recordConsumer(): Promise<void> {
    const { consumer } = this.options;
    if (!consumer || performance.now() - this.consumerRecordedAt < RECORD_CONSUMER_EVERY_MS) return;
    this.consumerRecordedAt = performance.now();
    await this.options.events.recordConsumer(consumer.id, this.cursor, consumer.now());
  }

  /** Whether the event has reached every listener of this process's bus (so its change is in force here). */
  isDelivered(id: number): boolean {
    return id <= this.cursor || this.delivered.has(id);
  }

  /** Polls until every id is delivered, at most `attempts` reads; true when they all are. */
  async catchUp(ids: readonly number[], attempts: number): Promise<boolean> {
    for (let i = 0; i < attempts; i++) {
      if (ids.every((id) => this.isDelivered(id))) return true;
      await this.poll();
      if (ids.every((id) => this.isDelivered(id))) return true;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return false;
  }

  private advance(events: readonly StoredEvent[]): void {
    const now = performance.now();
    const highest = events.at(-1)?.id ?? this.cursor;
    for (let id = this.cursor + 1; id <= highest; id++) {
      if (this.seen.has(id)) {
        this.seen.delete(id);
        this.delivered.delete(id);
        this.gapsSince.delete(id);
        this.cursor = id;
        continue;
      }
      const since = this.gapsSince.get(id) ?? now;
      this.gapsSince.set(id, since);
      if (now - since < (this.options.gapTimeoutMs ?? 10_000)) return;
      this.gapsSince.delete(id); // a rolled-back id: it will never appear
      this.cursor = id;
    }
  }
}
