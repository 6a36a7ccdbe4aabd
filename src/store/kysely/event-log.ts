import type { Kysely } from 'kysely';
import type { ChangeEvent, StoredEvent } from '../../core/events.ts';
import type { EventLog, EventMark, EventPurgeOptions, PurgeLimits } from '../ports.ts';
import { deleteInBatches } from './batched-delete.ts';
import { insertRow, type Precompiled } from './precompiled.ts';
import type { Database } from './schema.ts';

const MARK_WINDOW = 10_000;
const ROLLED_BACK_AFTER_MS = 60_000;

export class KyselyEventLog implements EventLog {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly precompiled: Precompiled,
  ) {}

  async append(event: ChangeEvent, at: number): Promise<StoredEvent> {
    const { rows } = await insertRow(this.precompiled, this.db, 'change_events', { type: event.type, payload: JSON.stringify(event), created_at: at }, 'id');
    return { id: Number(rows[0]!.id), at, event };
  }

  async since(afterId: number, limit: number): Promise<StoredEvent[]> {
    const rows = await this.db
      .selectFrom('change_events')
      .selectAll()
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: Number(r.id), at: r.created_at, event: JSON.parse(r.payload) as ChangeEvent }));
  }

  async mark(): Promise<EventMark> {
    // Recent ids only: a transaction still in flight allocated its id among the last few thousand.
    const rows = await this.db
      .selectFrom('change_events')
      .select(['id', 'created_at'])
      .where('id', '>', (eb) => eb.selectFrom('change_events').select((e) => e(e.fn.coalesce(e.fn.max('id'), e.lit(0)), '-', e.lit(MARK_WINDOW)).as('start')))
      .orderBy('id')
      .execute();
    if (rows.length === 0) return { lowWater: await this.latestId(), visible: [] };
    const newest = Math.max(...rows.map((r) => r.created_at));
    let lowWater = Math.max(0, Number(rows.at(-1)!.id) - MARK_WINDOW);
    for (const row of rows) {
      const id = Number(row.id);
      // A gap followed by an event older than the grace period is a rolled-back id, never to appear.
      if (id !== lowWater + 1 && row.created_at > newest - ROLLED_BACK_AFTER_MS) break;
      lowWater = id;
    }
    return { lowWater, visible: rows.map((r) => Number(r.id)).filter((id) => id > lowWater) };
  }

  async recordConsumer(id: string, cursor: number, now: number): Promise<void> {
    await this.db
      .insertInto('event_consumers')
      .values({ id, cursor, seen_at: now })
      .onConflict((oc) => oc.column('id').doUpdateSet({ cursor, seen_at: now }))
      .execute();
  }

  /**
   * Retention by age and by the slowest live consumer. The consumer rule applies only while at least
   * one consumer is live: with none recorded, nothing is known about who still reads, so only the
   * hard cap (`maxAgeMs`) deletes.
   */
  async purge(options: EventPurgeOptions): Promise<number> {
    const { now } = options;
    const live = await this.db
      .selectFrom('event_consumers')
      .select((eb) => [eb.fn.min('cursor').as('low'), eb.fn.countAll().as('n')])
      .where('seen_at', '>=', now - options.consumerStaleMs)
      .executeTakeFirstOrThrow();
    let deleted = await this.deleteEvents(options, now - options.maxAgeMs, null);
    if (Number(live.n) > 0) deleted += await this.deleteEvents(options, now - options.minAgeMs, Number(live.low));
    await this.db.deleteFrom('event_consumers').where('seen_at', '<', now - options.consumerStaleMs).execute();
    return deleted;
  }

  /** Events created before `before` (and with id ≤ `upToId`, if given), in bounded batches. */
  private deleteEvents(limits: PurgeLimits, before: number, upToId: number | null): Promise<number> {
    return deleteInBatches(limits, (limit) =>
      this.db
        .deleteFrom('change_events')
        .where('id', 'in', (eb) => {
          const old = eb.selectFrom('change_events').select('id').where('created_at', '<', before);
          return (upToId === null ? old : old.where('id', '<=', upToId)).orderBy('id').limit(limit);
        })
        .executeTakeFirst(),
    );
  }

  async latestId(): Promise<number> {
    const row = await this.db
      .selectFrom('change_events')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst();
    return Number(row?.id ?? 0);
  }
}
