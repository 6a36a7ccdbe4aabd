import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from 'kysely';
import type { Database } from './schema.ts';

const SLOT = '\u0000gatehouse-slot:';

/** Marks where argument `index` goes in a query built once for precompilation. */
export type Slot = (index: number) => string;

/**
 * The hot queries of token issuance, compiled once per store: building and compiling a Kysely query
 * costs more than SQLite running it. A query is built with slot markers in place of values; each run
 * reuses the compiled SQL with the arguments put where the markers were. Only for queries whose shape
 * never depends on the values.
 */
export class Precompiled {
  private readonly compiled = new Map<string, { sql: string; slots: number[] }>();

  run<R>(db: Kysely<Database>, name: string, build: (slot: Slot) => Compilable<R>, args: readonly unknown[]): Promise<QueryResult<R>> {
    let entry = this.compiled.get(name);
    if (!entry) {
      const query = build((index) => `${SLOT}${index}`).compile();
      const slots = query.parameters.map((p) => {
        if (typeof p !== 'string' || !p.startsWith(SLOT)) throw new Error(`precompiled query ${name} has a value that is not a slot`);
        return Number(p.slice(SLOT.length));
      });
      entry = { sql: query.sql, slots };
      this.compiled.set(name, entry);
    }
    return db.executeQuery<R>(CompiledQuery.raw(entry.sql, entry.slots.map((i) => args[i])) as CompiledQuery<R>);
  }
}

/** Inserts a row through a precompiled statement (one per table and column set). */
export function insertRow<T extends keyof Database & string>(
  precompiled: Precompiled,
  db: Kysely<Database>,
  table: T,
  row: Record<string, unknown>,
  returning?: string,
): Promise<QueryResult<Record<string, unknown>>> {
  const columns = Object.keys(row);
  return precompiled.run(
    db,
    `insert:${table}:${columns.join(',')}:${returning ?? ''}`,
    (slot) => {
      const values = Object.fromEntries(columns.map((c, i) => [c, slot(i)]));
      // The row shape is checked by the callers' row mappers; here only the SQL is built.
      const insert = db.insertInto(table).values(values as never);
      return (returning ? insert.returning(returning as never) : insert) as unknown as Compilable<Record<string, unknown>>;
    },
    columns.map((c) => row[c]),
  );
}
