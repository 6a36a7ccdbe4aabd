/**
 * npm run bench:gateway:profile — where the gateway's CPU goes: `gatehouse start` with default settings
 * under `node --cpu-prof`, loaded by autocannon with a JWT, an opaque token and an API key (one server
 * each), and the baseline proxy sent the JWT header, for comparison. Each proxy is pinned to core 0, the
 * load generator and backend to core 1. Each main-thread profile is summarised by self time per place
 * (package, Node internals, Gatehouse file) and per function, start-up and warm-up left out.
 * BENCH_CREDENTIALS=JWT,baseline picks runs; BENCH_TOUCH_CONTROL=0 skips the control-plane request.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { printSummary, summarise } from './cpuprofile-summary.ts';
import { load, prepareGatewayBench, spawnGatehouse, benchServerEnv } from './support.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const top = Number(process.env.BENCH_TOP ?? 25);
const pin = process.env.BENCH_PIN !== '0' && availableParallelism() >= 2;
const setAffinity = (pid: number, cpus: string) => execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });

function lineOf(child: ChildProcess, prefix: string): Promise<string> {
  return new Promise((resolve) => child.stdout!.on('data', (chunk: Buffer) => {
    const match = new RegExp(`${prefix}: (\\S+)`).exec(chunk.toString());
    if (match) resolve(match[1]!);
  }));
}

/** Loads `url` on a profiled process, stops it and summarises its main thread's profile (thread id 0 in the file name). */
async function profileUnderLoad(label: string, child: ChildProcess, profileDir: string, started: number, url: string, headers: Record<string, string>): Promise<void> {
  if (pin) setAffinity(child.pid!, '0');
  let fromMs = 0;
  const result = await load({ url, headers, duration: seconds }, () => (fromMs = Date.now() - started));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  const file = readdirSync(profileDir).find((f) => /\.0\.\d+\.cpuprofile$/.test(f))!;
  const summary = summarise(JSON.parse(readFileSync(join(profileDir, file), 'utf8')), fromMs);
  const perRequest = (1000 * summary.byPlace.filter(([p]) => p !== '(idle)').reduce((sum, [, ms]) => sum + ms, 0)) / (result.requestsPerSecond * seconds);
  printSummary(`${label}: ${result.requestsPerSecond} req/s, ${perRequest.toFixed(0)} µs busy per request (${join(profileDir, file)})`, summary, top);
}

const backend = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'echo-backend.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
try {
  if (pin) setAffinity(process.pid, '1');
  const target = await lineOf(backend, 'backend');
  for (const name of process.env.BENCH_CREDENTIALS?.split(',') ?? ['baseline', 'JWT', 'opaque token', 'API key']) {
    const env = benchServerEnv('gatehouse-bench-profile-');
    const credentials = await prepareGatewayBench(env, target);
    const profileDir = join(env.GATEHOUSE_DATA_DIR!, 'profile');
    const started = Date.now();
    if (name === 'baseline') {
      // The profile is written at exit: a SIGTERM must end the process through process.exit.
      const onTerm = 'data:text/javascript,process.once("SIGTERM",()=>process.exit(0))';
      const args = ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--import', onTerm, '--import', 'tsx', join(import.meta.dirname, 'baseline-proxy.ts')];
      const child = spawn(process.execPath, args, { env: { ...process.env, BASELINE_TARGET: target }, stdio: ['ignore', 'pipe', 'inherit'] });
      const url = await lineOf(child, 'baseline');
      await profileUnderLoad('baseline proxy, JWT header forwarded', child, profileDir, started, `${url}/bench/1.0/items`, credentials.JWT!);
      continue;
    }
    process.env.BENCH_PROFILE_DIR = profileDir;
    const gatehouse = await spawnGatehouse(env);
    // One control-plane request first, as in any real deployment of `--role all` (the portal, a token).
    if (process.env.BENCH_TOUCH_CONTROL !== '0') await (await fetch(`${gatehouse.urls.control}/health/live`)).text();
    await profileUnderLoad(`Gatehouse, ${name}`, gatehouse.child, profileDir, started, `${gatehouse.urls.gateway}/bench/1.0/items`, credentials[name]!);
  }
} finally {
  backend.kill('SIGTERM');
}
