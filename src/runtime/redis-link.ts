import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ChangeBus, StoredEvent } from '../core/events.ts';
import type { EventFeed } from './event-feed.ts';
import { propagationReceipts } from './propagation.ts';

/** How often a gateway says it is alive, and how long after its last word it counts as gone. */
const HEARTBEAT_MS = 1000;
const MEMBER_TTL_MS = 3 * HEARTBEAT_MS;
/** While the subscription is down, the log is polled this often instead (the Redis-down staleness). */
export const FALLBACK_POLL_MS = 250;
/** A nudge whose events cannot be read for this long is given up (logged); the feed keeps polling. */
const GIVE_UP_MS = 5 * 60_000;

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

/** Changes that must be in force at every gateway before the call that made them returns. */
const needsConfirmation = (events: readonly StoredEvent[]): boolean => events.some((e) => e.event.type !== 'token.issued');

interface Nudge {
  /** The announcing process. */
  o: string;
  ids: number[];
  /** Whether gateways confirm it. */
  c: boolean;
}

interface Ack {
  g: string;
  o: string;
  ids: number[];
}

interface Waiter {
  ids: number[];
  waitingFor: Set<string>;
  done: () => void;
}

export interface RedisEventLinkOptions {
  publisher: Redis;
  subscriber: Redis;
  bus: ChangeBus;
  feed: EventFeed;
  log: Logger;
  /** Set in processes that run a gateway: they register as members and confirm changes. */
  gatewayId?: string;
  /** How long a change waits for the gateways' confirmations. */
  confirmTimeoutMs?: number;
  /** Names this cluster's channels and keys, so clusters sharing one Redis never hear each other. */
  namespace: string;
}

/**
 * Cluster mode over Redis. Every committed change is announced to all processes over pub/sub; each
 * reads the events themselves from the store's event log (the feed). A Redis message is only a
 * nudge: the store stays the one source of truth, so a forged or malformed message can cause a read,
 * never a change.
 *
 * Confirmed propagation (issue 11 §4): gateways register in a Redis hash with a heartbeat; after a
 * gateway has applied an announced change it publishes an acknowledgement. The process that made the
 * change waits until every live gateway confirmed, or `confirmTimeoutMs` (1 s), and records the ones
 * that did not in the request's receipt. A gateway that was nudged but cannot read the change within
 * the bound reports itself `behind()` and refuses credentials until it caught up.
 *
 * Redis down: the feed polls the log every 250 ms instead of waiting for nudges, so gateways keep
 * serving with a staleness of a poll interval; nothing fails closed because of Redis alone.
 */
export class RedisEventLink {
  private readonly origin = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  private downSince: number | null = null;
  private readonly unsubscribe: () => void;
  private fallbackPoll: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly waiters = new Set<Waiter>();
  /** Nudges this gateway has not confirmed yet, by when they arrived. */
  private readonly unconfirmedSince = new Map<string, number>();
  private members: { at: number; ids: string[] } | null = null;
  private closed = false;

  private readonly channel: string;
  private readonly acks: string;
  private readonly membersKey: string;

  constructor(private readonly deps: RedisEventLinkOptions) {
    this.channel = `gatehouse:${deps.namespace}:events`;
    this.acks = `gatehouse:${deps.namespace}:acks`;
    this.membersKey = `gatehouse:${deps.namespace}:gateways`;
    this.unsubscribe = deps.bus.subscribe((events, origin) => (origin === 'local' ? this.forward(events) : undefined));
    deps.subscriber.on('message', (channel: string, message: string) => {
      const parsed = parseJson(message);
      if (channel === this.channel) void this.onNudge(parsed as Nudge | null);
      else if (channel === this.acks) this.onAck(parsed as Ack | null);
    });
    deps.subscriber.on('ready', () => {
      void deps.subscriber.subscribe(this.channel, this.acks).then(() => {
        this.downSince = null;
        clearInterval(this.fallbackPoll);
        this.fallbackPoll = undefined;
        // Whatever was published while we were away is in the log.
        void deps.feed.poll();
      });
    });
    deps.subscriber.on('close', () => this.markDown());
    if (deps.subscriber.status !== 'ready') this.markDown();
    if (deps.gatewayId) {
      this.heartbeat = setInterval(() => void this.beat(), HEARTBEAT_MS);
      this.heartbeat.unref();
      void this.beat();
    }
  }

  connected(): boolean {
    return this.downSince === null;
  }

  /**
   * True while a change this gateway was told about has not reached it for longer than the confirmation
   * bound: it cannot vouch for its state and must refuse credentials until it has caught up.
   */
  behind(): boolean {
    const now = performance.now();
    for (const since of this.unconfirmedSince.values()) if (now - since > this.confirmTimeout()) return true;
    return false;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    clearInterval(this.fallbackPoll);
    clearInterval(this.heartbeat);
    for (const waiter of this.waiters) waiter.done();
    if (this.deps.gatewayId) await this.deps.publisher.hdel(this.membersKey, this.deps.gatewayId).catch(() => undefined);
    this.deps.subscriber.disconnect();
    this.deps.publisher.disconnect();
  }

