import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/load.ts';
import { MemoryThrottler, type Throttler } from '../gateway/throttle.ts';
import type { ReadinessCheck } from '../http/health.ts';
import { GatewayState } from '../gateway/state.ts';
import type { EventMark, Store } from '../store/ports.ts';
import { openStore } from '../store/open-store.ts';
import { EventFeed } from './event-feed.ts';
import { buildGatewayPlane, type GatewayPlane } from './gateway-plane.ts';
import { startHousekeeping } from './housekeeping.ts';
import { createLogger } from './logger.ts';
import type { HashingRecord } from './credential-hashing.ts';
import { buildServices, type ServiceOverrides, type Services, type Urls } from './services.ts';
import { SnapshotWriter, readSnapshot, snapshotPath } from './snapshot-file.ts';
import { resolveSystemSecrets } from './system-secret.ts';
import { WorkerRelay, announceReady, forkGatewayWorkers, receiveRelayedEvents, workerMetrics } from './workers.ts';

export interface RunningServer {
  urls: Urls;
  services: Services;
  close(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  overrides?: ServiceOverrides;
  /** Where the one-time lines (URLs, a generated admin password) go; stdout by default. */
  print?: (line: string) => void;
}

function urlOf(app: FastifyInstance, tls: boolean): string {
  const address = app.server.address() as AddressInfo;
  return urlFor(`${address.address}:${address.port}`, tls);
}

function urlFor(hostPort: string, tls: boolean): string {
  const shown = hostPort.replace(/^(0\.0\.0\.0|\[?::\]?):/, '127.0.0.1:');
  return `${tls ? 'https' : 'http'}://${shown}`;
}

/**
 * Which planes this process runs. One process: what the role asks for. With `--workers N` the primary
 * keeps the control plane and N forked workers run the gateway on a shared port.
 */
function layout(config: Config) {
  const clustered = config.workers > 1 && config.role !== 'control';
  if (clustered && cluster.isWorker) return { control: false, gateway: true, workers: 0, worker: true };
  if (clustered) return { control: config.role === 'all', gateway: false, workers: config.workers, worker: false };
  return { control: config.role !== 'gateway', gateway: config.role !== 'control', workers: 0, worker: false };
}

/**
 * The store's event-log mark to follow from, and, for a gateway-only process that cannot reach the
 * store, the last-known-good snapshot to start from instead (issue 11 §5).
 */
async function startingPoint(store: Store, config: Config, plan: ReturnType<typeof layout>, log: Logger): Promise<{ mark: EventMark; restored?: GatewayState; hashing?: HashingRecord }> {
  try {
    if (!plan.worker) await store.migrate();
    return { mark: await store.events.mark() };
  } catch (error) {
    const path = plan.control ? null : snapshotPath(config);
    const snapshot = path ? await readSnapshot(path) : null;
    if (!snapshot) throw error;
    log.warn({ err: (error as Error).message, takenAt: new Date(snapshot.takenAt).toISOString() }, 'store unreachable: starting from the last-known-good snapshot');
    const restored = new GatewayState();
    restored.restore(snapshot);
    return { mark: snapshot.mark, restored, hashing: snapshot.hashing };
  }
}

/** Starts one Gatehouse process: store, services, and the planes its role asks for. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const log = options.log ?? createLogger(config.logLevel);
  const plan = layout(config);
  const print = plan.worker ? () => undefined : (options.print ?? ((line: string) => process.stdout.write(`${line}\n`)));
  const store = await openStore({ url: config.store, sqliteSynchronous: config.sqliteSynchronous });
  const closers: Array<() => Promise<void> | void> = [];
  const close = async () => {
    for (const c of closers.reverse()) await c();
    await store.close();
  };
  try {
    const start = await startingPoint(store, config, plan, log);
    const services = await buildServices(config, log, store, resolveSystemSecrets(config, log), { ...options.overrides, ...(start.hashing && { hashing: start.hashing }) });
    // The feed follows the log from this mark and sees every local event from here on (the first
    // signing key included), so it never replays one of this process's own changes as remote.
    const processId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    const feed = new EventFeed({ events: store.events, bus: services.bus, log, pollIntervalMs: 1000, consumer: { id: processId, now: () => services.clock.now() } });
    feed.start(start.mark);
    closers.push(() => feed.stop());
    // The Key Manager signs with the key ring; gateways verify with the replicated signing keys. On a
    // first start the key pair is generated on the thread pool while the rest starts; the control port
    // opens once it is there.
    const keysLoaded = plan.control ? services.keyRing.ensureLoaded() : Promise.resolve();
    keysLoaded.catch(() => undefined); // awaited below; a failure must not count as unhandled meanwhile
    // The gateway plane waits for its own key ring when it is built (and retries while the store is down).
    if (plan.gateway) services.backendKeyRing.ensureLoaded().catch(() => undefined);
    services.bus.subscribe((events) => {
      if (plan.control && events.some((e) => e.event.type.startsWith('signing-key.'))) {
        services.keyRing.reload().catch((err: unknown) => log.warn({ err }, 'could not reload signing keys'));
      }
    });
    if (plan.worker) receiveRelayedEvents(services.bus);
    const tls = Boolean(config.tlsCert);
    const runsGateway = plan.gateway || plan.workers > 0;
    const gatewayId = runsGateway && !plan.worker ? processId : undefined;
    // Workers connect too (shared throttle counters, nudges to read the log); the primary confirms for them.
    // Loaded only in cluster mode: an embedded SQLite start does not pay for the Redis client.
    const redis = config.redisUrl ? (await import('./cluster-link.ts')).connectCluster(config.redisUrl, services, feed, gatewayId) : null;
    if (redis) closers.push(() => redis.close());
    const readiness: ReadinessCheck[] = redis ? [redis.readiness] : [];
    // Fresh = this process has read the event log within the staleness bound, and has not been told of a
    // change it could not read within the confirmation bound; otherwise it fails closed (K05).
    const fresh = () => feed.staleness() < config.stalenessBoundMs && !(redis?.link.behind() ?? false);

    // Both planes are built before either port opens, so the CPU work overlaps the key pairs a first
    // start generates on the thread pool (the Key Manager's signing key, the gateway's backend-JWT key).
    let control: FastifyInstance | undefined;
    if (plan.control) {
      await services.policies.seedDefaults();
      const bootstrap = await services.users.bootstrapAdmin(config.adminPassword);
      if (bootstrap.generatedPassword) print(`admin password (shown once, stored hashed): ${bootstrap.generatedPassword}`);
      // Loaded only where it runs: gateway-only processes stay small (less code to compile, less heap to mark).
      const { buildControlPlane } = await import('./control-plane.ts');
      const built = await buildControlPlane(services, readiness);
      closers.push(() => built.close());
      control = built;
    }

    let gateway: GatewayPlane | undefined;
    if (plan.gateway) {
      const local = new MemoryThrottler(services.clock, plan.worker ? config.workers : 1);
      const throttler: Throttler = redis ? redis.throttler(local) : local;
      const path = snapshotPath(config);
      let state: GatewayState | undefined;
      const snapshots = path ? new SnapshotWriter({ path, state: () => state!, hashing: services.hashing, log, now: () => services.clock.now() }) : null;
      const built = await buildGatewayPlane(services, {
        throttler,
        fresh,
        readiness,
        ...(start.restored && { restored: start.restored }),
        ...(snapshots && { onStateChanged: () => snapshots.changed() }),
        ...(plan.worker && { renderMetrics: workerMetrics(services.metrics) }),
      });
      state = built.state;
      if (snapshots && !start.restored) await snapshots.write();
      closers.push(() => built.close());
      if (snapshots) closers.push(() => snapshots.stop());
      gateway = built;
    }

    if (control) {
      await keysLoaded;
      await control.listen({ host: config.host, port: config.controlPort });
      services.urls.control = urlOf(control, tls);
      print(`control: ${services.urls.control}`);
    } else if (config.controlUrl) {
      services.urls.control = config.controlUrl;
    }

    if (gateway) {
      // Ready (state loaded, applying relayed events) before the first request can arrive.
      if (plan.worker) announceReady();
      await gateway.app.listen({ host: config.host, port: config.gatewayPort });
      services.urls.gateway = config.gatewayUrl ?? urlOf(gateway.app, tls);
      print(`gateway: ${urlOf(gateway.app, tls)}`);
    }

    if (plan.workers > 0) {
      const relay = new WorkerRelay(log);
      services.bus.subscribe(relay.listener);
      const workers = forkGatewayWorkers(plan.workers, relay, log);
      closers.push(() => workers.stop());
      const address = await workers.listening;
      services.urls.gateway = config.gatewayUrl ?? urlFor(address, tls);
      print(`gateway: ${urlFor(address, tls)}`);
    }

    if (plan.control) {
      const housekeeping = startHousekeeping({ store, clock: services.clock, log });
      closers.push(() => housekeeping.stop());
    }
    return { urls: services.urls, services, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}
