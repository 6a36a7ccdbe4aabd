import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ChangeBus } from '../core/events.ts';
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

/**
 * Cluster mode: every committed change is announced to all processes over Redis pub/sub; each reads
 * the events themselves from the store's event log (the feed). A Redis message is only a nudge: the
 * store stays the one source of truth, so a forged or malformed message can cause a read, never a
 * change. A process that was disconnected catches up the same way when it reconnects.
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
    this.unsubscribe = deps.bus.subscribe((_events, origin) => (origin === 'local' ? this.forward() : undefined));
    deps.subscriber.on('message', (_channel: string, origin: string) => {
      if (origin !== this.origin) void deps.feed.poll();
    });
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

  /** Changes committed here are announced; the change's call returns once Redis has taken the message. */
  private async forward(): Promise<void> {
    try {
      await this.deps.publisher.publish(CHANNEL, this.origin);
    } catch (error) {
      // Other processes will read the change from the event log on their next poll.
      this.deps.log.warn({ err: (error as Error).message }, 'could not publish change events to redis');
    }
  }
}
