import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mintCredential } from '../src/core/credentials.ts';
import { cryptoRandom } from '../src/core/random.ts';
import { PUBLISHED_PATTERN_SOURCE } from '../src/leaks/credential-pattern.ts';

/**
 * `gatehouse scan` against `grep -rE` on the same generated tree (issue 16 §1): FILES source-like files
 * (default 20,000, about 200 MB in all) with a few planted credentials, page cache warm, best of
 * RUNS. Prints MB/s for each. `BENCH_SCAN_GIT=1` also commits the tree and times `scan --git`.
 */

const DIR = process.env.BENCH_SCAN_DIR ?? '/tmp/gatehouse-scan-bench';
const FILES = Number(process.env.BENCH_SCAN_FILES ?? 20_000);
const FILE_BYTES = Number(process.env.BENCH_SCAN_FILE_BYTES ?? 10_000);
const RUNS = Number(process.env.BENCH_SCAN_RUNS ?? 3);
const PLANTED = 50;
const BIN = join(import.meta.dirname, '../bin/gatehouse.js');

const WORDS = ['const', 'get_user_name', 'gateway', 'return', 'if', 'gak', 'async', 'function', 'grant_type', 'token', 'await', 'g_', 'gat', '{', '}', '(', ')', ';', '=', 'Gatehouse', 'config.get', 'secret_key', 'value', '0x1f', '"gcs"', 'import', 'from'];

function sourceText(bytes: number): string {
  const random = randomBytes(bytes);
  let out = '';
  for (let i = 0; out.length < bytes; i++) out += WORDS[random[i % bytes]! % WORDS.length] + (random[(i * 7) % bytes]! % 9 === 0 ? '\n' : ' ');
  return out.slice(0, bytes);
}

function generate(): number {
  const marker = join(DIR, `.generated-${FILES}-${FILE_BYTES}`);
  if (existsSync(marker)) return PLANTED;
  rmSync(DIR, { recursive: true, force: true });
  const block = sourceText(FILE_BYTES * 4);
  for (let i = 0; i < FILES; i++) {
    const dir = join(DIR, `pkg${Math.floor(i / 100)}`);
    if (i % 100 === 0) mkdirSync(dir, { recursive: true });
    const start = (i * 997) % (block.length - FILE_BYTES);
    let text = block.slice(start, start + FILE_BYTES);
    if (i % Math.floor(FILES / PLANTED) === 0) text += `\nAPI_KEY = "${mintCredential('apiKeyProduction', cryptoRandom)}"\n`;
    writeFileSync(join(dir, `file${i}.ts`), text);
  }
  writeFileSync(marker, '');
  return PLANTED;
}

function time(label: string, command: string, args: string[], bytes: number, cwd?: string): { label: string; seconds: number; mbPerSecond: number; output: string } {
  let best = Infinity;
  let output = '';
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    const res = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...(cwd && { cwd }), env: { ...process.env, VITEST: '' } });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (res.status !== 0 && res.status !== 1) throw new Error(`${label} failed: ${res.stderr}`);
    best = Math.min(best, seconds);
    output = res.stdout + res.stderr;
  }
  return { label, seconds: best, mbPerSecond: bytes / 1e6 / best, output };
}

const planted = generate();
const bytes = readdirSync(DIR, { recursive: true }).length * FILE_BYTES; // approximate; refined below
const du = spawnSync('du', ['-sb', '--exclude=.git', DIR], { encoding: 'utf8' });
const total = Number(du.stdout.split('\t')[0]) || bytes;
const grepPattern = PUBLISHED_PATTERN_SOURCE.replaceAll('\\b', '');
const rows = [
  time('gatehouse scan', process.execPath, [BIN, 'scan', '--exclude', '.git', DIR], total),
  time('grep -rE (same pattern)', 'grep', ['-rE', '-I', '--exclude-dir=.git', '-o', grepPattern, DIR], total),
  time('grep -rF gak_prod_ (one literal)', 'grep', ['-rF', '-I', '--exclude-dir=.git', 'gak_prod_', DIR], total),
];
const found = /(\d+) credential\(s\) found/.exec(rows[0]!.output)?.[1];
if (Number(found) !== planted) throw new Error(`gatehouse scan found ${found}, planted ${planted}`);
if (process.env.BENCH_SCAN_GIT === '1') {
  if (!existsSync(join(DIR, '.git'))) {
    const git = (...args: string[]) => spawnSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@e', ...args], { cwd: DIR, stdio: 'ignore' });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'bench');
  }
  rows.push(time('gatehouse scan --git', process.execPath, [BIN, 'scan', '--git', DIR], total));
}
const inside = Number(/in ([\d.]+) s:/.exec(rows[0]!.output)?.[1]);
if (inside > 0) rows.splice(1, 0, { label: 'gatehouse scan, scanning only (its own timer, without Node start-up)', seconds: inside, mbPerSecond: total / 1e6 / inside, output: '' });
console.log(`tree: ${FILES} files, ${(total / 1e6).toFixed(0)} MB, ${planted} planted credentials, page cache warm, best of ${RUNS}`);
console.log('| Run | seconds | MB/s |\n|---|---:|---:|');
for (const r of rows) console.log(`| ${r.label} | ${r.seconds.toFixed(2)} | ${r.mbPerSecond.toFixed(0)} |`);
