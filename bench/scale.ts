/**
 * npm run bench:scale — the gateway's data plane at scale (issue 11 §7): a fresh PostgreSQL database
 * seeded with BENCH_TOKENS live opaque tokens, BENCH_API_KEYS live API keys and BENCH_REVOKED_JWTS
 * revoked never-expiring JWTs, one control and two gateway processes on a private redis-server, and:
 * gateway start-up time and RSS, cache-miss and cache-hit latency of real credentials, cached-hit
 * requests/s against a bare proxy, confirmed revocation at both gateways, and Redis killed under load.
 * Everything it starts (processes, redis-server, database) is removed at the end, also on failure.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { freePort, PrivateRedis } from '../test/support/cluster.ts';
import { freshPostgresDatabase } from '../test/support/services.ts';
import { seed, type Seeded } from './scale-seed.ts';
import { load, tempDir } from './support.ts';

const num = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const scale = { tokens: num('BENCH_TOKENS', 10_000_000), apiKeys: num('BENCH_API_KEYS', 1_000_000), revokedJwts: num('BENCH_REVOKED_JWTS', 1_000_000), sample: num('BENCH_SAMPLE', 2000) };
const revocations = num('BENCH_REVOCATIONS', 200);
const rounds = num('BENCH_ROUNDS', 5);
const seconds = num('BENCH_SECONDS', 5);
const root = join(import.meta.dirname, '..');
const baseUrl = process.env.GATEHOUSE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const children: ChildProcess[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
};
const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

/** Resident and peak resident memory of a process, bytes, from /proc. */
function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

interface Server {
  child: ChildProcess;
  url: string;
  /** Spawn → URL printed, and spawn → /health/ready answered 200. */
  printedMs: number;
  readyMs: number;
}

/**
 * The servers run a build of the current sources of their own (emit only), not the shared dist/, which
 * other runs may be rebuilding meanwhile. It lives under node_modules/ so the dependencies resolve.
 */
function buildPrivately(): string {
  const out = join(root, 'node_modules/.cache/gatehouse-bench-scale');
  const run = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--no-check', '--out', out], { stdio: 'inherit', timeout: 180_000 });
  if (run.status !== 0) throw new Error('build failed');
  return join(out, 'gatehouse.js');
}

/** `gatehouse start` as an operator runs it (stdout to a file); resolves once it printed its URL. */
async function startServer(main: string, role: 'control' | 'gateway', env: Record<string, string>): Promise<Server> {
  const started = performance.now();
  const logFile = join(tempDir('gatehouse-bench-scale-log-'), 'stdout.log');
  const stdout = openSync(logFile, 'a');
  const child = spawn(process.execPath, [main, 'start'], { env: { ...process.env, ...env, GATEHOUSE_ROLE: role }, stdio: ['ignore', stdout, 'inherit'] });
  closeSync(stdout);
  children.push(child);
  let url: string | undefined;
  for (let i = 0; i < 3000 && url === undefined; i++) {
    if (child.exitCode !== null || performance.now() - started > 30_000) throw new Error(`${role} did not start: ${readFileSync(logFile, 'utf8')}`);
    await sleep(10);
    url = new RegExp(`^${role}: (http\\S+)$`, 'm').exec(readFileSync(logFile, 'utf8'))?.[1];
  }
  if (url === undefined) throw new Error(`${role} did not start`);
  const printedMs = performance.now() - started;
  for (let i = 0; i < 3000 && performance.now() - started < 30_000; i++) {
    const status = await fetch(`${url}/health/ready`).then((r) => r.status, () => 0);
    if (status === 200) return { child, url, printedMs, readyMs: performance.now() - started };
    await sleep(10);
  }
  throw new Error(`${role} not ready after 30 s`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  if ((await Promise.race([exited.then(() => true), sleep(5000).then(() => false)])) === false) child.kill('SIGKILL');
}

async function spawnLine(script: string, env: Record<string, string>, prefix: string): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, script)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${script} did not start`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = new RegExp(`^${prefix}: (\\S+)$`, 'm').exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

/** One request; status and client-side latency (loopback HTTP + proxying to the echo backend included). */
async function present(url: string, headers: Record<string, string>): Promise<[number, number]> {
  const started = performance.now();
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  await res.arrayBuffer();
  return [res.status, performance.now() - started];
}

/** Store reads per credential cache, from the gateway's /metrics. */
async function storeReads(gateway: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${gateway}/metrics`)).text();
  const reads: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith('gatehouse_gateway_credential_cache{') || !line.includes('kind="reads"')) continue;
    reads[/cache="(\w+)"/.exec(line)![1]!] = Number(line.split(' ').at(-1));
  }
  return reads;
}