  private markDown(): void {
    this.downSince ??= performance.now();
    this.fallbackPoll ??= setInterval(() => void this.deps.feed.poll(), FALLBACK_POLL_MS);
    this.fallbackPoll.unref();
  }

  private confirmTimeout(): number {
    return this.deps.confirmTimeoutMs ?? 1000;
  }

  private async beat(): Promise<void> {
    await this.deps.publisher.hset(this.membersKey, this.deps.gatewayId!, String(Date.now())).catch(() => undefined);
  }

  /** Live gateways other than this process (read at most twice a second; stale members are removed). */
  private async liveGateways(): Promise<string[]> {
    const now = Date.now();
    if (this.members && now - this.members.at < 500) return this.members.ids;
    const all = await this.deps.publisher.hgetall(this.membersKey);
    const ids: string[] = [];
    for (const [id, at] of Object.entries(all)) {
      if (now - Number(at) < MEMBER_TTL_MS) {
        if (id !== this.deps.gatewayId) ids.push(id);
      } else if (now - Number(at) > 10 * MEMBER_TTL_MS) {
        void this.deps.publisher.hdel(this.membersKey, id).catch(() => undefined);
      }
    }
    this.members = { at: now, ids };
    return ids;
  }

  /** Announces changes committed here; changes that restrict access wait for the gateways' confirmations. */
  private async forward(events: readonly StoredEvent[]): Promise<void> {
    const ids = events.map((e) => e.id);
    const confirm = needsConfirmation(events);
    const receipt = propagationReceipts.getStore();
    let gateways: string[] = [];
    try {
      if (confirm) gateways = await this.liveGateways();
      if (receipt && gateways.length > 0) receipt.awaited = true;
      const waited = gateways.length > 0 ? this.waitFor(ids, gateways) : null;
      await this.deps.publisher.publish(this.channel, JSON.stringify({ o: this.origin, ids, c: confirm } satisfies Nudge));
      const unconfirmed = waited ? await waited : [];
      if (receipt) for (const id of unconfirmed) receipt.unconfirmed.add(id);
      if (unconfirmed.length > 0) this.deps.log.warn({ gateways: unconfirmed }, 'gateways did not confirm a change in time');
    } catch (error) {
      // Other processes read the change from the event log on their next poll.
      if (receipt && confirm) receipt.unknown = true;
      this.deps.log.warn({ err: (error as Error).message }, 'could not publish change events to redis');
    }
  }

  /** Resolves with the gateways that had not confirmed every id when the bound ran out (empty: all did). */
  private waitFor(ids: number[], gateways: string[]): Promise<string[]> {
    return new Promise((resolve) => {
      const waiter: Waiter = { ids, waitingFor: new Set(gateways), done: () => finish() };
      const timer = setTimeout(() => finish(), this.confirmTimeout());
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve([...waiter.waitingFor]);
      };
      waiter.done = finish;
      this.waiters.add(waiter);
    });
  }

  private onAck(ack: Ack | null): void {
    if (!ack || ack.o !== this.origin || !Array.isArray(ack.ids)) return;
    const acked = new Set(ack.ids);
    for (const waiter of this.waiters) {
      if (!waiter.waitingFor.has(ack.g) || !waiter.ids.every((id) => acked.has(id))) continue;
      waiter.waitingFor.delete(ack.g);
      if (waiter.waitingFor.size === 0) waiter.done();
    }
  }

  private async onNudge(nudge: Nudge | null): Promise<void> {
    if (!nudge || nudge.o === this.origin || !Array.isArray(nudge.ids) || !nudge.ids.every(Number.isSafeInteger)) {
      void this.deps.feed.poll();
      return;
    }
    const { gatewayId } = this.deps;
    if (!gatewayId || !nudge.c) {
      void this.deps.feed.poll();
      return;
    }
    const key = `${nudge.o}|${nudge.ids.join(',')}`;
    const since = performance.now();
    this.unconfirmedSince.set(key, since);
    // Keep reading until the change is here; a gateway that cannot is `behind()` after the bound. The
    // announced ids were committed, so they do appear once the store answers.
    while (!this.closed && performance.now() - since < GIVE_UP_MS) {
      if (await this.deps.feed.catchUp(nudge.ids, 5)) {
        this.unconfirmedSince.delete(key);
        const ack: Ack = { g: gatewayId, o: nudge.o, ids: nudge.ids };
        await this.deps.publisher.publish(this.acks, JSON.stringify(ack)).catch(() => undefined);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    this.unconfirmedSince.delete(key);
    if (!this.closed) this.deps.log.error({ ids: nudge.ids }, 'announced change events never appeared in the event log');
  }
}

function parseJson(message: string): unknown {
  try {
    return JSON.parse(message);
  } catch {
    return null;
  }
}
