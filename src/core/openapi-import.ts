import type { ApiInput } from './api-service.ts';
import { invalid } from './errors.ts';
import { HTTP_VERBS } from './model.ts';

/**
 * OpenAPI 3 (and Swagger 2) document → the input of ApiService.create, the way WSO2's Publisher
 * imports a definition: info → name/version/description; `x-wso2-basePath`, else the first server's
 * path, else a slug of the title → context; `x-wso2-production-endpoints` / `x-wso2-sandbox-endpoints`,
 * else the first absolute server URL → endpoints; paths × methods → operations; OAuth2 scopes of the
 * security schemes, `x-wso2-security` scopes and any scope an operation requires → scopes. Pure: no
 * I/O; ApiService validates the result and names the field of any error.
 */

export interface OpenApiImport {
  input: ApiInput & { operations: ImportedOperation[]; scopes: ImportedScope[] };
  /** Things that were left out, for the person importing. */
  warnings: string[];
}

interface ImportedOperation {
  target: string;
  verb: string;
  scopes: string[];
  authType?: string;
  throttlingPolicy?: string;
}

/** WSO2's `x-auth-type` values → Gatehouse auth types ("Any" is WSO2's old name for both). */
const AUTH_TYPES: Record<string, string> = {
  any: 'Application & Application User',
  'application & application user': 'Application & Application User',
  application: 'Application',
  'application user': 'Application User',
  application_user: 'Application User',
  none: 'None',
};

interface ImportedScope {
  name: string;
  displayName: string;
  description: string;
  bindings: string[];
}

type Doc = Record<string, unknown>;

/**
 * WSO2 role names → Gatehouse roles (`Internal/subscriber` → `subscriber`, `Internal/creator` and
 * `Internal/publisher` → `publisher`, `Internal/admin` → `admin`); anything else is returned as given,
 * for ApiService to reject with a field error.
 */
export function normalizeRole(role: string): string {
  const bare = role.trim().replace(/^internal\//i, '').toLowerCase();
  if (bare === 'creator') return 'publisher';
  return ['admin', 'publisher', 'subscriber'].includes(bare) ? bare : role;
}

const obj = (value: unknown): Doc => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Doc) : {});
const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
const arr = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Parses the text of a definition; JSON only (a YAML document must be converted first). */
export function parseOpenApiText(text: string): Doc {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid('definition', 'The definition must be an OpenAPI document in JSON (convert YAML to JSON first).');
  }
  const doc = obj(parsed);
  if (!str(doc.openapi)?.startsWith('3.') && str(doc.swagger) !== '2.0') {
    throw invalid('definition', 'Not an OpenAPI 3 or Swagger 2.0 document: the "openapi" (or "swagger") field is missing.');
  }
  return doc;
}

const slug = (title: string): string =>
  `/${title.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'api'}`;

function firstServer(doc: Doc): { url?: string; path?: string } {
  if (str(doc.swagger)) {
    const host = str(doc.host);
    const scheme = str(arr(doc.schemes)[0]) ?? 'https';
    return { ...(host && { url: `${scheme}://${host}${str(doc.basePath) ?? ''}` }), ...(str(doc.basePath) && { path: str(doc.basePath) }) };
  }
  const url = str(obj(arr(doc.servers)[0]).url);
  if (!url) return {};
  try {
    const parsed = new URL(url);
    return { url, path: parsed.pathname };
  } catch {
    return { path: url.startsWith('/') ? url : undefined };
  }
}

function endpoint(doc: Doc, key: string): string | undefined {
  return str(arr(obj(doc[key]).urls)[0]);
}

