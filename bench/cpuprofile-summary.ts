/**
 * Summarises a V8 .cpuprofile (`node --cpu-prof`): self time by function and by where the code lives
 * (a package under node_modules, Node's internals, Gatehouse's own src/ files, GC), optionally only the
 * samples after `fromMs` into the profile (to leave start-up and warm-up out).
 *
 *   node --import tsx bench/cpuprofile-summary.ts <file.cpuprofile> [fromMs] [top]
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Summary {
  totalMs: number;
  byFunction: Array<[string, number]>;
  byPlace: Array<[string, number]>;
  byCategory: Array<[string, number]>;
}

/** What a gateway request spends its time on, by function (`name place:line`); the first match wins. */
const CATEGORIES: Array<[string, RegExp]> = [
  ['access log (pino, sonic-boom, its fs writes)', /pkg:pino|pkg:@pinojs|pkg:sonic-boom|pkg:quick-format|^writeString \(native\)/],
  ['AsyncLocalStorage hooks', /node:(internal\/)?async_hooks/],
  ['crypto (token SHA-256, request-id UUID)', /node:internal\/crypto/],
  ['Gatehouse code (src/)', / src\//],
  ['fastify', /pkg:(fastify|find-my-way|toad-cache|avvio|@fastify\/(error|proxy-addr|forwarded))[:]/],
  ['undici, and reply-from where used (backend request)', /pkg:(@fastify\/reply-from|undici)|wasm:/],
  ['socket writes (native)', /^(writev|writeLatin1String|writeUtf8String|writeAsciiString|writeBuffer) \(native\)/],
  ['Node http, streams, events, ticks', /node:/],
  ['GC', /^\(garbage collector\)/],
];

/** Where a frame's code lives: `pkg:<name>`, `node:<module>`, `src/<file>`, or V8's pseudo-frames. */
export function placeOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return `pkg:${pkg[1]}`;
  if (url.startsWith('node:')) return url;
  const own = /\/(?:dist|src)\/(.+)$/.exec(url);
  return own ? `src/${own[1]!.replace(/\.js$/, '.ts')}` : url;
}

/**
 * The shipped build is one bundle (dist/gatehouse.js): its frames are mapped back through the bundle's
 * source map to the package or src/ file they came from, so the categories below still apply.
 */
const sourceMaps = new Map<string, SourceMap | null>();
function originalFrame(url: string, lineNumber: number, columnNumber: number): { url: string; lineNumber: number } {
  if (!url.endsWith('/gatehouse.js')) return { url, lineNumber };
  if (!sourceMaps.has(url)) {
    const path = `${url.startsWith('file:') ? fileURLToPath(url) : url}.map`;
    sourceMaps.set(url, existsSync(path) ? new SourceMap(JSON.parse(readFileSync(path, 'utf8'))) : null);
  }
  const entry = sourceMaps.get(url)?.findEntry(lineNumber, columnNumber) as { originalSource?: string; originalLine?: number } | undefined;
  return entry?.originalSource ? { url: entry.originalSource, lineNumber: entry.originalLine ?? 0 } : { url, lineNumber };
}

export function summarise(profile: Profile, fromMs = 0): Summary {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfByNode = new Map<number, number>();
  let at = 0;
  let totalUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < fromMs * 1000) continue;
    selfByNode.set(profile.samples[i]!, (selfByNode.get(profile.samples[i]!) ?? 0) + delta);
    totalUs += delta;
  }
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  const byCategory = new Map<string, number>();
  for (const [id, us] of selfByNode) {
    const frame = nodes.get(id)!.callFrame;
    const { functionName } = frame;
    const { url, lineNumber } = originalFrame(frame.url, frame.lineNumber, frame.columnNumber);
    const place = placeOf(url, functionName);
    const fn = `${functionName || '(anonymous)'} ${place}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us / 1000);
    byPlace.set(place, (byPlace.get(place) ?? 0) + us / 1000);
    if (place === '(idle)') continue;
    const category = CATEGORIES.find(([, pattern]) => pattern.test(fn))?.[0] ?? 'other (V8 program, natives)';
    byCategory.set(category, (byCategory.get(category) ?? 0) + us / 1000);
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { totalMs: totalUs / 1000, byFunction: sorted(byFunction), byPlace: sorted(byPlace), byCategory: sorted(byCategory) };
}

export function printSummary(title: string, summary: Summary, top = 25): void {
  // Idle time is the process waiting for the network, not work: shares are of the busy time.
  const busy = summary.byPlace.filter(([p]) => p !== '(idle)').reduce((sum, [, ms]) => sum + ms, 0);
  const share = (ms: number) => `${((100 * ms) / busy).toFixed(1)}%`;
  console.log(`\n${title}: ${busy.toFixed(0)} ms busy of ${summary.totalMs.toFixed(0)} ms sampled`);
  console.table(summary.byCategory.map(([category, ms]) => ({ category, 'self ms': Math.round(ms), share: share(ms) })));
  console.table(summary.byPlace.filter(([p]) => p !== '(idle)').slice(0, top).map(([place, ms]) => ({ place, 'self ms': Math.round(ms), share: share(ms) })));
  console.table(summary.byFunction.filter(([f]) => !f.startsWith('(idle)')).slice(0, top).map(([fn, ms]) => ({ function: fn, 'self ms': Math.round(ms), share: share(ms) })));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, fromMs, top] = process.argv.slice(2);
  printSummary(file!, summarise(JSON.parse(readFileSync(file!, 'utf8')) as Profile, Number(fromMs ?? 0)), Number(top ?? 25));
}
