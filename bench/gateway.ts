/**
 * npm run bench:gateway — requests/s and latency through the gateway with a JWT, an opaque token and an
 * API key, against a minimal Fastify + reply-from proxy with no checks (the baseline) and a hand-rolled
 * Fastify + @fastify/jwt + reply-from proxy (the peer), in one run on loopback with autocannon; then the
 * same with 2 worker processes each. With 1 worker each proxy is pinned to core 0 and the load generator
 * and backend to core 1 (BENCH_PIN=0 turns pinning off); with 2 workers nothing is pinned.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { load, prepareGatewayBench, printTable, spawnGatehouse, benchServerEnv, type LoadResult } from './support.ts';

const duration = Number(process.env.BENCH_SECONDS ?? 8);
const connections = 50;
const children: ChildProcess[] = [];
const pin = process.env.BENCH_PIN !== '0' && availableParallelism() >= 2;

/** Moves a process and all its threads (and, for a cluster primary, its workers) to `cpus`. */
function setAffinity(pid: number, cpus: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

async function spawnLine(script: string, env: Record<string, string>, prefix: string): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, script)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = new RegExp(`^${prefix}: (\\S+)$`, 'm').exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

interface Sample {
  result: LoadResult;
  cpuMicrosPerRequest: number;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const percent = (ratio: number): string => `${Math.round(100 * ratio)}%`;

/**
 * Medians over rounds. Ratios and deltas are taken within each round (the baseline and the target ran
 * seconds apart, under the same background load), then their median is reported.
 */
function row(label: string, runs: Sample[], baseline: Sample[] | null, peer?: Sample[]): Record<string, string | number> {
  const pick = (f: (s: Sample) => number) => median(runs.map(f));
  const vs = (f: (s: Sample, b: Sample) => number) => (baseline ? median(runs.map((s, i) => f(s, baseline[i]!))) : null);
  const throughput = vs((s, b) => s.result.requestsPerSecond / b.result.requestsPerSecond);
  const ratios = baseline ? runs.map((s, i) => s.result.requestsPerSecond / baseline[i]!.result.requestsPerSecond) : [];
  const cpu = vs((s, b) => s.cpuMicrosPerRequest / b.cpuMicrosPerRequest);
  const vsPeer = peer ? median(runs.map((s, i) => s.result.requestsPerSecond / peer[i]!.result.requestsPerSecond)) : null;
  return {
    run: label,
    'req/s': pick((s) => s.result.requestsPerSecond),
    'p50 ms': pick((s) => s.result.p50Ms),
    'p99 ms': pick((s) => s.result.p99Ms),
    'vs baseline': throughput === null ? '100%' : percent(throughput),
    'vs baseline, rounds': ratios.length ? `${percent(Math.min(...ratios))}–${percent(Math.max(...ratios))}` : '',
    'vs peer': vsPeer === null ? '' : percent(vsPeer),
    'p99 Δ ms': vs((s, b) => s.result.p99Ms - b.result.p99Ms) ?? 0,
    'proxy CPU µs/req': Math.round(pick((s) => s.cpuMicrosPerRequest)),
    'CPU vs baseline': cpu === null ? '100%' : percent(cpu),
  };
}

/** CPU time of a process and its children (cluster workers), in microseconds, from /proc. */
function processCpuMicros(pid: number, workers: number): number {
  const read = (p: number) => {
    const f = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) * 10_000;
  };
  if (workers <= 1) return read(pid);
  // A single-process proxy (the peer) has no workers: pgrep then finds nothing and exits with 1.
  let listed = '';
  try {
    listed = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
  } catch {
    listed = '';
  }
  const kids = listed.split('\n').filter(Boolean).map(Number);
  return [pid, ...kids].reduce((sum, p) => sum + read(p), 0);
}

const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const QUIET = 'Gatehouse, JWT, logging off (GATEHOUSE_LOG_LEVEL=error)';
const PEER = 'Fastify + @fastify/jwt (fast-jwt, cache on) + reply-from, JWT';

