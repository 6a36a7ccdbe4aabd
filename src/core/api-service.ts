import type { Changes } from './changes.ts';
import type { Clock } from './clock.ts';
import { DomainError, UniqueViolation, conflict, invalid, notFound } from './errors.ts';
import { AUTH_TYPES, HTTP_VERBS, ROLES, type Api, type LifecycleStatus, type Operation, type ScopeDefinition } from './model.ts';
import type { PolicyService } from './policy-service.ts';
import type { Random } from './random.ts';
import { isValidScopeName } from './scopes.ts';
import { httpUrl, oneOf, text } from './validate.ts';
import type { Page, Paged, Repositories, Store } from '../store/ports.ts';

export interface ApiInput {
  name: unknown;
  context: unknown;
  version: unknown;
  description?: unknown;
  productionUrl?: unknown;
  sandboxUrl?: unknown;
  operations?: unknown;
  scopes?: unknown;
  policies?: unknown;
  securityScheme?: unknown;
  apiThrottlingPolicy?: unknown;
  backendJwt?: unknown;
}

export const LIFECYCLE_ACTIONS: Record<string, { from: readonly LifecycleStatus[]; to: LifecycleStatus }> = {
  Publish: { from: ['CREATED'], to: 'PUBLISHED' },
  'Re-Publish': { from: ['BLOCKED', 'DEPRECATED'], to: 'PUBLISHED' },
  'Demote to Created': { from: ['PUBLISHED', 'BLOCKED'], to: 'CREATED' },
  Block: { from: ['PUBLISHED'], to: 'BLOCKED' },
  Deprecate: { from: ['PUBLISHED', 'BLOCKED'], to: 'DEPRECATED' },
  Retire: { from: ['PUBLISHED', 'BLOCKED', 'DEPRECATED'], to: 'RETIRED' },
};

/** Routable from the gateway and offered in the Developer Portal. */
export const isLive = (api: Pick<Api, 'lifeCycleStatus'>): boolean => api.lifeCycleStatus === 'PUBLISHED' || api.lifeCycleStatus === 'DEPRECATED';

const CONTEXT = /^(\/[A-Za-z0-9._-]+)+$/;
const VERSION = /^[A-Za-z0-9._-]{1,30}$/;
// URL template segments: literals, {param}, or a trailing wildcard; never "." or ".." (traversal).
const TEMPLATE_SEGMENT = /^([A-Za-z0-9_~!$&'()+,;=:@-][A-Za-z0-9._~!$&'()+,;=:@-]*|\{[A-Za-z_][A-Za-z0-9_]*\}|\*)$/;
const RESERVED_CONTEXTS = ['/health', '/metrics', '/jwks', '/.well-known'];

function list(field: string, value: unknown, max: number): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(field, `${field} must be an array`);
  if (value.length > max) throw invalid(field, `${field} may have at most ${max} entries`);
  return value;
}

function object(field: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(field, `${field} must be an object`);
  return value as Record<string, unknown>;
}

function parseScope(value: unknown, i: number): ScopeDefinition {
  const s = object(`scopes[${i}]`, value);
  const name = text(`scopes[${i}].name`, s.name, { min: 1, max: 255 });
  if (!isValidScopeName(name) || name.startsWith('apim:')) throw invalid(`scopes[${i}].name`, `invalid scope name ${JSON.stringify(name)}`);
  return {
    name,
    displayName: text(`scopes[${i}].displayName`, s.displayName ?? name, { min: 1, max: 255 }),
    description: text(`scopes[${i}].description`, s.description ?? '', { max: 1000, multiline: true }),
    bindings: list(`scopes[${i}].bindings`, s.bindings, 10).map((b) => oneOf(`scopes[${i}].bindings`, b, ROLES)),
  };
}

function parseTarget(field: string, value: unknown): string {
  const target = text(field, value, { min: 1, max: 500 });
  if (target === '/*' || target === '/') return target;
  const segments = target.split('/');
  if (segments[0] !== '' || !segments.slice(1).every((s, i, all) => TEMPLATE_SEGMENT.test(s) && (s !== '*' || i === all.length - 1))) {
    throw invalid(field, `invalid URL template ${JSON.stringify(target)}`);
  }
  return target;
}

