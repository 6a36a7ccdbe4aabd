import { isLive, type ApiInput } from '../../../core/api-service.ts';
import type { Api, Role } from '../../../core/model.ts';
import { html, type SafeHtml } from '../../../http/html.ts';
import { portalPage, tabs, type Crumb } from '../layout.ts';
import type { MemberContext } from '../router.ts';

/** Who may use the Publisher (admins always may). */
export const PUBLISHER: readonly Role[] = ['publisher'];

export type ApiTab = 'basic' | 'endpoints' | 'resources' | 'scopes' | 'lifecycle' | 'usage';

export const apiBase = (api: Pick<Api, 'id'>): string => `/publisher/apis/${encodeURIComponent(api.id)}`;

export function loadApi(ctx: MemberContext): Promise<Api> {
  return ctx.services.apis.get(ctx.params.apiId ?? '');
}

/** ApiService.update takes a whole API; every editor page changes one part of this. */
export function toInput(api: Api): ApiInput & { operations: unknown[]; scopes: unknown[] } {
  return {
    name: api.name,
    context: api.context,
    version: api.version,
    description: api.description,
    productionUrl: api.productionUrl,
    sandboxUrl: api.sandboxUrl,
    operations: api.operations.map((o) => ({ ...o, scopes: [...o.scopes] })),
    scopes: api.scopes.map((s) => ({ ...s, bindings: [...s.bindings] })),
    policies: api.policies,
    securityScheme: api.securityScheme,
    apiThrottlingPolicy: api.apiThrottlingPolicy,
    backendJwt: api.backendJwt,
  };
}

export function statusBadge(api: Api): SafeHtml {
  const cls = api.lifeCycleStatus === 'PUBLISHED' ? ' ok' : api.lifeCycleStatus === 'BLOCKED' || api.lifeCycleStatus === 'RETIRED' ? ' bad' : '';
  return html`<span class="badge${cls}">${api.lifeCycleStatus}</span>`;
}

export function apiPage(options: { ctx: MemberContext; api: Api; tab: ApiTab; title: string; body: SafeHtml; crumbs?: readonly Crumb[] }): string {
  const { api, tab } = options;
  const base = apiBase(api);
  const items: Array<[ApiTab, string, string]> = [
    ['basic', base, 'Basic info'],
    ['endpoints', `${base}/endpoints`, 'Endpoints'],
    // Scopes first: resources can only name scopes that already exist (issue 15 §8).
    ['scopes', `${base}/scopes`, 'Local scopes'],
    ['resources', `${base}/resources`, 'Resources'],
    ['lifecycle', `${base}/lifecycle`, 'Lifecycle'],
    ['usage', `${base}/usage`, 'Usage'],
  ];
  return portalPage({
    area: 'publisher',
    viewer: options.ctx.viewer,
    flash: options.ctx.flash,
    nav: 'apis',
    title: `${options.title} · ${api.name} ${api.version}`,
    crumbs: [{ label: 'APIs', href: '/publisher/apis' }, { label: `${api.name} ${api.version}`, href: base }, { label: options.title }],
    body: html`<div class="heading-row"><h1>${api.name} <span class="badge">${api.version}</span> ${statusBadge(api)}</h1>
${isLive(api) ? html`<a href="/devportal/apis/${api.id}" class="button secondary">View in Developer Portal</a>` : ''}</div>
<p class="mono">${api.context}/${api.version}</p>
${tabs(items.map(([key, href, label]) => ({ href, label, current: key === tab })), 'API')}
${options.body}`,
  });
}