type Row = [string, string, string];

/** Each sample credential once (all cache misses), then once more (hits), one request at a time. */
async function lookupLatency(gateway: string, samples: Seeded['samples']): Promise<Row[]> {
  const url = `${gateway}/bench/1.0/items`;
  const kinds: Array<[string, string[], (v: string) => Record<string, string>]> = [
    ['opaque token', samples.opaque, (v) => ({ authorization: `Bearer ${v}` })],
    ['API key', samples.apiKeys, (v) => ({ apikey: v })],
    ['JWT (signature + jti)', samples.jwts, (v) => ({ authorization: `Bearer ${v}` })],
  ];
  const rows: Row[] = [];
  for (const [name, values, header] of kinds) {
    // The first tenth warms the process (JIT, pool connections) and is not counted.
    const warm = Math.min(100, Math.floor(values.length / 10));
    for (const v of values.slice(0, warm)) await present(url, header(v));
    const measured = values.slice(warm);
    const before = await storeReads(gateway);
    const pass = async () => {
      const times: number[] = [];
      let failed = 0;
      for (const v of measured) {
        const [status, t] = await present(url, header(v));
        if (status !== 200) failed++;
        times.push(t);
      }
      return { times, failed };
    };
    const miss = await pass();
    const after = await storeReads(gateway);
    const hit = await pass();
    const reads = Object.keys(after).reduce((sum, k) => sum + after[k]! - (before[k] ?? 0), 0);
    const note = `${measured.length} credentials, ${reads} store reads, ${miss.failed + hit.failed} non-200`;
    rows.push([`${name}: first presentation (cache miss → PostgreSQL), p50 / p99`, `${ms(pct(miss.times, 50))} / ${ms(pct(miss.times, 99))}`, note]);
    rows.push([`${name}: second presentation (cache hit), p50 / p99`, `${ms(pct(hit.times, 50))} / ${ms(pct(hit.times, 99))}`, 'same credentials, same order']);
  }
  return rows;
}

/** The store's own queries sent straight to PostgreSQL (one connection, one at a time): the floor under a cache miss. */
async function sqlLookupLatency(url: string, samples: Seeded['samples'], hash: Seeded['hash']): Promise<Row[]> {
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const jti = (jwt: string) => (JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti;
  // Bulk rows nobody has read since the index was built: their index and heap pages are cold.
  const bulk = (prefix: string, total: number) => Array.from({ length: samples.opaque.length }, () => sha256(`${prefix}${1 + Math.floor(Math.random() * total)}`));
  const kinds: Array<[string, string, string[]]> = [
    ['opaque token (the samples, just read by the gateway)', 'select * from access_tokens where hash = $1', samples.opaque.map(hash)],
    ['opaque token (bulk rows never read before)', 'select * from access_tokens where hash = $1', bulk('at-', scale.tokens)],
    ['API key (the samples)', 'select * from api_keys where hash = $1', samples.apiKeys.map(hash)],
    ['API key (bulk rows never read before)', 'select * from api_keys where hash = $1', bulk('ak-', scale.apiKeys)],
    ['JWT jti (the samples)', 'select * from access_tokens where jti = $1', samples.jwts.map(jti)],
  ];
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const rows: Row[] = [];
    for (const [name, query, keys] of kinds) {
      const times: number[] = [];
      for (const key of keys) {
        const started = performance.now();
        if ((await db.query(query, [key])).rowCount !== 1) throw new Error(`${name}: row not found`);
        times.push(performance.now() - started);
      }
      rows.push([`${name}: the store's query alone, p50 / p99`, `${ms(pct(times, 50))} / ${ms(pct(times, 99))}`, `${keys.length} lookups, one connection, one at a time`]);
    }
    return rows;
  } finally {
    await db.end();
  }
}

