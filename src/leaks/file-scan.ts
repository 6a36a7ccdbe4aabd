import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { findingOf, type Finding } from './finding.ts';
import { TextScanner, looksBinary } from './text-scanner.ts';

export interface FileScanOptions {
  /** Directory names never entered (e.g. node_modules); `.git` is always skipped. */
  excludeDirs?: readonly string[];
  /** Also scan files that look binary (a NUL in their first 8000 bytes). */
  binary?: boolean;
  /** Files read at once; default 32. */
  concurrency?: number;
}

export interface ScanStats {
  files: number;
  bytes: number;
  skippedBinary: number;
  /** Files that vanished or could not be read while scanning (permissions). */
  unreadable: number;
}

/** Files up to this size are read whole; larger ones in chunks of CHUNK_BYTES. */
const WHOLE_FILE_BYTES = 64 * 1024 * 1024;
const CHUNK_BYTES = 8 * 1024 * 1024;

/** Every regular file under the given paths, depth first; symbolic links are not followed. */
async function* walk(path: string, exclude: ReadonlySet<string>): AsyncGenerator<string> {
  const info = await stat(path);
  if (info.isFile()) {
    yield path;
    return;
  }
  if (!info.isDirectory()) return;
  const entries = await readdir(path, { withFileTypes: true });
  for (const entry of entries) {
    if (entry.name === '.git' || exclude.has(entry.name)) continue;
    const child = join(path, entry.name);
    if (entry.isDirectory()) yield* walk(child, exclude);
    else if (entry.isFile()) yield child;
  }
}

async function scanLargeFile(path: string, options: FileScanOptions, stats: ScanStats, out: Finding[]): Promise<void> {
  const handle = await open(path, 'r');
  try {
    const scanner = new TextScanner();
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    for (let first = true; ; first = false) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
      const chunk = buffer.subarray(0, bytesRead);
      if (first && !options.binary && looksBinary(chunk)) {
        stats.skippedBinary++;
        return;
      }
      stats.bytes += bytesRead;
      for (const m of scanner.push(chunk, bytesRead === 0)) out.push(findingOf(m, { source: 'file', path, line: m.line, column: m.column }));
      if (bytesRead === 0) return;
    }
  } finally {
    await handle.close();
  }
}

async function scanFile(path: string, options: FileScanOptions, stats: ScanStats, out: Finding[]): Promise<void> {
  stats.files++;
  const { size } = await stat(path);
  if (size > WHOLE_FILE_BYTES) return scanLargeFile(path, options, stats, out);
  const content = await readFile(path);
  if (!options.binary && looksBinary(content)) {
    stats.skippedBinary++;
    return;
  }
  stats.bytes += content.length;
  for (const m of new TextScanner().push(content, true)) out.push(findingOf(m, { source: 'file', path, line: m.line, column: m.column }));
}

/** Scans files and directories, `concurrency` files at a time; findings come back in path order. */
export async function scanPaths(paths: readonly string[], options: FileScanOptions = {}): Promise<{ findings: Finding[]; stats: ScanStats }> {
  const stats: ScanStats = { files: 0, bytes: 0, skippedBinary: 0, unreadable: 0 };
  const exclude = new Set(options.excludeDirs ?? []);
  const findings: Finding[] = [];
  const running = new Set<Promise<void>>();
  const limit = options.concurrency ?? 32;
  for (const root of paths) {
    for await (const path of walk(root, exclude)) {
      const task: Promise<void> = scanFile(path, options, stats, findings)
        .catch((error: NodeJS.ErrnoException) => {
          if (!['EACCES', 'EPERM', 'ENOENT', 'EISDIR'].includes(error.code ?? '')) throw error;
          stats.unreadable++;
        })
        .finally(() => running.delete(task));
      running.add(task);
      if (running.size >= limit) await Promise.race(running);
    }
  }
  await Promise.all(running);
  findings.sort((a, b) => (a.location.path < b.location.path ? -1 : a.location.path > b.location.path ? 1 : a.location.line - b.location.line));
  return { findings, stats };
}
