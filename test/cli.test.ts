import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from './support/process.ts';

/** The operator's CLI, run as a real process against a fresh store. */

const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-'));
const env = {
  ...process.env,
  GATEHOUSE_STORE: `sqlite:${join(dataDir, 'gatehouse.db')}`,
  GATEHOUSE_DATA_DIR: dataDir,
  GATEHOUSE_SECRETS: 'cli-system-secret-0123456789abcdefghijklmnopq',
};
const run = (args: string[], input?: string) => spawnSync(process.execPath, [BIN, ...args], { env, input, encoding: 'utf8', timeout: 30_000 });

// Each command is a fresh Node process; on a loaded 2-core machine a few take seconds each.
describe('gatehouse CLI', { timeout: 120_000 }, () => {
  it('--help works on every command', () => {
    for (const args of [['--help'], ['start', '--help'], ['migrate', '--help'], ['users', 'add', '--help'], ['keys', 'rotate', '--help'], ['config', '--help']]) {
      const res = run(args);
      expect(res.status).toBe(0);
      expect(res.stdout).toMatch(/Usage: gatehouse/);
    }
    expect(run(['start', '--help']).stdout).toContain('--control-port <value>');
  });

  it('migrate, then users add (password from stdin), list, disable and enable', () => {
    expect(run(['migrate']).stdout).toContain('store is up to date');
    const added = run(['users', 'add', 'alice', '--role', 'publisher', 'subscriber', '--password-stdin'], 'alice-password-1\n');
    expect(added.status).toBe(0);
    expect(added.stdout).toContain('created user alice (publisher, subscriber)');
    expect(run(['users', 'add', 'alice', '--password-stdin'], 'another-password\n').stderr).toContain('already exists');
    expect(run(['users', 'add', 'bob', '--password-stdin'], 'short\n').stderr).toContain('at least 8 characters');
    expect(run(['users', 'list']).stdout).toMatch(/alice\s+publisher,subscriber\s+active/);
    expect(run(['users', 'disable', 'alice']).stdout).toContain('disabled alice');
    expect(run(['users', 'list']).stdout).toMatch(/alice\s+publisher,subscriber\s+disabled/);
    expect(run(['users', 'enable', 'alice']).status).toBe(0);
    expect(run(['users', 'disable', 'nobody']).stderr).toContain('no user named nobody');
  });

  it('keys rotate makes a new active key and keeps the old one for verification', () => {
    const first = run(['keys', 'rotate']);
    expect(first.status).toBe(0);
    const second = run(['keys', 'rotate']);
    const list = run(['keys', 'list']).stdout;
    expect(list.match(/active/g)).toHaveLength(1);
    expect(list.match(/retired/g)?.length).toBeGreaterThanOrEqual(1);
    expect(list).toContain(second.stdout.split(' ')[4]);
  });

  it('a bad setting stops with a message naming it', () => {
    const res = spawnSync(process.execPath, [BIN, 'start', '--control-port', 'nope'], { env, encoding: 'utf8', timeout: 30_000 });
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('invalid setting controlPort / GATEHOUSE_CONTROL_PORT / --control-port');
  });
});

/**
 * What `npm start` runs: the compiled build. The tests above (and every spawned server) run the current
 * sources through tsx; this one builds those same sources into a scratch folder, without the type
 * check, and starts the result with default settings, so a missing asset or an import that only works
 * under tsx shows here, and so does the default logging (one access line per proxied request).
 */