/** Cached-hit requests/s for one opaque token through one gateway, against the bare proxy, interleaved rounds. */
async function throughput(gateway: string, baseline: string, token: string): Promise<Row[]> {
  const headers = { authorization: `Bearer ${token}` };
  const ratios: number[] = [];
  const rps: Record<string, number[]> = { baseline: [], gatehouse: [] };
  const p99: Record<string, number[]> = { baseline: [], gatehouse: [] };
  for (let round = 0; round < rounds; round++) {
    const b = await load({ url: `${baseline}/bench/1.0/items`, headers, duration: seconds, connections: 50 });
    const g = await load({ url: `${gateway}/bench/1.0/items`, headers, duration: seconds, connections: 50 });
    if (g.non2xx + g.errors > 0) throw new Error(`gateway: ${g.non2xx} non-2xx, ${g.errors} errors under load`);
    rps.baseline!.push(b.requestsPerSecond);
    rps.gatehouse!.push(g.requestsPerSecond);
    p99.baseline!.push(b.p99Ms);
    p99.gatehouse!.push(g.p99Ms);
    ratios.push(g.requestsPerSecond / b.requestsPerSecond);
  }
  const note = `median of ${rounds} interleaved ${seconds} s runs, 50 connections`;
  return [
    ['bare proxy (baseline), requests/s (p99)', `${pct(rps.baseline!, 50)} (${pct(p99.baseline!, 50)} ms)`, note],
    ['gateway, cached opaque token, requests/s (p99)', `${pct(rps.gatehouse!, 50)} (${pct(p99.gatehouse!, 50)} ms)`, note],
    ['gateway / baseline', `${Math.round(100 * pct(ratios, 50))}%`, `rounds: ${ratios.map((r) => `${Math.round(100 * r)}%`).join(', ')}`],
  ];
}

interface ControlPlane {
  url: string;
  clientAuth: string;
}

async function issue(control: ControlPlane): Promise<string> {
  const res = await fetch(`${control.url}/oauth2/token`, { method: 'POST', headers: { authorization: control.clientAuth, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials', signal: AbortSignal.timeout(10_000) });
  if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}`);
  return String(((await res.json()) as { access_token: string }).access_token);
}

async function revoke(control: ControlPlane, token: string): Promise<{ durationMs: number; propagation: string }> {
  const started = performance.now();
  const res = await fetch(`${control.url}/oauth2/revoke`, { method: 'POST', headers: { authorization: control.clientAuth, 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${token}`, signal: AbortSignal.timeout(10_000) });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`revocation endpoint answered ${res.status}`);
  return { durationMs: performance.now() - started, propagation: res.headers.get('gatehouse-propagation') ?? '(none)' };
}

/** Issue, use at both gateways, revoke; the revoke call's duration, its header, and both gateways' very next answer. */
async function revocationRound(control: ControlPlane, gateways: string[], count: number) {
  const durations: number[] = [];
  const headers: Record<string, number> = {};
  let notServed = 0;
  let notRefused = 0;
  const status = async (gateway: string, t: string) => (await present(`${gateway}/bench/1.0/items`, { authorization: `Bearer ${t}` }))[0];
  for (let i = 0; i < count; i++) {
    const token = await issue(control);
    for (const g of gateways) if ((await status(g, token)) !== 200) notServed++;
    const { durationMs, propagation } = await revoke(control, token);
    durations.push(durationMs);
    headers[propagation.split('=')[0]!] = (headers[propagation.split('=')[0]!] ?? 0) + 1;
    for (const g of gateways) if ((await status(g, token)) !== 401) notRefused++;
  }
  return { durations, headers, notServed, notRefused };
}

/** Load with known credentials through one gateway; redis-server is killed (SIGKILL) `killAtMs` in. */
async function redisKilledUnderLoad(gateway: string, redis: PrivateRedis, samples: Seeded['samples']) {
  const killAt = 3000;
  const requests = [
    { headers: { authorization: `Bearer ${samples.opaque[0]}` } },
    { headers: { apikey: samples.apiKeys[0]! } },
    { headers: { authorization: `Bearer ${samples.jwts[0]}` } },
  ];
  const timer = setTimeout(() => void redis.stop(), killAt);
  const result = await autocannon({ url: `${gateway}/bench/1.0/items`, requests, duration: 10, connections: 20 });
  clearTimeout(timer);
  return { total: result.requests.total, ok: result['2xx'], non2xx: result.non2xx, errors: result.errors + result.timeouts, killAt };
}

