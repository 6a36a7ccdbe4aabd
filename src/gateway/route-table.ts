import type { Api, HttpVerb, Operation } from '../core/model.ts';

interface CompiledOperation {
  operation: Operation;
  index: number;
  pattern: RegExp;
  /** Literal segments first, then parameters, then wildcards (most specific wins). */
  specificity: number;
}

export interface CompiledApi {
  api: Api;
  /** Operations by verb, most specific first. */
  operations: Map<HttpVerb, CompiledOperation[]>;
}

export type RouteMatch =
  | { found: true; api: Api; operation: Operation; operationIndex: number; resourcePath: string }
  | { found: false; reason: 'NO_API' | 'NO_RESOURCE'; api?: Api };

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Compiles a WSO2 URL template (`/items/{id}`, `/files/*`, `/*`) into an anchored matcher. */
export function compileTemplate(target: string): { pattern: RegExp; specificity: number } {
  if (target === '/*') return { pattern: /^\/.*$/, specificity: 0 };
  let specificity = 0;
  const parts = target.split('/').slice(1).map((segment) => {
    if (segment === '*') return '(?:/.*)?';
    if (/^\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(segment)) {
      specificity += 1;
      return '/[^/]+';
    }
    specificity += 100;
    return `/${escape(segment)}`;
  });
  return { pattern: new RegExp(`^${parts.join('')}/?$`), specificity };
}

export function compileApi(api: Api): CompiledApi {
  const operations = new Map<HttpVerb, CompiledOperation[]>();
  api.operations.forEach((operation, index) => {
    const list = operations.get(operation.verb) ?? [];
    list.push({ operation, index, ...compileTemplate(operation.target) });
    operations.set(operation.verb, list);
  });
  for (const list of operations.values()) list.sort((a, b) => b.specificity - a.specificity);
  return { api, operations };
}

const DOT_SEGMENT = /(^|\/)\.{1,2}(\/|$)/;

/**
 * Request paths are matched segment-wise. A path whose decoded segments contain `.`/`..` or an
 * encoded slash, or that is not valid percent-encoding, matches nothing: it could reach a different
 * resource on the backend than the one authorised here.
 */
export function safePath(rawPath: string): string | null {
  if (/%2f|%5c/i.test(rawPath) || rawPath.includes('\\')) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  if (DOT_SEGMENT.test(decoded) || decoded.includes('\0')) return null;
  return rawPath;
}

/** The published APIs by `/{context}/{version}`, rebuilt whenever an API changes. */
export class RouteTable {
  private byPrefix = new Map<string, CompiledApi>();
  private maxSegments = 0;

  rebuild(apis: Iterable<Api>): void {
    const next = new Map<string, CompiledApi>();
    let max = 0;
    for (const api of apis) {
      const prefix = `${api.context}/${api.version}`;
      next.set(prefix, compileApi(api));
      max = Math.max(max, prefix.split('/').length - 1);
    }
    this.byPrefix = next;
    this.maxSegments = max;
  }

  match(method: string, rawPath: string): RouteMatch {
    const path = safePath(rawPath);
    if (path === null) return { found: false, reason: 'NO_API' };
    const segments = path.split('/');
    // Longest context first: `/a/b/1.0` wins over `/a` + version `b`.
    for (let n = Math.min(this.maxSegments, segments.length - 1); n >= 2; n--) {
      const compiled = this.byPrefix.get(segments.slice(0, n + 1).join('/'));
      if (!compiled) continue;
      const resourcePath = `/${segments.slice(n + 1).join('/')}`;
      const verb = (method === 'HEAD' && !compiled.operations.has('HEAD') ? 'GET' : method) as HttpVerb;
      const candidate = compiled.operations.get(verb)?.find((o) => o.pattern.test(resourcePath));
      if (!candidate) return { found: false, reason: 'NO_RESOURCE', api: compiled.api };
      return { found: true, api: compiled.api, operation: candidate.operation, operationIndex: candidate.index, resourcePath };
    }
    return { found: false, reason: 'NO_API' };
  }
}
