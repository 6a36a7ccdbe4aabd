/**
 * npm run bench:gateway:profile — where the gateway's CPU goes: `gatehouse start` with default settings
 * under `node --cpu-prof`, loaded by autocannon with a JWT, an opaque token and an API key (one server
 * each, pinned to core 0; load generator and backend on core 1), and each profile summarised by self
 * time per place (package, Node internals, Gatehouse file) and per function, warm-up and start-up left out.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { printSummary, summarise } from './cpuprofile-summary.ts';
import { load, prepareGatewayBench, spawnGatehouse, tempDir } from './support.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const top = Number(process.env.BENCH_TOP ?? 25);
const pin = process.env.BENCH_PIN !== '0' && availableParallelism() >= 2;
const setAffinity = (pid: number, cpus: string) => execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });

const backend = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'echo-backend.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
try {
  if (pin) setAffinity(backend.pid!, '1');
  const target = await new Promise<string>((resolve) => backend.stdout!.on('data', (chunk: Buffer) => resolve(/backend: (\S+)/.exec(chunk.toString())![1]!)));
  const only = process.env.BENCH_CREDENTIALS?.split(',');
  for (const name of only ?? ['JWT', 'opaque token', 'API key']) {
    const dir = tempDir('gatehouse-bench-profile-');
    const env = {
      GATEHOUSE_STORE: `sqlite:${join(dir, 'gatehouse.db')}`,
      GATEHOUSE_DATA_DIR: dir,
      GATEHOUSE_CONTROL_PORT: '0',
      GATEHOUSE_GATEWAY_PORT: '0',
      GATEHOUSE_ADMIN_PASSWORD: 'bench-admin-password',
      GATEHOUSE_SECRETS: 'bench-system-secret-0123456789abcdefghijklmn',
      GATEHOUSE_ISSUER: 'https://gatehouse.bench',
    };
    const credentials = await prepareGatewayBench(env, target);
    const profileDir = join(dir, 'profile');
    process.env.BENCH_PROFILE_DIR = profileDir;
    const started = Date.now();
    const gatehouse = await spawnGatehouse(env);
    if (pin) setAffinity(gatehouse.child.pid!, '0');
    if (pin) setAffinity(process.pid, '1');
    // One control-plane request first, as in any real deployment of `--role all` (the portal, a token).
    if (process.env.BENCH_TOUCH_CONTROL !== '0') await (await fetch(`${gatehouse.urls.control}/health/live`)).text();
    let fromMs = 0;
    const result = await load({ url: `${gatehouse.urls.gateway}/bench/1.0/items`, headers: credentials[name]!, duration: seconds }, () => (fromMs = Date.now() - started));
    const exited = new Promise((resolve) => gatehouse.child.once('exit', resolve));
    gatehouse.child.kill('SIGTERM');
    await exited;
    const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'))!;
    const summary = summarise(JSON.parse(readFileSync(join(profileDir, file), 'utf8')), fromMs);
    printSummary(`${name}: ${result.requestsPerSecond} req/s over ${seconds} s (${join(profileDir, file)})`, summary, top);
  }
} finally {
  backend.kill('SIGTERM');
}
