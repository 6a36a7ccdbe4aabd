/**
 * npm run bench:startup — time to ready: from spawning a start command on an empty SQLite store until
 * the gateway port answers GET /health/ready with 200. Each run gets a fresh data directory, so it
 * includes migrations, the first signing key and the admin account, as a first `npm start` does.
 *
 *   BENCH_RUNS=7 npm run bench:startup                      # npm start, the compiled bin, the sources via tsx
 *   BENCH_COMMANDS='npm start' npm run bench:startup        # only some of them (comma-separated)
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { tempDir } from './support.ts';

const root = join(import.meta.dirname, '..');
const COMMANDS: Record<string, string[]> = {
  'npm start': ['npm', 'start', '--silent'],
  'node bin/gatehouse.js start': [process.execPath, 'bin/gatehouse.js', 'start'],
  'node --import tsx src/cli/main.ts start': [process.execPath, '--import', 'tsx', 'src/cli/main.ts', 'start'],
};
const runs = Number(process.env.BENCH_RUNS ?? 5);
const chosen = process.env.BENCH_COMMANDS?.split(',').map((c) => c.trim()) ?? Object.keys(COMMANDS);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

async function ready(url: string): Promise<boolean> {
  try {
    const res = await fetch(url);
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** CPU time (user + system) so far of every process in a process group, in milliseconds, from /proc. */
function groupCpuMs(pgid: number): number {
  const pids = execFileSync('pgrep', ['-g', String(pgid)], { encoding: 'utf8' }).split('\n').filter(Boolean);
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Gone since pgrep listed it (npm's short-lived helpers).
    }
  }
  return ticks * 10;
}

/**
 * One start: milliseconds from spawn until /health/ready answers 200 on the gateway port, and the CPU
 * time the started processes had used by then (less sensitive to what else the machine is doing).
 */
async function timeToReady(argv: string[]): Promise<{ wallMs: number; cpuMs: number }> {
  const dir = tempDir('gatehouse-bench-startup-');
  const [controlPort, gatewayPort] = [await freePort(), await freePort()];
  const env = {
    ...process.env,
    GATEHOUSE_STORE: `sqlite:${join(dir, 'gatehouse.db')}`,
    GATEHOUSE_DATA_DIR: dir,
    GATEHOUSE_CONTROL_PORT: String(controlPort),
    GATEHOUSE_GATEWAY_PORT: String(gatewayPort),
  };
  const started = performance.now();
  // Its own process group: `npm start` runs the server under a shell, and all of it is stopped afterwards.
  const child = spawn(argv[0]!, argv.slice(1), { cwd: root, env, stdio: 'ignore', detached: true });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  try {
    while (!(await ready(`http://127.0.0.1:${gatewayPort}/health/ready`))) {
      if (gone) throw new Error(`${argv.join(' ')} exited before it was ready`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return { wallMs: performance.now() - started, cpuMs: groupCpuMs(child.pid!) };
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
}

const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: Math.round(sorted[0]!), median: Math.round(sorted[Math.floor(sorted.length / 2)]!), max: Math.round(sorted.at(-1)!) };
};

const samples: Record<string, Array<{ wallMs: number; cpuMs: number }>> = Object.fromEntries(chosen.map((c) => [c, []]));
// One unmeasured start each (disk cache, npm's own start-up), then the commands in turn, round by round.
for (const name of chosen) await timeToReady(COMMANDS[name]!);
for (let i = 0; i < runs; i++) {
  for (const name of chosen) samples[name]!.push(await timeToReady(COMMANDS[name]!));
}
console.log(`\ntime to ready on an empty SQLite store, ${runs} runs each: wall and CPU (user + system) ms, min / median / max`);
const show = ({ min, median, max }: ReturnType<typeof stats>) => `${min} / ${median} / ${max}`;
console.table(
  chosen.map((name) => ({
    command: name,
    'wall ms': show(stats(samples[name]!.map((s) => s.wallMs))),
    'CPU ms': show(stats(samples[name]!.map((s) => s.cpuMs))),
  })),
);