function declaredScopes(doc: Doc): Map<string, ImportedScope> {
  const scopes = new Map<string, ImportedScope>();
  const add = (name: string, description: string, bindings: string[] = [], displayName = name) => {
    if (!scopes.has(name)) scopes.set(name, { name, displayName, description, bindings });
  };
  // Roles are kept as written (after mapping WSO2 names): an unknown one makes ApiService refuse the
  // import, rather than being dropped and leaving the scope open to every role.
  const roles = (list: string | undefined) => (list ?? '').split(',').map((r) => r.trim()).filter(Boolean).map(normalizeRole);
  const schemes = { ...obj(obj(doc.components).securitySchemes), ...obj(doc.securityDefinitions) };
  for (const scheme of Object.values(schemes).map(obj)) {
    // WSO2 4.x writes role bindings next to the flows: x-scopes-bindings {scope: "role1,role2"}.
    const bindings = obj(scheme['x-scopes-bindings']);
    const flows = Object.values(obj(scheme.flows)).map(obj);
    for (const flow of [...flows, scheme]) {
      for (const [name, d] of Object.entries(obj(flow.scopes))) add(name, str(d) ?? '', roles(str(bindings[name])));
    }
  }
  for (const s of arr(obj(obj(doc['x-wso2-security']).apim)['x-wso2-scopes']).map(obj)) {
    const key = str(s.key);
    if (key) add(key, str(s.description) ?? '', roles(str(s.roles)), str(s.name) ?? key);
  }
  return scopes;
}

function operationScopes(operation: Doc, fallback: unknown): string[] {
  const security = Array.isArray(operation.security) ? operation.security : fallback;
  const fromSecurity = arr(security).flatMap((req) => Object.values(obj(req)).flatMap((v) => arr(v).map(str).filter((s): s is string => Boolean(s))));
  const wso2 = str(operation['x-scope']);
  return [...new Set([...fromSecurity, ...(wso2 ? [wso2] : [])])];
}

function operations(doc: Doc): ImportedOperation[] {
  const out: ImportedOperation[] = [];
  for (const [path, item] of Object.entries(obj(doc.paths))) {
    for (const [method, operation] of Object.entries(obj(item))) {
      const verb = method.toUpperCase();
      if (!(HTTP_VERBS as readonly string[]).includes(verb)) continue;
      const op = obj(operation);
      const none = Array.isArray(op.security) && op.security.length === 0;
      const declared = str(op['x-auth-type']);
      const authType = none ? 'None' : declared ? (AUTH_TYPES[declared.toLowerCase()] ?? declared) : undefined;
      const tier = str(op['x-throttling-tier']);
      out.push({ target: path, verb, scopes: operationScopes(op, doc.security), ...(authType && { authType }), ...(tier && { throttlingPolicy: tier }) });
    }
  }
  return out;
}

export function apiFromOpenApi(doc: Doc): OpenApiImport {
  const warnings: string[] = [];
  const info = obj(doc.info);
  const name = (str(info.title) ?? 'Imported API').slice(0, 60);
  const version = (str(info.version) ?? '1.0.0').replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 30);
  const server = firstServer(doc);
  const basePath = str(doc['x-wso2-basePath'])?.replace(new RegExp(`/${version.replace(/\./g, '\\.')}$`), '');
  const context = basePath ?? (server.path && server.path !== '/' ? server.path.replace(/\/+$/, '') : slug(name));
  const ops = operations(doc);
  const scopes = declaredScopes(doc);
  for (const op of ops) for (const s of op.scopes) if (!scopes.has(s)) scopes.set(s, { name: s, displayName: s, description: '', bindings: [] });
  for (const reserved of [...scopes.keys()].filter((s) => s.startsWith('apim:'))) {
    scopes.delete(reserved);
    warnings.push(`Scope ${reserved} was left out: apim:* scopes belong to Gatehouse's own REST APIs.`);
  }
  for (const op of ops) op.scopes = op.scopes.filter((s) => scopes.has(s));
  if (ops.length === 0) warnings.push('The definition has no operations; add resources before publishing.');
  const production = endpoint(doc, 'x-wso2-production-endpoints') ?? (server.url?.startsWith('http') ? server.url : undefined);
  const sandbox = endpoint(doc, 'x-wso2-sandbox-endpoints');
  if (!production) warnings.push('No absolute server URL: set the production endpoint before publishing.');
  return {
    input: {
      name,
      context,
      version,
      description: (str(info.description) ?? '').slice(0, 2000),
      productionUrl: production ?? null,
      sandboxUrl: sandbox ?? null,
      operations: ops,
      scopes: [...scopes.values()],
    },
    warnings,
  };
}
