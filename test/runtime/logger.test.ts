import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineWriter } from '../../src/runtime/logger.ts';

const lines = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `{"n":${from + i},"msg":"${'x'.repeat(100)}"}\n`);

describe('log lines are batched, written in order, and none is lost at exit', () => {
  it('a batch is written once it is full; the rest on flush; every line once, in order', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'gatehouse-log-')), 'out.log');
    const fd = openSync(path, 'w');
    const writer = new LineWriter(fd, 1024);
    const written = lines(500);
    // Written in bursts while earlier batches are still in flight.
    for (let i = 0; i < written.length; i += 50) {
      for (const line of written.slice(i, i + 50)) writer.write(line);
      await new Promise((r) => setImmediate(r));
    }
    await expect.poll(() => readFileSync(path, 'utf8').length, { timeout: 10_000 }).toBeGreaterThan(0);
    writer.flush();
    await expect.poll(() => readFileSync(path, 'utf8'), { timeout: 10_000 }).toBe(written.join(''));
    closeSync(fd);
  });

  it('below the batch size nothing is written until flushed; flushSync writes what is pending at once', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'gatehouse-log-')), 'out.log');
    const fd = openSync(path, 'w');
    const writer = new LineWriter(fd, 1_000_000);
    for (const line of lines(10)) writer.write(line);
    expect(readFileSync(path, 'utf8')).toBe('');
    writer.flushSync();
    expect(readFileSync(path, 'utf8')).toBe(lines(10).join(''));
    closeSync(fd);
  });

  it('a process that logs and exits (process.exit, or an uncaught exception) leaves every line on stdout', () => {
    const logger = join(import.meta.dirname, '../../src/runtime/logger.ts');
    for (const ending of ['process.exit(0)', 'throw new Error("boom")']) {
      const script = `import { createLogger } from ${JSON.stringify(logger)}; const log = createLogger('info'); for (let i = 0; i < 300; i++) log.info({ n: i }, 'line'); setImmediate(() => { ${ending} });`;
      const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
      const numbers = run.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { n: number }).n);
      expect(numbers).toEqual(Array.from({ length: 300 }, (_, i) => i));
    }
  });

  it("the access line built without pino is the line pino writes (fields, order, escaping); another logger gets it through pino", () => {
    const logger = join(import.meta.dirname, '../../src/runtime/logger.ts');
    const line = { reqId: 'r-1', method: 'GET', path: '/a/"quoted"\\back\u2028/é', status: 200, ms: 3 };
    const script = `import { accessLineWriter, createLogger } from ${JSON.stringify(logger)}; const log = createLogger('info'); accessLineWriter(log)(${JSON.stringify(line)}); log.child({}, { redact: [] }).info(${JSON.stringify(line)}, 'request'); console.error(accessLineWriter(createLogger('error')) === null);`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    const [ours, pinos] = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(Object.keys(ours!)).toEqual(Object.keys(pinos!));
    expect({ ...ours, time: 0 }).toEqual({ ...pinos, time: 0 });
    expect(ours).toMatchObject({ ...line, level: 30, service: 'gatehouse', msg: 'request' });
    expect(run.stderr.trim()).toBe('true'); // below info: no access line at all
  });
});
