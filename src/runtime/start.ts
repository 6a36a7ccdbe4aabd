import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/load.ts';
import { openStore } from '../store/open-store.ts';
import { buildControlPlane } from './control-plane.ts';
import { EventFeed } from './event-feed.ts';
import { createLogger } from './logger.ts';
import { buildServices, type ServiceOverrides, type Services, type Urls } from './services.ts';
import { resolveSystemSecrets } from './system-secret.ts';

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
  const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
  const shown = host.includes(':') ? `[${host}]` : host;
  return `${tls ? 'https' : 'http'}://${shown}:${address.port}`;
}

const HOUSEKEEPING_INTERVAL_MS = 10 * 60_000;

/** Starts one Gatehouse process: store, services, and the planes its role asks for. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const log = options.log ?? createLogger(config.logLevel);
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const store = await openStore({ url: config.store, sqliteSynchronous: config.sqliteSynchronous });
  const apps: FastifyInstance[] = [];
  const timers: NodeJS.Timeout[] = [];
  let feed: EventFeed | undefined;
  try {
    await store.migrate();
    const services = buildServices(config, log, store, resolveSystemSecrets(config, log), options.overrides);
    const snapshotId = await store.events.latestId();
    await services.keyRing.ensureLoaded();
    services.bus.subscribe((events) => {
      if (events.some((e) => e.event.type.startsWith('signing-key.'))) void services.keyRing.reload();
    });

    const tls = Boolean(config.tlsCert);
    if (config.role !== 'gateway') {
      await services.policies.seedDefaults();
      const bootstrap = await services.users.bootstrapAdmin(config.adminPassword);
      if (bootstrap.generatedPassword) {
        print(`admin password (shown once, stored hashed): ${bootstrap.generatedPassword}`);
      }
      const control = await buildControlPlane(services);
      await control.listen({ host: config.host, port: config.controlPort });
      apps.push(control);
      services.urls.control = urlOf(control, tls);
      print(`control: ${services.urls.control}`);
    } else if (config.controlUrl) {
      services.urls.control = config.controlUrl;
    }

    feed = new EventFeed({ events: store.events, bus: services.bus, clock: services.clock, log, pollIntervalMs: 1000 });
    feed.start(snapshotId);
    const housekeeping = setInterval(() => {
      void store.tokens.purgeExpired(services.clock.now()).catch((err: unknown) => log.warn({ err }, 'housekeeping failed'));
    }, HOUSEKEEPING_INTERVAL_MS);
    housekeeping.unref();
    timers.push(housekeeping);

    const started = feed;
    return {
      urls: services.urls,
      services,
      close: async () => {
        started.stop();
        for (const t of timers) clearInterval(t);
        await Promise.all(apps.map((a) => a.close()));
        await store.close();
      },
    };
  } catch (error) {
    feed?.stop();
    await Promise.all(apps.map((a) => a.close().catch(() => undefined)));
    await store.close().catch(() => undefined);
    throw error;
  }
}
