import type { Api, HttpVerb, Operation } from '../core/model.ts';
import { parseEndpoint, type Endpoint } from './proxy.ts';

interface CompiledOperation {
  operation: Operation;
  index: number;
  pattern: RegExp;
  /** Literal segments first, then parameters, then wildcards (most specific wins). */
  specificity: number;
}

/** The API's endpoints as the forwarder needs them; null where none is configured. */
export interface ApiEndpoints {
  production: Endpoint | null;
  sandbox: Endpoint | null;
}

export interface CompiledApi {
  api: Api;
  /** Operations by verb, most specific first. */
  operations: Map<HttpVerb, CompiledOperation[]>;
  endpoints: ApiEndpoints;
}

export type RouteMatch =
  /** `resourcePath` is normalised: forward exactly it. */
  | { found: true; api: Api; endpoints: ApiEndpoints; operation: Operation; operationIndex: number; resourcePath: string }
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
  const endpoint = (url: string | null) => (url === null ? null : parseEndpoint(url));
  return { api, operations, endpoints: { production: endpoint(api.productionUrl), sandbox: endpoint(api.sandboxUrl) } };
}

const UNRESERVED = /%(2[DdEe]|3[0-9]|4[1-9A-Fa-f]|5[0-9Aa]|5[Ff]|6[1-9A-Fa-f]|7[0-9Aa]|7[Ee])/g;

/**
 * Normalises a request path once, so that the path matched against the URL templates is exactly the
 * path the backend will see (RFC 3986 §6.2.2): percent-encoded unreserved characters are decoded
 * (`%61dmin` is `admin`). Paths a backend could read differently from us match nothing: dot segments,
 * empty segments (`//`), `;` parameters, encoded slashes, backslashes, NUL, bad percent-encoding.
 */
export function normalizePath(rawPath: string): string | null {
  if (!rawPath.startsWith('/') || /[\\;\0]|%(2f|5c|00|3b)/i.test(rawPath)) return null;
  const path = rawPath.replace(UNRESERVED, (escape) => String.fromCharCode(parseInt(escape.slice(1), 16)));
  const segments = path.split('/');
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment === '' && i < segments.length - 1) return null;
    if (segment === '.' || segment === '..') return null;
    try {
      const decoded = decodeURIComponent(segment);
      if (decoded === '.' || decoded === '..') return null;
    } catch {
      return null;
    }
  }
  return path;
}

/** The published APIs by `/{context}/{version}`, rebuilt whenever an API changes. */
export class RouteTable {
  private byPrefix = new Map<string, CompiledApi>();
  private maxSegments = 0;
  /** Recent answers by method, then raw path (clients call the same paths over and over); reset on rebuild. */
  private readonly recent = new Map<string, Map<string, RouteMatch>>();
  private recentSize = 0;

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
    this.recent.clear();
    this.recentSize = 0;
  }

  match(method: string, rawPath: string): RouteMatch {
    let byPath = this.recent.get(method);
    let found = byPath?.get(rawPath);
    if (!found) {
      found = this.lookup(method, rawPath);
      if (this.recentSize >= 10_000) {
        this.recent.clear();
        this.recentSize = 0;
        byPath = undefined;
      }
      if (!byPath) this.recent.set(method, (byPath = new Map()));
      byPath.set(rawPath, found);
      this.recentSize++;
    }
    return found;
  }

  private lookup(method: string, rawPath: string): RouteMatch {
    const path = normalizePath(rawPath);
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
      return { found: true, api: compiled.api, endpoints: compiled.endpoints, operation: candidate.operation, operationIndex: candidate.index, resourcePath };
    }
    return { found: false, reason: 'NO_API' };
  }
}
