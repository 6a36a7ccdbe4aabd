import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { findingOf, type Finding } from './finding.ts';
import type { ScanStats } from './file-scan.ts';
import { TextScanner, looksBinary } from './text-scanner.ts';

/** Where a blob first appeared: the oldest commit (in `git log --reverse` order) that added it at a path. */
interface BlobOrigin {
  /** null: the blob is staged in the index, not yet in a commit. */
  commit: string | null;
  path: string;
}

export class GitError extends Error {}

/** git's C-style quoting of unusual paths (core.quotePath only covers bytes ≥ 0x80). */
function unquote(path: string): string {
  if (!path.startsWith('"')) return path;
  const bytes: number[] = [];
  const escapes: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 };
  for (let i = 1; i < path.length - 1; i++) {
    const c = path[i]!;
    if (c !== '\\') {
      bytes.push(...Buffer.from(c));
      continue;
    }
    const next = path[++i]!;
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(path.slice(i, i + 3), 8));
      i += 2;
    } else bytes.push(escapes[next] ?? next.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * Every blob any commit of any ref added or changed, with the first commit and path it appeared at.
 * `-m` lists merges' changes against each parent, `--root` the root commits' files, so a file that
 * existed only in a merge or was deleted later is still there; each blob is listed once.
 */
async function blobOrigins(repo: string): Promise<Map<string, BlobOrigin>> {
  const git = spawn('git', ['-c', 'core.quotePath=false', '-C', repo, 'log', '--all', '--reverse', '-m', '--root', '--raw', '--no-abbrev', '--no-renames', '--format=%x01%H'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const origins = new Map<string, BlobOrigin>();
  let stderr = '';
  git.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let commit = '';
  for await (const line of createInterface({ input: git.stdout, crlfDelay: Infinity })) {
    if (line.startsWith('\x01')) {
      commit = line.slice(1);
      continue;
    }
    // :100644 100644 <old> <new> M\t<path>
    if (!line.startsWith(':')) continue;
    const tab = line.indexOf('\t');
    const [, newMode, , blob, status] = line.slice(1, tab).split(' ');
    if (!blob || status === 'D' || newMode === '160000' || /^0+$/.test(blob)) continue;
    if (!origins.has(blob)) origins.set(blob, { commit, path: unquote(line.slice(tab + 1)) });
  }
  const code = await new Promise<number | null>((resolve) => (git.exitCode !== null ? resolve(git.exitCode) : git.once('close', resolve)));
  if (code !== 0) throw new GitError(`git log failed in ${repo}: ${stderr.trim() || `exit ${code}`}`);
  return origins;
}

/**
 * Reads blobs through one `git cat-file --batch`: `<sha> blob <size>\n<content>\n` per object. Each
 * blob is scanned as its bytes arrive, so memory stays at one chunk whatever the blob's size.
 */
async function scanBlobs(repo: string, origins: Map<string, BlobOrigin>, stats: ScanStats, out: Finding[], binary: boolean): Promise<void> {
  if (origins.size === 0) return;
  const git = spawn('git', ['-C', repo, 'cat-file', '--batch'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  git.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number | null>((resolve) => git.once('close', resolve));
  const input = [...origins.keys()].join('\n') + '\n';
  git.stdin.on('error', () => undefined); // reported through the exit code
  git.stdin.end(input);

  let header = Buffer.alloc(0);
  let current: { origin: BlobOrigin; remaining: number; scanner: TextScanner | null; first: boolean } | null = null;
  const finish = (chunk: Buffer, final: boolean) => {
    const blob = current!;
    if (blob.first) {
      blob.first = false;
      if (!binary && looksBinary(chunk)) {
        stats.skippedBinary++;
        blob.scanner = null;
      }
    }
    if (!blob.scanner) return;
    stats.bytes += chunk.length;
    for (const m of blob.scanner.push(chunk, final)) {
      const { commit, path } = blob.origin;
      out.push(findingOf(m, commit === null ? { source: 'staged', path, line: m.line, column: m.column } : { source: 'git', commit, path, line: m.line, column: m.column }));
    }
  };
  for await (const data of git.stdout as AsyncIterable<Buffer>) {
    let chunk = data;
    while (chunk.length > 0) {
      if (current) {
        if (current.remaining >= 0) {
          const take = Math.min(current.remaining, chunk.length);
          current.remaining -= take;
          finish(chunk.subarray(0, take), current.remaining === 0);
          chunk = chunk.subarray(take);
          if (current.remaining === 0) current.remaining = -1; // the newline after the content
          continue;
        }
        chunk = chunk.subarray(1);
        current = null;
        continue;
      }
      const newline = chunk.indexOf(10);
      if (newline === -1) {
        header = Buffer.concat([header, chunk]);
        break;
      }
      const line = Buffer.concat([header, chunk.subarray(0, newline)]).toString();
      header = Buffer.alloc(0);
      chunk = chunk.subarray(newline + 1);
      const [sha, type, size] = line.split(' ');
      if (type !== 'blob') continue; // "<sha> missing": a shallow or partial clone
      stats.files++;
      current = { origin: origins.get(sha!)!, remaining: Number(size), scanner: new TextScanner(), first: true };
      if (current.remaining === 0) {
        current.remaining = -1;
        current.first = false;
      }
    }
  }
  const code = await closed;
  if (code !== 0) throw new GitError(`git cat-file failed in ${repo}: ${stderr.trim() || `exit ${code}`}`);
}

/**
 * The blobs staged for the next commit (added, copied, modified or changed type): what a pre-commit
 * hook must check, whatever the working tree holds.
 */
async function stagedBlobs(repo: string): Promise<Map<string, BlobOrigin>> {
  const git = spawn('git', ['-C', repo, 'diff', '--cached', '--raw', '-z', '--no-abbrev', '--no-renames', '--diff-filter=ACMT'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  let stderr = '';
  git.stdout.on('data', (d: Buffer) => chunks.push(d));
  git.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => git.once('close', resolve));
  if (code !== 0) throw new GitError(`git diff --cached failed in ${repo}: ${stderr.trim() || `exit ${code}`}`);
  // -z: ":<old mode> <new mode> <old> <new> <status>\0<path>\0" per file, paths unquoted.
  const fields = Buffer.concat(chunks).toString('utf8').split('\0');
  const origins = new Map<string, BlobOrigin>();
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [, newMode, , blob] = fields[i]!.slice(1).split(' ');
    if (blob && newMode !== '160000' && !origins.has(blob)) origins.set(blob, { commit: null, path: fields[i + 1]! });
  }
  return origins;
}

/** Scans what is staged in the repository at `repo` (`scan --staged`). */
export async function scanStaged(repo: string, options: { binary?: boolean } = {}): Promise<{ findings: Finding[]; stats: ScanStats }> {
  const stats: ScanStats = { files: 0, bytes: 0, skippedBinary: 0, unreadable: 0 };
  const findings: Finding[] = [];
  await scanBlobs(repo, await stagedBlobs(repo), stats, findings, options.binary ?? false);
  return { findings, stats };
}

/** Scans every blob reachable from any ref of the repository at `repo`, each once. */
export async function scanGitHistory(repo: string, options: { binary?: boolean } = {}): Promise<{ findings: Finding[]; stats: ScanStats }> {
  const stats: ScanStats = { files: 0, bytes: 0, skippedBinary: 0, unreadable: 0 };
  const findings: Finding[] = [];
  await scanBlobs(repo, await blobOrigins(repo), stats, findings, options.binary ?? false);
  return { findings, stats };
}
