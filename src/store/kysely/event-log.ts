import type { Kysely } from 'kysely';
import type { ChangeEvent, StoredEvent } from '../../core/events.ts';
import type { EventLog } from '../ports.ts';
import type { Database } from './schema.ts';

export class KyselyEventLog implements EventLog {
  constructor(private readonly db: Kysely<Database>) {}

  async append(event: ChangeEvent, at: number): Promise<StoredEvent> {
    const row = await this.db
      .insertInto('change_events')
      .values({ type: event.type, payload: JSON.stringify(event), created_at: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: Number(row.id), at, event };
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

  async latestId(): Promise<number> {
    const row = await this.db
      .selectFrom('change_events')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst();
    return Number(row?.id ?? 0);
  }
}
