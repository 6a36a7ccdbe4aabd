/**
 * npm run bench:gateway:logging — what the access log costs the gateway: three Gatehouse servers set up
 * alike (`gatehouse start`, one JWT application, one control-plane request first), differing only in
 * logging: the default (info, one access line per request, stdout to a file), the same with stdout to
 * /dev/null, and `GATEHOUSE_LOG_LEVEL=error` (no access line). Each pinned to core 0, load generator
 * and backend on core 1; interleaved rounds (`BENCH_ROUNDS`, default 5, of `BENCH_SECONDS`, default 5),
 * each round starting with the next server so no server always runs first or last; CPU per request
 * from /proc, all threads, user and system apart; medians, and the median of per-round ratios to
 * logging off.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { load, prepareGatewayBench, printTable, benchServerEnv } from './support.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const setAffinity = (pid: number, cpus: string) => execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
/** User and system CPU time so far, in µs. */
const cpuMicros = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { user: Number(f[11]) * 10_000, system: Number(f[12]) * 10_000 };
};
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const children: ChildProcess[] = [];

const VARIANTS: Array<{ name: string; stdout: 'file' | '/dev/null'; env: Record<string, string> }> = [
  { name: 'default: info, access line to a file', stdout: 'file', env: {} },
  { name: 'info, stdout to /dev/null', stdout: '/dev/null', env: {} },
  { name: 'logging off (GATEHOUSE_LOG_LEVEL=error)', stdout: 'file', env: { GATEHOUSE_LOG_LEVEL: 'error' } },
];

try {
  setAffinity(process.pid, '1');
  const backend = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'echo-backend.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(backend);
  const target = await new Promise<string>((resolve) => {
    let out = '';
    backend.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /^backend: (\S+)$/m.exec(out);
      if (m) resolve(m[1]!);
    });
  });
  const servers: Array<{ name: string; url: string; pid: number; headers: Record<string, string> }> = [];
  for (const variant of VARIANTS) {
    const env = benchServerEnv('gatehouse-bench-logging-', variant.env);
    const dir = env.GATEHOUSE_DATA_DIR!;
    const credentials = await prepareGatewayBench(env, target);
    // Its URLs go to stdout, which may be /dev/null: fixed free ports instead of port 0.
    const ports = await Promise.all([freePort(), freePort()]);
    const fd = openSync(variant.stdout === 'file' ? join(dir, 'stdout.log') : '/dev/null', 'a');
    setAffinity(process.pid, '0'); // the server (and its threads) start on core 0
    const child = spawn(process.execPath, [join(import.meta.dirname, '../bin/gatehouse.js'), 'start'], {
      env: { ...process.env, ...env, GATEHOUSE_CONTROL_PORT: String(ports[0]), GATEHOUSE_GATEWAY_PORT: String(ports[1]) },
      stdio: ['ignore', fd, 'inherit'],
    });
    setAffinity(process.pid, '1');
    closeSync(fd);
    children.push(child);
    const gateway = `http://127.0.0.1:${ports[1]}`;
    for (let i = 0; i < 600; i++) {
      if (await fetch(`${gateway}/health/ready`).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await (await fetch(`http://127.0.0.1:${ports[0]}/health/live`)).text();
    servers.push({ name: variant.name, url: `${gateway}/bench/1.0/items`, pid: child.pid!, headers: credentials.JWT! });
  }
  const samples = new Map<string, Array<{ rps: number; cpu: number; system: number }>>(servers.map((s) => [s.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < servers.length; i++) {
      const server = servers[(round + i) % servers.length]!;
      let before = { user: 0, system: 0 };
      const result = await load({ url: server.url, headers: server.headers, duration: seconds, connections: 50 }, () => (before = cpuMicros(server.pid)));
      if (result.non2xx > 0) throw new Error(`${server.name}: ${result.non2xx} non-2xx answers`);
      const after = cpuMicros(server.pid);
      const requests = result.requestsPerSecond * seconds;
      samples.get(server.name)!.push({ rps: result.requestsPerSecond, cpu: (after.user + after.system - before.user - before.system) / requests, system: (after.system - before.system) / requests });
    }
  }
  const off = samples.get(VARIANTS[2]!.name)!;
  printTable(
    `JWT through three alike servers, medians of ${rounds} interleaved ${seconds} s runs, pinned`,
    servers.map(({ name }) => {
      const runs = samples.get(name)!;
      const ratios = runs.map((r, i) => r.cpu / off[i]!.cpu);
      return {
        server: name,
        'req/s': median(runs.map((r) => r.rps)),
        'CPU µs/req': Math.round(median(runs.map((r) => r.cpu))),
        'of it system': Math.round(median(runs.map((r) => r.system))),
        'CPU vs logging off, median': `${Math.round(100 * median(ratios))}%`,
        'per round': `${Math.round(100 * Math.min(...ratios))}–${Math.round(100 * Math.max(...ratios))}%`,
      };
    }),
  );
} finally {
  for (const child of children) child.kill();
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
