import { isLive } from '../../../core/api-service.ts';
import { notFound } from '../../../core/errors.ts';
import type { Api, ThrottlePolicy } from '../../../core/model.ts';
import { html, type SafeHtml } from '../../../http/html.ts';
import { field } from '../../../oauth/form.ts';
import { csrfInput, errorSummary, selectInput } from '../fields.ts';
import { one, portalPage } from '../layout.ts';
import { allowed, redirect, show, type FieldErrors, type PublicContext, type UiRouter, type Viewer } from '../router.ts';
import { SUBSCRIBER, gatewayUrl } from './app-shell.ts';

/** The API catalogue: published APIs with their resources, scopes and business plans (tiers). */

function apiCard(api: Api): SafeHtml {
  return html`<article class="card api-card">
<h2><a href="/devportal/apis/${api.id}">${api.name}</a> <span class="badge">${api.version}</span></h2>
<p class="mono">${api.context}</p>
<p>${api.description || html`<span class="hint">No description.</span>`}</p>
<p class="hint">Tiers: ${api.policies.join(', ')}${api.lifeCycleStatus === 'DEPRECATED' ? html` · <span class="badge bad">deprecated</span>` : ''}</p>
</article>`;
}

async function listPage(ctx: PublicContext): Promise<string> {
  const q = (one(ctx.query.q) ?? '').trim().toLowerCase();
  const { items } = await ctx.services.apis.list({ publishedOnly: true, limit: 500, offset: 0 });
  const shown = q ? items.filter((a) => `${a.name} ${a.context} ${a.description}`.toLowerCase().includes(q)) : items;
  return portalPage({
    area: 'devportal',
    viewer: ctx.viewer,
    flash: ctx.flash,
    nav: 'apis',
    title: 'APIs',
    body: html`<div class="heading-row"><h1>APIs</h1>
<form method="get" action="/devportal/apis" role="search" class="search"><label for="q" class="visually-hidden">Search APIs</label>
<input id="q" name="q" type="search" value="${q}" placeholder="Search APIs"><button type="submit" class="secondary">Search</button></form></div>
${shown.length === 0 ? html`<div class="card empty"><p>${q ? 'No API matches your search.' : 'No APIs are published yet.'}</p></div>` : html`<div class="grid">${shown.map(apiCard)}</div>`}`,
  });
}

function resourcesTable(api: Api): SafeHtml {
  return html`<table><caption class="visually-hidden">Resources</caption><thead><tr><th scope="col">Method</th><th scope="col">Resource</th><th scope="col">Scopes</th><th scope="col">Security</th><th scope="col">Tier</th></tr></thead>
<tbody>${api.operations.map(
    (op) => html`<tr><td data-label="Method"><span class="verb verb-${op.verb.toLowerCase()}">${op.verb}</span></td><td data-label="Resource"><code>${op.target}</code></td>
<td data-label="Scopes">${op.scopes.length ? op.scopes.map((s) => html`<code class="scope">${s}</code> `) : html`<span class="hint">none</span>`}</td>
<td data-label="Security">${op.authType}</td><td data-label="Tier">${op.throttlingPolicy}</td></tr>`,
  )}</tbody></table>`;
}

function scopesTable(api: Api): SafeHtml {
  if (api.scopes.length === 0) return html`<p class="hint">This API defines no scopes.</p>`;
  return html`<table><thead><tr><th scope="col">Scope</th><th scope="col">Name</th><th scope="col">Description</th><th scope="col">Roles</th></tr></thead>
<tbody>${api.scopes.map(
    (s) => html`<tr><td data-label="Scope"><code>${s.name}</code></td><td data-label="Name">${s.displayName}</td><td data-label="Description">${s.description}</td><td data-label="Roles">${s.bindings.length ? s.bindings.join(', ') : html`<span class="hint">any</span>`}</td></tr>`,
  )}</tbody></table>`;
}

function tiersList(api: Api, policies: readonly ThrottlePolicy[]): SafeHtml {
  const byName = new Map(policies.map((p) => [p.name, p]));
  return html`<ul class="tiers">${api.policies.map((name) => {
    const p = byName.get(name);
    const limit = !p || p.requestCount === null ? 'Unlimited requests' : `${p.requestCount} requests per ${p.unitTime === 1 ? '' : `${p.unitTime} `}${p.timeUnit}`;
    return html`<li class="card tier"><strong>${name}</strong><span class="hint">${limit}</span></li>`;
  })}</ul>`;
}

