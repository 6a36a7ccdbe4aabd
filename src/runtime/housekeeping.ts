import type { Logger } from 'pino';
import type { Clock } from '../core/clock.ts';
import type { Store } from '../store/ports.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** What housekeeping keeps and how often it runs (README "Housekeeping and retention"). */
export interface HousekeepingSettings {
  /** How often a control process runs it. */
  intervalMs: number;
  /** Revoked opaque tokens stay this long after revocation, for introspection and audit. */
  revokedGraceMs: number;
  /** Change events older than this go whatever the consumers say: the hard cap. */
  eventMaxAgeMs: number;
  /** Change events younger than this always stay. */
  eventMinAgeMs: number;
  /** A change-log consumer not seen for this long no longer holds events back (it must restart from a snapshot). */
  consumerStaleMs: number;
}

export const DEFAULT_HOUSEKEEPING: Readonly<HousekeepingSettings> = Object.freeze({
  intervalMs: 10 * MINUTE,
  revokedGraceMs: HOUR,
  eventMaxAgeMs: 7 * DAY,
  eventMinAgeMs: HOUR,
  consumerStaleMs: DAY,
});

export interface HousekeepingDeps {
  store: Store;
  clock: Clock;
  log: Logger;
}

/**
 * One round: the token purge, then the event-log purge, each in bounded batches and each on its own
 * (a failure of one does not skip the other). Counts go to the log at debug, failures at warn.
 */
export async function runHousekeeping(deps: HousekeepingDeps, settings: HousekeepingSettings = DEFAULT_HOUSEKEEPING): Promise<void> {
  const { store, clock, log } = deps;
  const now = clock.now();
  try {
    const tokens = await store.tokens.purgeExpired(now, { revokedGraceMs: settings.revokedGraceMs });
    log.debug({ rows: tokens }, 'housekeeping: expired and revoked credentials purged');
  } catch (err) {
    log.warn({ err }, 'housekeeping: credential purge failed');
  }
  try {
    const events = await store.events.purge({
      now,
      maxAgeMs: settings.eventMaxAgeMs,
      minAgeMs: settings.eventMinAgeMs,
      consumerStaleMs: settings.consumerStaleMs,
    });
    log.debug({ rows: events }, 'housekeeping: change events purged');
  } catch (err) {
    log.warn({ err }, 'housekeeping: change-event purge failed');
  }
}

/** Runs housekeeping every `intervalMs` off the request path; a round still running makes the next one skip. */
export function startHousekeeping(deps: HousekeepingDeps, overrides: Partial<HousekeepingSettings> = {}): { stop(): void } {
  const settings = { ...DEFAULT_HOUSEKEEPING, ...overrides };
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void runHousekeeping(deps, settings).finally(() => {
      running = false;
    });
  }, settings.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