try {
  // The load generator (this process) and the backend share core 1; each proxy gets core 0 to itself.
  if (pin) setAffinity(process.pid, '1');
  const backend = await spawnLine('echo-backend.ts', {}, 'backend');
  const backendPid = children[0]!.pid!;
  const rows: Array<Record<string, string | number>> = [];
  const results: Record<string, number> = {};
  for (const workers of (process.env.BENCH_WORKERS ?? '1,2').split(',').map(Number)) {
    const pinned = pin && workers === 1;
    // Children inherit this process's CPUs: servers (and the workers they fork) are started on theirs.
    if (pin) setAffinity(process.pid, pinned ? '0' : '0,1');
    if (pin) setAffinity(backendPid, pinned ? '1' : '0,1');
    const baselineUrl = await spawnLine('baseline-proxy.ts', { BASELINE_TARGET: backend, BASELINE_WORKERS: String(workers) }, 'baseline');
    const baselinePid = children.at(-1)!.pid!;
    const env = benchServerEnv('gatehouse-bench-gateway-', { GATEHOUSE_WORKERS: String(workers) });
    const credentials = await prepareGatewayBench(env, backend);
    // Default settings: info logging (one access line per request), stdout to a file.
    const gatehouse = await spawnGatehouse(env);
    children.push(gatehouse.child);
    // The same with logging turned down, on a store of its own, to show what the access log costs.
    const quietEnv = benchServerEnv('gatehouse-bench-gateway-quiet-', { GATEHOUSE_WORKERS: String(workers), GATEHOUSE_LOG_LEVEL: 'error' });
    const quietCredentials = await prepareGatewayBench(quietEnv, backend);
    const quiet = await spawnGatehouse(quietEnv);
    children.push(quiet.child);
    // Both servers answer one control-plane request first, as any `--role all` deployment does (the portal,
    // a token): the control plane's per-request context (AsyncLocalStorage) then costs the gateway too.
    for (const server of [gatehouse, quiet]) await (await fetch(`${server.urls.control}/health/live`)).text();
    // The hand-rolled peer verifies the same JWTs with the Key Manager's public key.
    const peerUrl = await spawnLine('jwt-peer-proxy.ts', { PEER_TARGET: backend, PEER_JWKS_URL: `${gatehouse.urls.control}/oauth2/jwks`, PEER_ISSUER: env.GATEHOUSE_ISSUER }, 'peer');
    const peerPid = children.at(-1)!.pid!;
    if (pin) setAffinity(process.pid, pinned ? '1' : '0,1');
    // Interleaved rounds, medians: the machine's background noise hits every target alike.
    // The baseline gets the same (largest) request headers, so both proxies parse the same bytes.
    const targets: Array<[string, string, Record<string, string>, number]> = [
      ['baseline proxy', `${baselineUrl}/bench/1.0/items`, credentials.JWT!, baselinePid],
      [PEER, `${peerUrl}/bench/1.0/items`, credentials.JWT!, peerPid],
      ...Object.entries(credentials).map(([name, headers]): [string, string, Record<string, string>, number] => [`Gatehouse, ${name}`, `${gatehouse.urls.gateway}/bench/1.0/items`, headers, gatehouse.child.pid!]),
      [QUIET, `${quiet.urls.gateway}/bench/1.0/items`, quietCredentials.JWT!, quiet.child.pid!],
    ];
    const samples = new Map<string, Sample[]>(targets.map(([name]) => [name, []]));
    const pids = new Map(targets.map(([name, , , pid]) => [name, pid]));
    for (let round = 0; round < rounds; round++) {
      for (const [name, url, headers] of targets) {
        let before = 0;
        const result = await load({ url, headers, duration, connections }, () => (before = processCpuMicros(pids.get(name)!, workers)));
        if (result.non2xx > 0) throw new Error(`${name}: ${result.non2xx} non-2xx answers`);
        const cpuMicrosPerRequest = (processCpuMicros(pids.get(name)!, workers) - before) / (result.requestsPerSecond * duration);
        samples.get(name)!.push({ result, cpuMicrosPerRequest });
      }
    }
    const baseline = samples.get('baseline proxy')!;
    const peer = samples.get(PEER)!;
    rows.push(row(`baseline proxy, ${workers} worker(s)`, baseline, null));
    rows.push(row(`${PEER}, ${workers} worker(s)`, peer, baseline));
    for (const name of Object.keys(credentials)) {
      const runs = samples.get(`Gatehouse, ${name}`)!;
      rows.push(row(`Gatehouse, ${name}, ${workers} worker(s)`, runs, baseline, peer));
      results[`${name}-${workers}`] = median(runs.map((r) => r.result.requestsPerSecond));
    }
    rows.push(row(`${QUIET}, ${workers} worker(s)`, samples.get(QUIET)!, baseline));
    // The access log's cost: default logging against logging off, round by round.
    rows.push(row(`Gatehouse, JWT, default logging vs logging off, ${workers} worker(s)`, samples.get('Gatehouse, JWT')!, samples.get(QUIET)!));
    const log = readFileSync(gatehouse.logFile);
    let logLines = 0;
    for (let at = log.indexOf(10); at >= 0; at = log.indexOf(10, at + 1)) logLines++;
    const logBytes = log.length;
    console.log(`${workers} worker(s): default logging wrote ${logLines} lines, ${(logBytes / logLines).toFixed(0)} bytes a line`);
    for (const child of children.splice(1)) child.kill('SIGTERM');
    const where = pinned ? 'each proxy pinned to core 0, load generator and backend to core 1' : 'nothing pinned';
    printTable(`Gateway, ${workers} worker(s), medians of ${rounds} interleaved ${duration} s runs, ${connections} connections, loopback (${where})`, rows.splice(0));
  }
  for (const name of ['JWT', 'opaque token', 'API key']) {
    if (results[`${name}-2`] && results[`${name}-1`]) console.log(`${name}: 2 workers / 1 worker = ${(results[`${name}-2`]! / results[`${name}-1`]!).toFixed(2)}x`);
  }
} finally {
  for (const child of children) child.kill('SIGTERM');
}
