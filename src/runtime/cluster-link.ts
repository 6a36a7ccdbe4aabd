import { RedisThrottler } from '../gateway/redis-throttler.ts';
import type { Throttler } from '../gateway/throttle.ts';
import type { ReadinessCheck } from '../http/health.ts';
import type { EventFeed } from './event-feed.ts';
import { RedisEventLink, connectRedis } from './redis-link.ts';
import type { Services } from './services.ts';

/**
 * Cluster mode: Redis carries change announcements and confirmations between processes, and the shared
 * throttle counters. Its loss is reported by /health/ready but does not make a process unready:
 * gateways poll the event log instead.
 */
export function connectCluster(url: string, services: Services, feed: EventFeed, gatewayId: string | undefined) {
  const { log } = services;
  const commands = connectRedis(url, log, 'commands');
  const subscriber = connectRedis(url, log, 'events');
  const namespace = services.config.redisNamespace ?? redisNamespaceOf(services.config.store);
  const link = new RedisEventLink({ publisher: commands, subscriber, bus: services.bus, feed, log, namespace, ...(gatewayId && { gatewayId }) });
  const readiness: ReadinessCheck = { name: 'redis', optional: true, check: async () => link.connected() && (await commands.ping()) === 'PONG' };
  const throttler = (fallback: Throttler) => new RedisThrottler({ redis: commands, fallback, clock: services.clock, log });
  return { link, readiness, throttler, close: () => link.close() };
}

/** By default a cluster is named by its database (the last part of the store URL's path). */
function redisNamespaceOf(storeUrl: string): string {
  const name = storeUrl.replace(/[?#].*$/, '').split('/').pop();
  return name && name.length > 0 ? name : 'default';
}
