/**
 * npm run bench:gateway:instructions — the gateway's cost per request in CPU instructions, counted by
 * valgrind (callgrind) against the baseline proxy, after a warm-up. Instruction counts do not depend on
 * what else the machine is doing, so this ratio is stable where requests/s on a shared 2-core machine
 * is not. Counted: the proxy process's user-space instructions, all threads (GC and compiler included).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { prepareGatewayBench, printTable, benchServerEnv, tempDir } from './support.ts';

const warmup = Number(process.env.BENCH_WARMUP_REQUESTS ?? 15_000);
const counted = Number(process.env.BENCH_REQUESTS ?? 3_000);
const children: ChildProcess[] = [];

function waitForLine(child: ChildProcess, prefix: string, timeoutMs = 300_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no "${prefix}:" line in time: ${out}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = new RegExp(`^${prefix}: (\\S+)$`, 'm').exec(out);
      if (match) {
        clearTimeout(timer);
        // From here on the output (access lines) is read and dropped, never accumulated.
        for (const stream of [child.stdout, child.stderr]) stream?.off('data', onData).resume();
        resolve(match[1]!);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  });
}

async function fire(url: string, amount: number, headers: Record<string, string>): Promise<void> {
  const result = await autocannon({ url, amount, connections: 8, headers, timeout: 120 });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
}

/** Starts `args` under callgrind with counting off, warms it up, counts `counted` requests. */
async function instructionsPerRequest(label: string, args: string[], env: Record<string, string>, prefix: string, path: string, headers: Record<string, string>) {
  const dir = tempDir(`gatehouse-callgrind-${label}-`);
  const out = join(dir, 'callgrind.out');
  const child = spawn('valgrind', ['--tool=callgrind', '--instr-atstart=no', '--smc-check=all', `--callgrind-out-file=${out}`, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const url = `${await waitForLine(child, prefix)}${path}`;
  await fire(url, warmup, headers);
  const control = (command: string) => execFileSync('callgrind_control', [command, String(child.pid)], { stdio: 'ignore' });
  execFileSync('callgrind_control', ['-i', 'on', String(child.pid)], { stdio: 'ignore' });
  await fire(url, counted, headers);
  execFileSync('callgrind_control', ['-i', 'off', String(child.pid)], { stdio: 'ignore' });
  control('-d');
  await new Promise((r) => setTimeout(r, 3000));
  child.kill('SIGKILL');
  const dump = readdirSync(dir).find((f) => f.startsWith('callgrind.out.'));
  const total = Number(/^totals: (\d+)/m.exec(readFileSync(join(dir, dump!), 'utf8'))![1]);
  rmSync(dir, { recursive: true, force: true });
  return Math.round(total / counted);
}

try {
  const backend = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'echo-backend.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(backend);
  const target = await waitForLine(backend, 'backend');

  const env = benchServerEnv('gatehouse-bench-instructions-', {
    GATEHOUSE_ROLE: 'gateway',
    // Default settings (info: one access line per request) unless BENCH_LOG_LEVEL says otherwise.
    GATEHOUSE_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
  });
  const credentials = await prepareGatewayBench(env, target);

  const baselineArgs = [process.execPath, '--import', 'tsx', join(import.meta.dirname, 'baseline-proxy.ts')];
  const gatehouseArgs = [process.execPath, join(import.meta.dirname, '../bin/gatehouse.js'), 'start'];
  const rows: Array<Record<string, string | number>> = [];
  // The baseline forwards the same (largest) credential header; the gateway strips it.
  const baseline = await instructionsPerRequest('baseline', baselineArgs, { BASELINE_TARGET: target }, 'baseline', '/bench/1.0/items', credentials.JWT!);
  rows.push({ run: 'baseline proxy (no checks)', 'instructions/request': baseline, 'vs baseline': '100%' });
  for (const [name, headers] of Object.entries(credentials)) {
    const count = await instructionsPerRequest(name.replace(/\W/g, ''), gatehouseArgs, env, 'gateway', '/bench/1.0/items', headers);
    rows.push({ run: `Gatehouse, ${name}`, 'instructions/request': count, 'vs baseline': `${Math.round((100 * count) / baseline)}%` });
  }
  printTable(`Gateway instructions per request (callgrind, ${warmup} requests warm-up, ${counted} counted, 8 connections)`, rows);
} finally {
  for (const child of children) child.kill('SIGKILL');
}
