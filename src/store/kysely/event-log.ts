import type { Kysely } from 'kysely';
import type { ChangeEvent, StoredEvent } from '../../core/events.ts';
import type { EventLog, EventMark } from '../ports.ts';
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

  async purgeBefore(before: number): Promise<number> {
    const result = await this.db.deleteFrom('change_events').where('created_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async latestId(): Promise<number> {
    const row = await this.db
      .selectFrom('change_events')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst();
    return Number(row?.id ?? 0);
  }
}