describe('the compiled build', { timeout: 180_000 }, () => {
  const root = join(import.meta.dirname, '..');
  // Inside the repository, so the build finds node_modules as dist/ does.
  const out = join(root, '.tmp', `cli-build-${process.pid}`);
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-build-'));
  // Default settings, without VITEST, as a user's shell runs it (child_process leaves out undefined variables).
  const buildEnv: NodeJS.ProcessEnv = { ...env, VITEST: undefined, GATEHOUSE_LOG_LEVEL: undefined, GATEHOUSE_STORE: `sqlite:${join(dir, 'gatehouse.db')}`, GATEHOUSE_DATA_DIR: dir };
  const backend = createServer((_request, response) => response.end('from the backend'));

  afterAll(() => {
    backend.close();
    rmSync(out, { recursive: true, force: true });
  });

  it('builds, serves its assets, proxies from forked workers and logs one line per request', async () => {
    const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--out', out, '--no-check'], { encoding: 'utf8', timeout: 120_000 });
    expect(build.status, build.stderr + build.stdout).toBe(0);
    expect(readFileSync(join(out, 'assets/gatehouse.css'), 'utf8')).toBe(readFileSync(join(root, 'src/http/assets/gatehouse.css'), 'utf8'));
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    const backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
    const definition = join(dir, 'echo.json');
    writeFileSync(definition, JSON.stringify({ openapi: '3.0.0', info: { title: 'Echo', version: '1.0' }, paths: { '/hello': { get: { security: [], responses: { 200: { description: 'OK' } } } } } }));

    const child = spawn(process.execPath, [join(out, 'gatehouse.js'), 'start', '--workers', '2'], {
      env: { ...buildEnv, GATEHOUSE_CONTROL_PORT: '0', GATEHOUSE_GATEWAY_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let proxiedOk = 0; // proxied requests answered 200 while waiting for both workers
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const urls = await new Promise<Record<string, string>>((resolve, reject) => {
        const found: Record<string, string> = {};
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          for (const m of output.matchAll(/^(control|gateway): (http\S+)$/gm)) found[m[1]!] = m[2]!;
          if (found.control && found.gateway) resolve(found);
        };
        child.stdout!.on('data', onData);
        child.stderr!.on('data', onData);
        void exited.then((code) => reject(new Error(`exited with ${code}:\n${output}`)));
      });
      expect((await fetch(`${urls.control}/assets/gatehouse.css`)).status).toBe(200);
      expect((await fetch(`${urls.control}/assets/portal.js`)).status).toBe(200);
      expect((await fetch(`${urls.gateway}/health/ready`)).status).toBe(200);

      // The bundled OAuth2 path, its addons and its JWT library: a WSO2-style REST client registered with
      // the generated admin password (Argon2), a password-grant token (RS256), and a REST call with it.
      const adminPassword = /^admin password \(shown once, stored hashed\): (\S+)$/m.exec(output)![1]!;
      const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
      const registered = await fetch(`${urls.control}/client-registration/v0.17/register`, {
        method: 'POST',
        headers: { authorization: basic('admin', adminPassword), 'content-type': 'application/json' },
        body: JSON.stringify({ clientName: 'bundle_check', owner: 'admin', grantType: 'password', saasApp: true }),
      });
      expect(registered.status).toBe(200);
      const client = (await registered.json()) as { clientId: string; clientSecret: string };
      const issued = await fetch(`${urls.control}/oauth2/token`, {
        method: 'POST',
        headers: { authorization: basic(client.clientId, client.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'password', username: 'admin', password: adminPassword, scope: 'apim:admin' }),
      });
      expect(issued.status).toBe(200);
      const { access_token: token } = (await issued.json()) as { access_token: string };
      expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: 'RS256' });
      const tiers = await fetch(`${urls.control}/api/am/admin/v4/throttling/policies/application`, { headers: { authorization: `Bearer ${token}` } });
      expect(tiers.status).toBe(200);
      expect(((await tiers.json()) as { count: number }).count).toBeGreaterThan(0);

      // Published from another process: the server and its workers pick it up from the event log.
      const imported = spawnSync(process.execPath, [join(out, 'gatehouse.js'), 'apis', 'import', definition, '--context', '/echo', '--production', backendUrl, '--publish'], { env: buildEnv, encoding: 'utf8', timeout: 30_000 });
      expect(imported.status, imported.stderr).toBe(0);
      const proxied = `${urls.gateway}/echo/1.0/hello?sentinel=query-value`;
      // Each worker applies the change on its own (relayed by the primary, or read from the log): wait
      // until parallel requests, which open connections the primary spreads over both workers, all pass.
      const allPass = async () => {
        const statuses = (await Promise.all(Array.from({ length: 6 }, () => fetch(proxied, { headers: { connection: 'close' } })))).map((r) => r.status);
        proxiedOk += statuses.filter((s) => s === 200).length;
        return statuses.every((s) => s === 200);
      };
      await expect.poll(allPass, { timeout: 15_000, interval: 200 }).toBe(true);
      for (let i = 0; i < 4; i++) expect(await (await fetch(proxied)).text()).toBe('from the backend');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    // Logs are buffered and written at exit at the latest, from the workers too.
    const lines = output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    const proxiedLines = lines.filter((l) => l.path === '/echo/1.0/hello');
    expect(proxiedLines.filter((l) => l.status === 200)).toHaveLength(4 + proxiedOk);
    expect(proxiedLines.every((l) => l.msg === 'request')).toBe(true);
    expect(lines.filter((l) => /remote server|response received/.test(String(l.msg)))).toEqual([]);
    expect(output).not.toContain('query-value');
    expect(output).not.toMatch(/tsx|\.ts:/);
  });
});
