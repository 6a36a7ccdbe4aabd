import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintCredential, type CredentialKind } from '../../src/core/credentials.ts';
import { cryptoRandom } from '../../src/core/random.ts';
import { findCredentials } from '../../src/leaks/credential-pattern.ts';
import { scanPaths } from '../../src/leaks/file-scan.ts';
import { scanGitHistory, scanStaged } from '../../src/leaks/git-scan.ts';
import { TextScanner } from '../../src/leaks/text-scanner.ts';
import { BIN } from '../support/process.ts';

const mint = (kind: CredentialKind) => mintCredential(kind, cryptoRandom);
const git = (cwd: string, ...args: string[]) => {
  const res = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });
  if (res.status !== 0) throw new Error(res.stderr);
  return res.stdout.trim();
};
const scanCli = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [BIN, 'scan', ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });

describe('credential pattern', () => {
  it('finds every kind the project mints, at word boundaries only, and rejects a wrong checksum', () => {
    for (const kind of ['consumerSecret', 'accessToken', 'refreshToken', 'authorizationCode', 'apiKeyProduction', 'apiKeySandbox', 'session'] as const) {
      const value = mint(kind);
      expect(findCredentials(`key="${value}"`)).toEqual([{ kind, value, index: 5 }]);
      expect(findCredentials(`x${value}`)).toEqual([]);
      expect(findCredentials(`${value}a`)).toEqual([]);
      const last = value.at(-1) === 'A' ? 'B' : 'A';
      expect(findCredentials(value.slice(0, -1) + last)).toEqual([]);
    }
  });

  it('a credential cut across chunk boundaries is found exactly once, with its line', () => {
    const value = mint('apiKeyProduction');
    const text = `${'line\n'.repeat(1000)}apikey: ${value}\nmore\n`;
    const buffer = Buffer.from(text);
    for (const size of [1, 7, 64, 5003, 5010, 5020, buffer.length]) {
      const scanner = new TextScanner();
      const found = [];
      for (let i = 0; i < buffer.length; i += size) found.push(...scanner.push(buffer.subarray(i, i + size), false));
      found.push(...scanner.push(Buffer.alloc(0), true));
      expect(found.map((m) => [m.value, m.line, m.column]), `chunk ${size}`).toEqual([[value, 1001, 9]]);
    }
  });
});

