import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ChangeBus, StoredEvent } from '../core/events.ts';
import type { EventFeed } from './event-feed.ts';

const CHANNEL = 'gatehouse:events';

export function connectRedis(url: string, log: Logger, name: string): Redis {
  const redis = new Redis(url, {
    connectionName: `gatehouse-${name}`,
    // Fail fast while disconnected instead of queueing: callers fail closed or fall back.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 1000),
  });
  redis.on('error', (error: Error) => log.debug({ err: error.message, name }, 'redis connection error'));
  return redis;
}

interface Envelope {
  origin: string;
  events: readonly StoredEvent[];
}

/**
 * Cluster mode: committed change events go to every process over Redis pub/sub as they happen, and a
 * process that was disconnected catches up from the store's event log (the feed) when it reconnects.
 * `healthy()` turns false once the subscription has been down longer than the staleness bound
 * (measured on the monotonic clock).
 */
export class RedisEventLink {
  private readonly origin = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  private downSince: number | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly deps: { publisher: Redis; subscriber: Redis; bus: ChangeBus; feed: EventFeed; log: Logger; stalenessBoundMs: number },
  ) {
    this.unsubscribe = deps.bus.subscribe((events, origin) => (origin === 'local' ? this.forward(events) : undefined));
    deps.subscriber.on('message', (_channel: string, message: string) => void this.receive(message));
    deps.subscriber.on('ready', () => {
      void deps.subscriber.subscribe(CHANNEL).then(() => {
        this.downSince = null;
        // Whatever was published while we were away is in the log.
        void deps.feed.poll();
      });
    });
    deps.subscriber.on('close', () => {
      this.downSince ??= performance.now();
    });
    if (deps.subscriber.status !== 'ready') this.downSince = performance.now();
  }

  /** Whether this process can vouch for having every change published within the staleness bound. */
  healthy(): boolean {
    const withinBound = (since: number | null) => since === null || performance.now() - since < this.deps.stalenessBoundMs;
    return withinBound(this.downSince) && this.deps.feed.staleness() < this.deps.stalenessBoundMs;
  }

  connected(): boolean {
    return this.downSince === null;
  }

  async close(): Promise<void> {
    this.unsubscribe();
    this.deps.subscriber.disconnect();
    this.deps.publisher.disconnect();
  }

  /** Events committed here are published; the change's call returns once Redis has taken them. */
  private async forward(events: readonly StoredEvent[]): Promise<void> {
    try {
      await this.deps.publisher.publish(CHANNEL, JSON.stringify({ origin: this.origin, events } satisfies Envelope));
    } catch (error) {
      // Other processes will read the change from the event log on their next poll.
      this.deps.log.warn({ err: (error as Error).message }, 'could not publish change events to redis');
    }
  }

  private async receive(message: string): Promise<void> {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch {
      return;
    }
    if (envelope.origin === this.origin || !Array.isArray(envelope.events)) return;
    await this.deps.feed.deliver(envelope.events);
  }
}