/** With Redis gone: a revocation's header, and how long until both gateways refuse the token (polled, ≤ 3 s). */
async function revocationWithoutRedis(control: ControlPlane, gateways: string[], count: number) {
  const lags: number[] = [];
  const headers = new Set<string>();
  for (let i = 0; i < count; i++) {
    const token = await issue(control);
    for (const g of gateways) await present(`${g}/bench/1.0/items`, { authorization: `Bearer ${token}` });
    const { propagation } = await revoke(control, token);
    headers.add(propagation);
    const returned = performance.now();
    const times = await Promise.all(
      gateways.map(async (g) => {
        while (performance.now() - returned < 3000) {
          if ((await present(`${g}/bench/1.0/items`, { authorization: `Bearer ${token}` }))[0] === 401) return performance.now() - returned;
          await sleep(5);
        }
        return Number.POSITIVE_INFINITY;
      }),
    );
    lags.push(Math.max(...times));
  }
  return { lags, headers: [...headers] };
}

/** The 1, 5 and 15-minute load averages: the two cores are shared with whatever else runs. */
const loadAverage = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

function machine(): string {
  const cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
  const memory = Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0) / 2 ** 20;
  const postgres = execFileSync('psql', [baseUrl, '-Atc', 'show server_version'], { encoding: 'utf8' }).trim();
  return `${availableParallelism()} cores (${cpu}), ${memory.toFixed(0)} GiB, Node ${process.version}, PostgreSQL ${postgres}, redis-server ${execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).split(' ')[2]}`;
}

function printRows(title: string, rows: Row[]): void {
  console.log(`\n### ${title}\n\n| Measure | Value | Note |\n|---|---:|---|`);
  for (const [measure, value, note] of rows) console.log(`| ${measure} | ${value} | ${note} |`);
}