export class ApiService {
  constructor(private readonly deps: { store: Store; changes: Changes; policies: PolicyService; clock: Clock; random: Random }) {}

  async get(id: string): Promise<Api> {
    const api = await this.deps.store.apis.findById(id);
    if (!api) throw notFound('API');
    return api;
  }

  list(page: Page & { publishedOnly?: boolean }): Promise<Paged<Api>> {
    return this.deps.store.apis.list(page);
  }

  async create(providerId: string, input: ApiInput): Promise<Api> {
    const now = this.deps.clock.now();
    const api: Api = { id: this.deps.random.uuid(), providerId, lifeCycleStatus: 'CREATED', createdAt: now, updatedAt: now, ...(await this.parse(input)) };
    await this.save(api, (tx) => tx.apis.create(api));
    return api;
  }

  async update(id: string, input: ApiInput): Promise<Api> {
    const existing = await this.get(id);
    const api: Api = { ...existing, ...(await this.parse(input)), updatedAt: this.nextVersion(existing) };
    if (isLive(api)) this.requireRoutable(api);
    await this.save(api, (tx) => this.writeIfUnchanged(tx, existing, api));
    return api;
  }

  async changeLifecycle(id: string, action: string): Promise<Api> {
    const transition = LIFECYCLE_ACTIONS[action];
    if (!transition) throw invalid('action', `unknown lifecycle action; one of ${Object.keys(LIFECYCLE_ACTIONS).join(', ')}`);
    const existing = await this.get(id);
    if (!transition.from.includes(existing.lifeCycleStatus)) {
      throw new DomainError('PRECONDITION', `cannot ${action} an API in state ${existing.lifeCycleStatus}`, { field: 'action' });
    }
    const api: Api = { ...existing, lifeCycleStatus: transition.to, updatedAt: this.nextVersion(existing) };
    if (isLive(api)) this.requireRoutable(api);
    await this.save(api, (tx) => this.writeIfUnchanged(tx, existing, api));
    return api;
  }

  /**
   * Edits and lifecycle changes are read-modify-write: the write lands only if nobody changed the API
   * meanwhile, so an edit can never undo a concurrent Block (or the reverse).
   */
  private async writeIfUnchanged(tx: Repositories, existing: Api, api: Api): Promise<void> {
    if (!(await tx.apis.update(api.id, api, existing.updatedAt))) throw conflict('the API was changed by someone else meanwhile; reload and try again');
  }

  /** `updatedAt` doubles as the version: it must move even within one millisecond. */
  private nextVersion(existing: Api): number {
    return Math.max(this.deps.clock.now(), existing.updatedAt + 1);
  }

  /** An API with subscriptions cannot be deleted (WSO2 answers 409 as well). */
  async delete(id: string): Promise<void> {
    await this.get(id);
    await this.deps.changes.run(async (tx, emit) => {
      if ((await tx.subscriptions.list({ apiId: id, limit: 1, offset: 0 })).total > 0) {
        throw conflict('the API has subscriptions; remove them before deleting it');
      }
      await tx.apis.delete(id);
      emit({ type: 'api.deleted', apiId: id });
    });
  }

  private requireRoutable(api: Api): void {
    if (!api.productionUrl && !api.sandboxUrl) throw invalid('endpointConfig', 'a published API needs a production or a sandbox endpoint');
    if (api.operations.length === 0) throw invalid('operations', 'a published API needs at least one operation');
  }

  private async save(api: Api, write: (tx: Repositories) => Promise<void>): Promise<void> {
    try {
      await this.deps.changes.run(async (tx, emit) => {
        await this.checkScopesUnique(tx, api);
        await write(tx);
        emit({ type: 'api.saved', api });
      });
    } catch (error) {
      if (error instanceof UniqueViolation) throw conflict(`an API with context ${api.context} and version ${api.version} already exists`);
      throw error;
    }
  }

