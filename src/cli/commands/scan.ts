import { Command, Option } from 'commander';
import { LeakCheckClient, LeakCheckError } from '../../leaks/leak-check-client.ts';
import { scanPaths, type ScanStats } from '../../leaks/file-scan.ts';
import type { Finding } from '../../leaks/finding.ts';
import { GitError, scanGitHistory, scanStaged } from '../../leaks/git-scan.ts';
import { formatJson, formatSarif, formatText, type LiveStatus, type ScanResult } from '../../leaks/scan-report.ts';

interface ScanOptions {
  git?: boolean;
  staged?: boolean;
  json?: boolean;
  sarif?: boolean;
  check?: boolean;
  revoke?: boolean;
  server?: string;
  token?: string;
  exclude: string[];
  binary?: boolean;
  url?: string;
}

/** Exit codes (README "Leaked credentials"): what a pre-commit hook or CI step needs to know. */
export const SCAN_EXIT = { clean: 0, found: 1, usage: 2 } as const;

class UsageError extends Error {}

function validate(opts: ScanOptions): void {
  if (opts.json && opts.sarif) throw new UsageError('choose one of --json and --sarif');
  if (opts.git && opts.staged) throw new UsageError('choose one of --git and --staged');
  if (opts.revoke && !opts.check) opts.check = true;
  if (opts.check && !opts.server) throw new UsageError('--check and --revoke need --server <url> (or GATEHOUSE_SERVER)');
  if (opts.check && !opts.token) throw new UsageError('--check and --revoke need an admin REST token: --token or GATEHOUSE_ADMIN_TOKEN');
}

async function collect(paths: string[], opts: ScanOptions): Promise<{ findings: Finding[]; stats: ScanStats }> {
  if (!opts.git && !opts.staged) return scanPaths(paths, { excludeDirs: opts.exclude, binary: opts.binary ?? false });
  const findings: Finding[] = [];
  const stats: ScanStats = { files: 0, bytes: 0, skippedBinary: 0, unreadable: 0 };
  for (const repo of paths) {
    const one = await (opts.staged ? scanStaged : scanGitHistory)(repo, { binary: opts.binary ?? false });
    findings.push(...one.findings);
    stats.files += one.stats.files;
    stats.bytes += one.stats.bytes;
    stats.skippedBinary += one.stats.skippedBinary;
  }
  return { findings, stats };
}

/** Asks the server about each distinct credential (by SHA-256), then revokes the live ones if asked. */
async function check(findings: Finding[], opts: ScanOptions): Promise<Map<string, LiveStatus>> {
  const client = new LeakCheckClient(opts.server!, opts.token!);
  const distinct = [...new Map(findings.map((f) => [f.sha256, f])).values()];
  const status = await client.check(distinct.map((f) => ({ sha256: f.sha256, type: f.kind })));
  if (opts.revoke) {
    const live = distinct.filter((f) => status.get(f.sha256) === 'live');
    if (live.length > 0) {
      const revoked = await client.revoke(live.map((f) => ({ sha256: f.sha256, type: f.kind })), opts.url ?? 'gatehouse scan');
      for (const sha of revoked) status.set(sha, 'revoked');
    }
  }
  return status;
}

async function run(paths: string[], opts: ScanOptions): Promise<number> {
  validate(opts);
  const started = process.hrtime.bigint();
  const { findings, stats } = await collect(paths.length ? paths : ['.'], opts);
  const result: ScanResult = { findings, ...(opts.check && findings.length > 0 && { status: await check(findings, opts) }) };
  process.stdout.write(opts.json ? formatJson(result) : opts.sarif ? formatSarif(result) : formatText(result));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const mb = stats.bytes / 1e6;
  process.stderr.write(
    `scanned ${stats.files} ${opts.git || opts.staged ? 'blobs' : 'files'} (${mb.toFixed(1)} MB, ${stats.skippedBinary} binary skipped${stats.unreadable ? `, ${stats.unreadable} unreadable` : ''}) in ${seconds.toFixed(2)} s: ${findings.length} credential(s) found\n`,
  );
  if (!result.status) return findings.length > 0 ? SCAN_EXIT.found : SCAN_EXIT.clean;
  const live = [...result.status.values()].filter((s) => s === 'live' || s === 'revoked' || s === 'unverifiable');
  return live.length > 0 ? SCAN_EXIT.found : SCAN_EXIT.clean;
}

export function scanCommand(): Command {
  return new Command('scan')
    .description('find Gatehouse credentials in files, directories or git history; exit 1 when found (or live, with --check)')
    .argument('[paths...]', 'files and directories to scan (with --git: repositories); default .')
    .option('--git', 'scan every commit of every ref (deleted files included) instead of the files on disk')
    .option('--staged', 'scan the files staged in git\'s index (a pre-commit hook) instead of the files on disk')
    .option('--json', 'print findings as JSON')
    .option('--sarif', 'print findings as SARIF 2.1.0')
    .option('--check', 'ask a Gatehouse server which found credentials are live (sends SHA-256 hashes only)')
    .option('--revoke', 'revoke the live credentials through the server (implies --check)')
    .addOption(new Option('--server <url>', 'Gatehouse control plane for --check/--revoke').env('GATEHOUSE_SERVER'))
    .addOption(new Option('--token <token>', 'admin REST token (apim:admin)').env('GATEHOUSE_ADMIN_TOKEN'))
    .option('--url <where>', 'where the credentials were found, recorded with a revocation')
    .option('--exclude <dir>', 'directory name to skip (repeatable), e.g. node_modules', (v: string, all: string[]) => [...all, v], [])
    .option('--binary', 'also scan files that look binary')
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : SCAN_EXIT.usage))
    .action(async (paths: string[], opts: ScanOptions) => {
      try {
        process.exitCode = await run(paths, opts);
      } catch (error) {
        if (!(error instanceof UsageError || error instanceof GitError || error instanceof LeakCheckError || (error as NodeJS.ErrnoException).code)) throw error;
        process.stderr.write(`gatehouse scan: ${(error as Error).message}\n`);
        process.exitCode = SCAN_EXIT.usage;
      }
    });
}
