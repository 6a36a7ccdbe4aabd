import type { Logger } from 'pino';
import type { Clock } from '../core/clock.ts';
import type { Random } from '../core/random.ts';
import type { AuditEvent, AuditQuery, Paged, Store } from '../store/ports.ts';

export type AuditEntry = Omit<AuditEvent, 'id' | 'at' | 'detail'> & { detail?: Record<string, string> };

interface Deps {
  store: Store;
  clock: Clock;
  random: Random;
  log: Logger;
  /** How long an entry may wait before its batch is written; default 200 ms. */
  flushDelayMs?: number;
}

/** More than this many entries waiting are written at once. */
const MAX_BATCH = 500;

/**
 * The security audit log (issue 16 §4): who created, regenerated, revoked or reported which
 * credential, from where, when. Writes leave the request path: entries are stamped when recorded and
 * written in batches (one INSERT per batch) shortly after.
 */
export class AuditLog {
  private pending: AuditEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: Deps) {}

  record(entry: AuditEntry): void {
    this.pending.push({ ...entry, detail: entry.detail ?? {}, id: this.deps.random.uuid(), at: this.deps.clock.now() });
    if (this.pending.length >= MAX_BATCH) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.deps.flushDelayMs ?? 200);
      this.timer.unref();
    }
  }

  /** Writes what is waiting; resolves when everything recorded before the call is stored. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    this.writing = this.writing.then(async () => {
      if (batch.length === 0) return;
      try {
        await this.deps.store.audit.append(batch);
      } catch (error) {
        this.deps.log.error({ event: 'audit.write-failed', count: batch.length, err: (error as Error).name }, 'audit events could not be written');
      }
    });
    return this.writing;
  }

  async list(query: AuditQuery): Promise<Paged<AuditEvent>> {
    await this.flush();
    return this.deps.store.audit.list(query);
  }
}