  /** A scope name belongs to one API, so issuance never has to choose between two role bindings. */
  private async checkScopesUnique(tx: Repositories, api: Api): Promise<void> {
    const names = new Set(api.scopes.map((s) => s.name));
    for (const other of await tx.apis.listAll()) {
      if (other.id === api.id) continue;
      const clash = other.scopes.find((s) => names.has(s.name));
      if (clash) throw conflict(`scope ${clash.name} is already defined by API ${other.name} ${other.version}`);
    }
  }

  private async parse(input: ApiInput): Promise<Omit<Api, 'id' | 'providerId' | 'lifeCycleStatus' | 'createdAt' | 'updatedAt'>> {
    const context = text('context', input.context, { min: 2, max: 200 }).replace(/\/+$/, '');
    if (!CONTEXT.test(context) || context.split('/').some((s) => s === '.' || s === '..')) {
      throw invalid('context', 'context must look like /segment[/segment…] with letters, digits, . _ -');
    }
    if (RESERVED_CONTEXTS.some((r) => context === r || context.startsWith(`${r}/`))) throw invalid('context', `context ${context} is reserved`);
    const version = text('version', input.version, { min: 1, max: 30 });
    if (!VERSION.test(version)) throw invalid('version', 'version may contain letters, digits, . _ -');
    const scopes = list('scopes', input.scopes, 100).map(parseScope);
    if (new Set(scopes.map((s) => s.name)).size !== scopes.length) throw invalid('scopes', 'scope names must be unique');
    const operations = await this.parseOperations(input.operations, new Set(scopes.map((s) => s.name)));
    const policies = list('policies', input.policies ?? ['Unlimited'], 20);
    const securityScheme = list('securityScheme', input.securityScheme ?? ['oauth2', 'api_key'], 2).map((s) => oneOf('securityScheme', s, ['oauth2', 'api_key'] as const));
    if (securityScheme.length === 0) throw invalid('securityScheme', 'at least one of oauth2, api_key is required');
    return {
      name: text('name', input.name, { min: 1, max: 60 }),
      context,
      version,
      description: text('description', input.description ?? '', { max: 2000, multiline: true }),
      productionUrl: input.productionUrl ? httpUrl('endpointConfig.production_endpoints.url', input.productionUrl) : null,
      sandboxUrl: input.sandboxUrl ? httpUrl('endpointConfig.sandbox_endpoints.url', input.sandboxUrl) : null,
      operations,
      scopes,
      policies: await Promise.all(policies.map((p, i) => this.deps.policies.requireNamed('subscription', p, `policies[${i}]`))),
      securityScheme: [...new Set(securityScheme)],
      apiThrottlingPolicy: input.apiThrottlingPolicy ? await this.deps.policies.requireNamed('api', input.apiThrottlingPolicy, 'apiThrottlingPolicy') : null,
      backendJwt: input.backendJwt === true,
    };
  }

  private async parseOperations(value: unknown, scopeNames: Set<string>): Promise<Operation[]> {
    const operations: Operation[] = [];
    const seen = new Set<string>();
    for (const [i, raw] of list('operations', value, 200).entries()) {
      const o = object(`operations[${i}]`, raw);
      const verb = oneOf(`operations[${i}].verb`, typeof o.verb === 'string' ? o.verb.toUpperCase() : o.verb, HTTP_VERBS);
      const target = parseTarget(`operations[${i}].target`, o.target);
      if (seen.has(`${verb} ${target}`)) throw invalid(`operations[${i}]`, `duplicate operation ${verb} ${target}`);
      seen.add(`${verb} ${target}`);
      const scopes = list(`operations[${i}].scopes`, o.scopes, 20).map((s) => text(`operations[${i}].scopes`, s, { min: 1, max: 255 }));
      const unknown = scopes.find((s) => !scopeNames.has(s));
      if (unknown) throw invalid(`operations[${i}].scopes`, `scope ${unknown} is not defined on this API`);
      operations.push({
        target,
        verb,
        authType: oneOf(`operations[${i}].authType`, o.authType ?? 'Application & Application User', AUTH_TYPES),
        throttlingPolicy: await this.deps.policies.requireNamed('api', o.throttlingPolicy ?? 'Unlimited', `operations[${i}].throttlingPolicy`),
        scopes,
      });
    }
    return operations;
  }
}
