/**
 * npm run bench:log — CPU per access line: pino writing through SonicBoom (`pino.destination`, async,
 * 4 kB minimum writes: what the logger used before) against pino writing through Gatehouse's LineWriter
 * (src/runtime/logger.ts), the same line and the same pino options, to a file. Each run is a child
 * process pinned to core 0 (taskset); the two alternate, BENCH_ROUNDS times (default 5); medians.
 */
import { execFileSync } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { LineWriter } from '../src/runtime/logger.ts';
import { tempDir } from './support.ts';

const LINES = 300_000;

if (process.argv[2] === 'child') {
  const fd = openSync(join(tempDir('gatehouse-bench-log-'), 'out.log'), 'w');
  const destination = process.argv[3] === 'sonic-boom' ? pino.destination({ dest: fd, sync: false, minLength: 4096 }) : new LineWriter(fd);
  // The access line as the HTTP server writes it: a child logger without redaction, five fields.
  const log = pino({ base: { service: 'gatehouse' } }, destination).child({}, { redact: [] });
  const started = process.cpuUsage();
  let written = 0;
  // In slices, as requests would: the event loop turns between them, so batches get written.
  await new Promise<void>((resolve) => {
    const slice = () => {
      for (let i = 0; i < 50 && written < LINES; i++, written++) {
        log.info({ reqId: '41fc070d-8723-456a-ad6e-5469d0b22113', method: 'GET', path: '/bench/1.0/items', status: 200, ms: 3 }, 'request');
      }
      if (written < LINES) setImmediate(slice);
      else resolve();
    };
    slice();
  });
  destination.flushSync();
  const used = process.cpuUsage(started);
  process.stdout.write(`${(used.user + used.system) / LINES}\n`);
  process.exit(0);
}

const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const results: Record<string, number[]> = { 'sonic-boom': [], 'line-writer': [] };
for (let round = 0; round < rounds; round++) {
  for (const kind of Object.keys(results)) {
    const out = execFileSync('taskset', ['-c', '0', process.execPath, '--import', 'tsx', import.meta.filename, 'child', kind], { encoding: 'utf8' });
    results[kind]!.push(Number(out.trim()));
  }
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
console.table(Object.entries(results).map(([kind, v]) => ({ destination: kind, 'CPU µs per line, median': median(v).toFixed(2), 'min–max': `${Math.min(...v).toFixed(2)}–${Math.max(...v).toFixed(2)}` })));
