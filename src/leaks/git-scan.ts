import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { findingOf, type Finding } from './finding.ts';
import type { ScanStats } from './file-scan.ts';
import { TextScanner, looksBinary } from './text-scanner.ts';

/** Where a blob first appeared: the oldest commit (in `git log --reverse` order) that added it at a path. */
interface BlobOrigin {
  commit: string;
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
      out.push(findingOf(m, { source: 'git', commit: blob.origin.commit, path: blob.origin.path, line: m.line, column: m.column }));
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

/** Scans every blob reachable from any ref of the repository at `repo`, each once. */
export async function scanGitHistory(repo: string, options: { binary?: boolean } = {}): Promise<{ findings: Finding[]; stats: ScanStats }> {
  const stats: ScanStats = { files: 0, bytes: 0, skippedBinary: 0, unreadable: 0 };
  const findings: Finding[] = [];
  await scanBlobs(repo, await blobOrigins(repo), stats, findings, options.binary ?? false);
  return { findings, stats };
}