const db = await freshPostgresDatabase(baseUrl);
const redis = new PrivateRedis(await freePort());
let cleaned = false;
async function cleanUp(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  await Promise.all(children.map(stopChild));
  await redis.stop().catch(() => undefined);
  // Whatever child process is left (none should be) is ours.
  const stray = spawnSync('pgrep', ['-P', String(process.pid)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
  for (const pid of stray) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  await db.drop().catch((error: Error) => console.error(`could not drop the database: ${error.message}`));
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
// Everything is bounded; this bounds the whole run too (seeding included).
setTimeout(() => {
  console.error('bench:scale: time limit reached, cleaning up');
  void cleanUp().finally(() => process.exit(1));
}, num('BENCH_TIMEOUT_MINUTES', 40) * 60_000).unref();

try {
  const main = buildPrivately();
  const about = machine();
  const loadAtStart = loadAverage();
  await redis.start();
  const env = {
    GATEHOUSE_STORE: db.url,
    GATEHOUSE_REDIS_URL: redis.url,
    GATEHOUSE_DATA_DIR: tempDir('gatehouse-bench-scale-'),
    GATEHOUSE_SECRETS: 'bench-scale-secret-0123456789abcdefghijklmn',
    GATEHOUSE_ISSUER: 'https://gatehouse.bench',
    GATEHOUSE_CONTROL_PORT: '0',
    GATEHOUSE_GATEWAY_PORT: '0',
    GATEHOUSE_ADMIN_PASSWORD: 'bench-admin-password',
  };
  const backend = await spawnLine('echo-backend.ts', {}, 'backend');
  const rows: Row[] = [];
  // Start-up and memory of a gateway on the store before the bulk rows, for comparison.
  const seeded = await seed(env, backend, scale, async () => {
    const gateway = await startServer(main, 'gateway', env);
    const { rss } = memory(gateway.child.pid!);
    await stopChild(gateway.child);
    rows.push(['gateway on the store before seeding: start-up to /health/ready 200; RSS', `${ms(gateway.readyMs)}; ${mb(rss)}`, 'for comparison']);
  });
  const results: Record<string, Row[]> = {};
  const seedSeconds = seeded.timings.reduce((s, [, t]) => s + t, 0);
  results.Seeding = [
    ...seeded.timings.map(([label, t]): Row => [`seed: ${label}`, `${t.toFixed(1)} s`, '']),
    ['seeding in all', `${seedSeconds.toFixed(1)} s`, `${(Object.values(seeded.rows).reduce((a, b) => a + b, 0) / seedSeconds / 1000).toFixed(0)}k rows/s`],
    ...Object.entries(seeded.rows).map(([table, n]): Row => [`rows in ${table}`, n.toLocaleString('en'), '']),
    ...Object.entries(seeded.sizes).map(([name, bytes]): Row => [`size of ${name}`, mb(bytes), '']),
  ];
  printRows('Seeding', results.Seeding);

  const control = await startServer(main, 'control', env);
  const gateways = [await startServer(main, 'gateway', env), await startServer(main, 'gateway', env)];
  const started = gateways.map((g) => memory(g.child.pid!));
  gateways.forEach((g, i) => {
    rows.push([`gateway ${i + 1}: start-up, spawn → URL printed / → /health/ready 200`, `${ms(g.printedMs)} / ${ms(g.readyMs)}`, 'goal ≤ 3 s']);
    rows.push([`gateway ${i + 1}: RSS after start`, mb(started[i]!.rss), 'goal ≤ 300 MB']);
  });
  rows.push(['control: start-up, spawn → /health/ready 200', ms(control.readyMs), `RSS ${mb(memory(control.child.pid!).rss)}`]);
  results['Start-up and memory'] = rows;
  printRows('Start-up and memory', rows);

  results['Lookup latency'] = [...(await lookupLatency(gateways[0]!.url, seeded.samples)), ...(await sqlLookupLatency(db.url, seeded.samples, seeded.hash))];
  printRows('Lookup latency (client-side, one request at a time, through gateway 1 to the echo backend)', results['Lookup latency']);

  const baseline = await spawnLine('baseline-proxy.ts', { BASELINE_TARGET: backend, BASELINE_WORKERS: '1' }, 'baseline');
  results.Throughput = await throughput(gateways[0]!.url, baseline, seeded.samples.opaque[0]!);
  printRows('Cached-hit throughput', results.Throughput);

  const controlPlane = { url: control.url, clientAuth: seeded.clientAuth };
  const gatewayUrls = gateways.map((g) => g.url);
  const rev = await revocationRound(controlPlane, gatewayUrls, revocations);
  results.Revocation = [
    [`revoke call duration, p50 / p99 (${rev.durations.length} revocations)`, `${ms(pct(rev.durations, 50))} / ${ms(pct(rev.durations, 99))}`, `max ${ms(Math.max(...rev.durations))}; goal p99 ≤ 50 ms`],
    ['Gatehouse-Propagation headers', Object.entries(rev.headers).map(([h, n]) => `${h}: ${n}`).join(', '), 'goal: all confirmed'],
    ['gateway answers ≠ 401 right after the revoke returned', String(rev.notRefused), `of ${2 * rev.durations.length}; must be 0`],
    ['fresh tokens not served before revocation', String(rev.notServed), `of ${2 * rev.durations.length}`],
  ];
  printRows('Revocation confirmed at 2 gateways', results.Revocation);

  const loaded = gateways.map((g) => memory(g.child.pid!));
  results['Start-up and memory'].push(
    ...loaded.map((m, i): Row => [`gateway ${i + 1}: RSS after the load above (peak)`, `${mb(m.rss)} (${mb(m.peak)})`, 'goal ≤ 300 MB']),
  );

  const killed = await redisKilledUnderLoad(gateways[0]!.url, redis, seeded.samples);
  await sleep(1000);
  const ready = await Promise.all(gatewayUrls.map((g) => fetch(`${g}/health/ready`).then((r) => r.status, () => 0)));
  const without = await revocationWithoutRedis(controlPlane, gatewayUrls, 5);
  results['Redis killed'] = [
    [`requests through gateway 1 in 10 s, redis-server SIGKILLed ${killed.killAt / 1000} s in`, killed.total.toLocaleString('en'), 'opaque token, API key, JWT in turn; 20 connections'],
    ['non-2xx answers / errors + timeouts', `${killed.non2xx} / ${killed.errors}`, 'goal 0 / 0'],
    ['/health/ready of both gateways, Redis gone', ready.join(', '), ''],
    ['revocation with Redis gone: header; until both gateways refuse (max of 5)', `${without.headers.join(', ')}; ${ms(Math.max(...without.lags))}`, 'gateways poll the event log every 250 ms'],
  ];
  printRows('Redis killed under load', results['Redis killed']);

  console.log(`\n## bench:scale — ${about}; load average ${loadAtStart} at the start, ${loadAverage()} at the end`);
  console.log(
    `Scale: ${scale.tokens.toLocaleString('en')} live opaque tokens, ${scale.apiKeys.toLocaleString('en')} live API keys, ${scale.revokedJwts.toLocaleString('en')} revoked never-expiring JWTs, ` +
      `${scale.sample} real credentials of each kind. Settings: defaults (1 worker per process, info logging to a file), 1 control + 2 gateway processes, private redis-server.`,
  );
  for (const [title, table] of Object.entries(results)) printRows(title, table);
} finally {
  await cleanUp();
}
