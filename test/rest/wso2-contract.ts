import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { load } from 'js-yaml';

/**
 * WSO2's own OpenAPI documents (../shared/reference/wso2-openapi), as a checker: find the operation a
 * request hit, then validate the response body against the schema WSO2 documents for that status.
 * OpenAPI 3.0 schemas are JSON Schema draft 4/7-ish with `nullable`; Ajv 8 reads `nullable` natively,
 * ignores `example`/`x-*` with `strict: false`, and resolves `$ref`s inside each added document.
 */

export const WSO2_DOCS_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../shared/reference/wso2-openapi');

export type Wso2ApiName = 'devportal' | 'publisher' | 'admin' | 'dcr';

export const WSO2_BASES: Record<Wso2ApiName, string> = {
  devportal: '/api/am/devportal/v3',
  publisher: '/api/am/publisher/v4',
  admin: '/api/am/admin/v4',
  dcr: '/client-registration/v0.17',
};

const FILES: Record<Wso2ApiName, string> = { devportal: 'devportal-api.yaml', publisher: 'publisher-api.yaml', admin: 'admin-api.yaml', dcr: 'dcr.yaml' };
const METHODS = ['get', 'post', 'put', 'delete', 'patch', 'head'] as const;

type Node = Record<string, unknown>;

export interface Wso2Operation {
  api: Wso2ApiName;
  method: string;
  path: string;
  operationId: string;
  tag: string;
  deprecated: boolean;
  /** JSON pointer of the operation inside its document. */
  pointer: string;
}

export interface Wso2Document {
  name: Wso2ApiName;
  doc: Node;
  operations: Wso2Operation[];
}

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

export function loadWso2Document(name: Wso2ApiName): Wso2Document {
  const doc = load(readFileSync(join(WSO2_DOCS_DIR, FILES[name]), 'utf8')) as Node;
  const operations: Wso2Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Node>)) {
    for (const method of METHODS) {
      const op = item[method] as Node | undefined;
      if (!op) continue;
      operations.push({
        api: name,
        method: method.toUpperCase(),
        path,
        operationId: String(op.operationId ?? `${method} ${path}`),
        tag: ((op.tags as string[] | undefined) ?? ['(untagged)'])[0]!,
        deprecated: op.deprecated === true,
        pointer: `/paths/${escapePointer(path)}/${method}`,
      });
    }
  }
  return { name, doc, operations };
}

/** `/applications/{applicationId}` and `/applications/{id}` name the same operation. */
export const pathShape = (path: string): string => path.replace(/\{[^}]+\}/g, '{}');

function templateMatches(template: string, concrete: string): boolean {
  const t = template.split('/');
  const c = concrete.split('/');
  return t.length === c.length && t.every((part, i) => (part.startsWith('{') && part.endsWith('}') ? c[i] !== '' : part === c[i]));
}

function get(doc: Node, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node as Node | undefined)?.[key], doc);
}

export interface ContractResult {
  operation: Wso2Operation | null;
  /** Empty when the body matches. */
  errors: string[];
}

/**
 * Where WSO2's schema contradicts WSO2's own example and server, the check follows the server:
 * `type: object` there is the Java generator's spelling of "any value" (`Map<String, Object>`,
 * `Object`), and WSO2 sends strings, numbers and booleans. Each entry is relaxed to "any value"
 * (or to the schema given, where WSO2's server answers in another shape than its document says).
 */
export const WSO2_ERRATA: ReadonlyArray<{ api: Wso2ApiName; pointer: string; why: string; schema?: Node }> = [
  {
    api: 'devportal',
    pointer: '/components/schemas/ConsumerSecret/properties/additionalProperties/additionalProperties',
    why: 'its example is {"expiresAt": 1761568483, "description": "pizza application secret"}',
  },
  {
    api: 'devportal',
    pointer: '/components/schemas/KeyManagerApplicationConfiguration/properties/default',
    why: 'its example is "admin"; WSO2 sends the default value itself (a number for token lifetimes)',
  },
  {
    api: 'devportal',
    pointer: '/paths/~1apis~1{apiId}~1swagger/get/responses/200/content/application~1json/schema',
    why: 'typed as a string holding JSON; WSO2 sends the OpenAPI document itself as the JSON body',
    schema: { type: 'object' },
  },
  {
    api: 'publisher',
    pointer: '/paths/~1apis~1{apiId}~1swagger/get/responses/200/content/application~1json/schema',
    why: 'as in the devportal document: typed as a string, sent as the OpenAPI document itself',
    schema: { type: 'object' },
  },
  {
    api: 'devportal',
    pointer: '/paths/~1apis~1{apiId}~1subscription-policies/get/responses/200/content/application~1json/schema',
    why: 'typed as one ThrottlingPolicy; WSO2 (ApisApiServiceImpl) answers with the list of the API\'s tiers',
    schema: { type: 'array', items: { $ref: '#/components/schemas/ThrottlingPolicy' } },
  },
];