async function subscribeForm(ctx: PublicContext & { viewer: Viewer }, api: Api, errors: FieldErrors): Promise<SafeHtml | string> {
  const { services, viewer } = ctx;
  const apps = (await services.applications.list(viewer.user.id, { limit: 500, offset: 0 })).items;
  const mine = (await services.subscriptions.list(viewer.user.id, { apiId: api.id, limit: 500, offset: 0 })).items;
  const subscribedIds = new Set(mine.map((s) => s.applicationId));
  const open = apps.filter((a) => !subscribedIds.has(a.id));
  const names = new Map(apps.map((a) => [a.id, a]));
  const list = mine.length
    ? html`<p>Subscribed: ${mine.map((s) => html`<a href="/devportal/applications/${s.applicationId}/subscriptions">${names.get(s.applicationId)?.name ?? ''}</a> (${s.throttlingPolicy}) `)}</p>`
    : '';
  if (apps.length === 0) return html`${list}<p><a class="button" href="/devportal/applications/new">Create an application</a> to subscribe.</p>`;
  if (open.length === 0) return list;
  return html`${list}${errorSummary(errors)}<form method="post" action="/devportal/apis/${api.id}/subscribe" novalidate>
${csrfInput(viewer)}
<div class="grid-2">
${selectInput({ name: 'applicationId', label: 'Application', options: open.map((a) => ({ value: a.id, label: a.name })), errors })}
${selectInput({ name: 'throttlingPolicy', label: 'Business plan (tier)', options: api.policies.map((p) => ({ value: p, label: p })), errors })}
</div>
<button type="submit">Subscribe</button></form>`;
}

async function detailPage(ctx: PublicContext, errors: FieldErrors = {}): Promise<string> {
  const api = await ctx.services.apis.get(ctx.params.apiId ?? '');
  if (!isLive(api)) throw notFound('API');
  const policies = await ctx.services.policies.list('subscription');
  const viewer = ctx.viewer;
  const subscribe = !viewer
    ? html`<p><a class="button" href="/devportal/login?next=${encodeURIComponent(`/devportal/apis/${api.id}`)}">Sign in to subscribe</a></p>`
    : allowed(viewer.user, SUBSCRIBER)
      ? await subscribeForm({ ...ctx, viewer }, api, errors)
      : html`<p class="hint">Your account has no subscriber role.</p>`;
  return portalPage({
    area: 'devportal',
    viewer,
    flash: ctx.flash,
    nav: 'apis',
    title: `${api.name} ${api.version}`,
    crumbs: [{ label: 'APIs', href: '/devportal/apis' }, { label: `${api.name} ${api.version}` }],
    body: html`<h1>${api.name} <span class="badge">${api.version}</span></h1>
<div class="card"><p>${api.description || html`<span class="hint">No description.</span>`}</p>
<dl class="kv"><dt>Gateway URL</dt><dd><code>${gatewayUrl(ctx.services)}${api.context}/${api.version}</code></dd>
<dt>Security</dt><dd>${api.securityScheme.map((s) => (s === 'oauth2' ? 'OAuth2 (Bearer token)' : 'API key (apikey header)')).join(', ')}</dd>
<dt>Status</dt><dd>${api.lifeCycleStatus}</dd></dl></div>
<section class="card" aria-labelledby="sub-title"><h2 id="sub-title">Subscribe</h2>${subscribe}</section>
<section class="card" aria-labelledby="res-title"><h2 id="res-title">Resources</h2>${resourcesTable(api)}</section>
<section class="card" aria-labelledby="scope-title"><h2 id="scope-title">Scopes</h2>${scopesTable(api)}</section>
<section aria-labelledby="tier-title"><h2 id="tier-title">Business plans</h2>${tiersList(api, policies)}</section>`,
  });
}

export function registerCatalogue(router: UiRouter): void {
  const { services } = router;
  router.publicPage('/devportal/apis', async (ctx) => show(await listPage(ctx)));
  router.publicPage('/devportal/apis/:apiId', async (ctx) => show(await detailPage(ctx)));
  router.action(
    '/devportal/apis/:apiId/subscribe',
    SUBSCRIBER,
    async (ctx) => {
      const subscription = await services.subscriptions.subscribe(ctx.viewer.user.id, {
        applicationId: field(ctx.form, 'applicationId') ?? '',
        apiId: ctx.params.apiId,
        throttlingPolicy: field(ctx.form, 'throttlingPolicy'),
      });
      return redirect(`/devportal/apis/${subscription.apiId}`, { notice: `Subscribed with the ${subscription.throttlingPolicy} tier.` });
    },
    { onError: (ctx, errors) => detailPage(ctx, errors) },
  );
}