describe('gatehouse scan', { timeout: 120_000 }, () => {
  let dir: string;
  const current = mint('apiKeyProduction');
  const historic = mint('consumerSecret');
  const deleted = mint('accessToken');
  const lookalike = `gak_sbx_${'a'.repeat(43)}000000`;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-scan-'));
    git(dir, 'init', '-q', '-b', 'main');
    mkdirSync(join(dir, 'config'));
    writeFileSync(join(dir, 'config', 'app.env'), `# settings\nAPI_KEY=${current}\nLOOKALIKE=${lookalike}\n`);
    writeFileSync(join(dir, 'client.json'), `{"secret": "${historic}"}\n`);
    writeFileSync(join(dir, 'notes with space.txt'), `token\n\n  ${deleted}\n`);
    writeFileSync(join(dir, 'image.bin'), Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(mint('session'))]));
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'first');
    writeFileSync(join(dir, 'client.json'), '{"secret": "from the environment"}\n');
    git(dir, 'rm', '-q', 'notes with space.txt');
    git(dir, 'commit', '-q', '-am', 'remove secrets');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('files: finds the current credential with file:line, skips binary files, never a look-alike', async () => {
    const { findings, stats } = await scanPaths([dir]);
    expect(findings.map((f) => [f.kind, f.location.path, f.location.line, f.location.column])).toEqual([['apiKeyProduction', join(dir, 'config', 'app.env'), 2, 9]]);
    expect(stats.skippedBinary).toBe(1);
    expect((await scanPaths([dir], { binary: true })).findings.map((f) => f.kind).sort()).toEqual(['apiKeyProduction', 'session']);
  });

  it('--git: finds credentials in current files, in history and in a deleted file, with the commit that added them', async () => {
    const first = git(dir, 'rev-list', '--max-parents=0', 'HEAD');
    const { findings } = await scanGitHistory(dir);
    const byKind = Object.fromEntries(findings.map((f) => [f.kind, f.location]));
    expect(findings).toHaveLength(3);
    expect(byKind.apiKeyProduction).toEqual({ source: 'git', commit: first, path: 'config/app.env', line: 2, column: 9 });
    expect(byKind.consumerSecret).toEqual({ source: 'git', commit: first, path: 'client.json', line: 1, column: 13 });
    expect(byKind.accessToken).toEqual({ source: 'git', commit: first, path: 'notes with space.txt', line: 3, column: 3 });
  });

  it('--staged: what the next commit would hold, not what the working tree holds (a pre-commit hook)', async () => {
    const staged = mint('refreshToken');
    const unstaged = mint('apiKeySandbox');
    writeFileSync(join(dir, 'staged.txt'), `${staged}\n`);
    git(dir, 'add', 'staged.txt');
    writeFileSync(join(dir, 'staged.txt'), 'cleaned in the working tree, not in the index\n');
    writeFileSync(join(dir, 'client.json'), `{"secret": "${unstaged}"}\n`);
    const { findings } = await scanStaged(dir);
    expect(findings.map((f) => [f.kind, f.location])).toEqual([['refreshToken', { source: 'staged', path: 'staged.txt', line: 1, column: 1 }]]);
    git(dir, 'rm', '-q', '--cached', '-f', 'staged.txt');
    git(dir, 'checkout', '-q', 'client.json');
    rmSync(join(dir, 'staged.txt'));
    expect((await scanStaged(dir)).findings).toEqual([]);
  });

  it('the command never prints a whole credential, and exits 1 when it found one, 0 when not, 2 on a usage error', () => {
    const res = scanCli(['--git', dir]);
    expect(res.status).toBe(1);
    for (const value of [current, historic, deleted]) {
      expect(res.stdout).not.toContain(value);
      expect(res.stderr).not.toContain(value);
    }
    expect(res.stdout).toContain(`config/app.env:2:9: Gatehouse production API key ${current.slice(0, 13)}…`);
    expect(res.stdout.trim().split('\n')).toHaveLength(3);

    const clean = mkdtempSync(join(tmpdir(), 'gatehouse-scan-clean-'));
    writeFileSync(join(clean, 'a.txt'), `${lookalike}\n`);
    expect(scanCli([clean]).status).toBe(0);
    expect(scanCli(['--json', '--sarif', clean]).status).toBe(2);
    expect(scanCli(['--no-such-flag']).status).toBe(2);
    expect(scanCli(['--check', clean], { GATEHOUSE_SERVER: '', GATEHOUSE_ADMIN_TOKEN: '' }).status).toBe(2);
    expect(scanCli([join(clean, 'missing')]).status).toBe(2);
    rmSync(clean, { recursive: true });
  });

  it('--json and --sarif: structured findings without the secret', () => {
    const json = JSON.parse(scanCli(['--json', dir]).stdout) as { findings: Array<Record<string, unknown>> };
    expect(json.findings).toEqual([
      expect.objectContaining({ type: 'apiKeyProduction', prefix: 'gak_prod_', redacted: `${current.slice(0, 13)}…`, source: 'file', line: 2, column: 9 }),
    ]);
    const sarif = JSON.parse(scanCli(['--sarif', '--git', dir]).stdout) as {
      version: string;
      runs: Array<{ tool: { driver: { rules: Array<{ id: string }> } }; results: Array<{ ruleId: string; ruleIndex: number; locations: unknown[]; properties: { commit?: string } }> }>;
    };
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0]!;
    expect(run.tool.driver.rules.map((r) => r.id)).toContain('gatehouse/consumerSecret');
    expect(run.results).toHaveLength(3);
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
    expect(JSON.stringify(sarif)).not.toContain(historic);
  });
});