function relax(doc: Node, pointer: string, schema: Node = {}): void {
  const keys = pointer.split('/').slice(1);
  const parent = get(doc, `/${keys.slice(0, -1).join('/')}`) as Node | undefined;
  if (!parent || !(keys.at(-1)! in parent)) throw new Error(`WSO2 erratum no longer applies: ${pointer}`);
  parent[keys.at(-1)!] = schema;
}

export class Wso2Contract {
  readonly docs: Record<Wso2ApiName, Wso2Document>;
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor() {
    this.docs = {
      devportal: loadWso2Document('devportal'),
      publisher: loadWso2Document('publisher'),
      admin: loadWso2Document('admin'),
      dcr: loadWso2Document('dcr'),
    };
    for (const erratum of WSO2_ERRATA) relax(this.docs[erratum.api].doc, erratum.pointer, erratum.schema);
    for (const { name, doc } of Object.values(this.docs)) this.ajv.addSchema(doc, name);
  }

  /** The WSO2 operation a concrete request path hits (literal segments win over parameters). */
  find(api: Wso2ApiName, method: string, concretePath: string): Wso2Operation | null {
    const candidates = this.docs[api].operations.filter((o) => o.method === method && templateMatches(o.path, concretePath));
    candidates.sort((a, b) => (a.path.match(/\{/g)?.length ?? 0) - (b.path.match(/\{/g)?.length ?? 0));
    return candidates[0] ?? null;
  }

  /**
   * Checks one exchange: the status must be one WSO2 documents for the operation (any 4xx/5xx is
   * checked against WSO2's Error schema), and the body must match that status's schema.
   */
  check(api: Wso2ApiName, method: string, concretePath: string, status: number, body: unknown): ContractResult {
    const operation = this.find(api, method, concretePath);
    if (!operation) return { operation, errors: [`WSO2 documents no ${method} ${concretePath}`] };
    const { doc } = this.docs[api];
    const responses = get(doc, `${operation.pointer}/responses`) as Node;
    let pointer: string | null = responses[String(status)] ? `${operation.pointer}/responses/${status}` : null;
    if (!pointer && status >= 400) return { operation, errors: this.validate(api, '/components/schemas/Error', body) };
    if (!pointer) return { operation, errors: [`status ${status} is not documented (${Object.keys(responses).join(', ')})`] };
    let response = get(doc, pointer) as Node;
    if (typeof response.$ref === 'string') {
      pointer = response.$ref.slice(1);
      response = get(doc, pointer) as Node;
    }
    const content = response.content as Node | undefined;
    const media = content && Object.keys(content).find((m) => m.includes('json'));
    const hasSchema = media !== undefined && (content![media] as Node).schema !== undefined;
    if (!hasSchema) return { operation, errors: [] };
    return { operation, errors: this.validate(api, `${pointer}/content/${escapePointer(media)}/schema`, body) };
  }

  private validate(api: Wso2ApiName, pointer: string, body: unknown): string[] {
    const key = `${api}#${pointer}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile({ $ref: key });
      this.compiled.set(key, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
  }
}

/**
 * A body built from WSO2's own examples: a schema's `example` where it has one, otherwise an object of
 * its properties' examples (`$ref`s followed, to a small depth). What a WSO2 script copying the
 * documentation would send.
 */
export function exampleOf(doc: Record<string, unknown>, schema: unknown, depth = 0): unknown {
  if (depth > 9 || typeof schema !== 'object' || schema === null) return undefined;
  const node = schema as Node;
  if (typeof node.$ref === 'string') return exampleOf(doc, get(doc, node.$ref.slice(1)), depth + 1);
  if (node.example !== undefined) return node.example;
  if (node.type === 'array') {
    const item = exampleOf(doc, node.items, depth + 1);
    return item === undefined ? undefined : [item];
  }
  if (node.properties) {
    const entries = Object.entries(node.properties as Node)
      .map(([k, v]) => [k, exampleOf(doc, v, depth + 1)] as const)
      .filter(([, v]) => v !== undefined);
    return entries.length ? Object.fromEntries(entries) : undefined;
  }
  return undefined;
}

