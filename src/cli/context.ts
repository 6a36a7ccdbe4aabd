import type { Config } from '../config/load.ts';
import { createLogger } from '../runtime/logger.ts';
import { buildServices, type Services } from '../runtime/services.ts';
import { resolveSystemSecrets } from '../runtime/system-secret.ts';
import { openStore } from '../store/open-store.ts';

/** Runs a CLI command against the store with the same services the server uses, then closes it. */
export async function withServices<T>(config: Config, work: (services: Services) => Promise<T>): Promise<T> {
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const store = await openStore({ url: config.store, sqliteSynchronous: config.sqliteSynchronous });
  try {
    await store.migrate();
    return await work(await buildServices(config, log, store, resolveSystemSecrets(config, log)));
  } finally {
    await store.close();
  }
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Prints rows as an aligned table. */
export function printTable(rows: ReadonlyArray<Record<string, string>>): void {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  process.stdout.write(`${line(columns.map((c) => c.toUpperCase()))}\n`);
  for (const row of rows) process.stdout.write(`${line(columns.map((c) => row[c] ?? ''))}\n`);
}

export class CliError extends Error {}
