import { isLive } from '../../../core/api-service.ts';
import type { Api } from '../../../core/model.ts';
import { html } from '../../../http/html.ts';
import { field } from '../../../oauth/form.ts';
import { confirmAction, csrfInput, errorSummary, fieldId } from '../fields.ts';
import { formatTime, one } from '../layout.ts';
import { redirect, show, type FieldErrors, type MemberContext, type UiRouter } from '../router.ts';
import { SUBSCRIBER, appBase, applicationPage, loadApplication } from './app-shell.ts';

const PATH = '/devportal/applications/:appId/subscriptions';

/** A tier picker for one API's offered tiers (the subscription form of WSO2's "Subscribe APIs" dialog). */
function tierSelect(api: Api, id: string, selected?: string) {
  return html`<label for="${id}" class="visually-hidden">Tier for ${api.name} ${api.version}</label>
<select id="${id}" name="throttlingPolicy">${api.policies.map((p) => html`<option value="${p}"${p === selected ? html` selected` : ''}>${p}</option>`)}</select>`;
}

async function page(ctx: MemberContext, errors: FieldErrors, failedApiId?: string): Promise<string> {
  const { services, viewer } = ctx;
  const application = await loadApplication(ctx);
  const base = appBase(application);
  const subscriptions = await services.store.subscriptions.listByApplication(application.id);
  const apis = new Map((await services.store.apis.listAll()).map((a) => [a.id, a]));
  const subscribed = new Set(subscriptions.map((s) => s.apiId));
  const available = [...apis.values()].filter((a) => isLive(a) && !subscribed.has(a.id)).sort((a, b) => a.name.localeCompare(b.name));
  const current = subscriptions.map((s) => {
    const api = apis.get(s.apiId);
    return html`<tr>
<td data-label="API">${api ? html`<a href="/devportal/apis/${api.id}">${api.name}</a>` : 'deleted API'}</td>
<td data-label="Version">${api?.version ?? ''}</td>
<td data-label="Context"><code>${api?.context ?? ''}</code></td>
<td data-label="Tier">${s.throttlingPolicy}</td>
<td data-label="Status"><span class="badge${s.status === 'UNBLOCKED' ? ' ok' : ' bad'}">${s.status}</span></td>
<td data-label="Subscribed">${formatTime(s.createdAt)}</td>
<td>${confirmAction({
      viewer,
      id: `unsubscribe-${s.id}`,
      trigger: 'Unsubscribe',
      secondary: true,
      title: `Unsubscribe from ${api ? `${api.name} ${api.version}` : 'this API'}?`,
      consequence: `Tokens and API keys of ${application.name} can no longer call ${api ? api.name : 'it'}: the gateway answers 403. You can subscribe again later.`,
      action: `${base}/subscriptions/${s.id}/delete`,
      confirm: 'Unsubscribe',
      open: one(ctx.query.dialog) === `unsubscribe-${s.id}`,
      closeHref: `${base}/subscriptions`,
    })}</td>
</tr>`;
  });
  const offers = available.map((api) => {
    const failed = api.id === failedApiId ? errors.throttlingPolicy : undefined;
    return html`<tr>
<td data-label="API"><a href="/devportal/apis/${api.id}">${api.name}</a> <span class="hint">${api.version}</span></td>
<td data-label="Context"><code>${api.context}</code></td>
<td colspan="2"><form method="post" action="${base}/subscriptions" class="row-form">${csrfInput(viewer)}
<input type="hidden" name="apiId" value="${api.id}">
${tierSelect(api, `tier-${api.id}`)}
<button type="submit">Subscribe</button>${failed ? html`<span class="error" id="${fieldId('throttlingPolicy')}">${failed}</span>` : ''}</form></td>
</tr>`;
  });
  return applicationPage({
    ctx,
    application,
    tab: 'subscriptions',
    title: 'Subscriptions',
    crumbs: [{ label: 'Subscriptions' }],
    body: html`${errorSummary(errors)}
<section class="card" aria-labelledby="subs-title"><h2 id="subs-title">Subscriptions</h2>
${subscriptions.length === 0
  ? html`<p class="hint">This application is not subscribed to any API yet.</p>`
  : html`<table><thead><tr><th scope="col">API</th><th scope="col">Version</th><th scope="col">Context</th><th scope="col">Tier</th><th scope="col">Status</th><th scope="col">Subscribed</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead><tbody>${current}</tbody></table>`}
</section>
<section class="card" aria-labelledby="sub-new-title"><h2 id="sub-new-title">Subscribe to APIs</h2>
${available.length === 0
  ? html`<p class="hint">No other published APIs to subscribe to. <a href="/devportal/apis">Browse the catalogue</a>.</p>`
  : html`<table><thead><tr><th scope="col">API</th><th scope="col">Context</th><th scope="col" colspan="2">Tier</th></tr></thead><tbody>${offers}</tbody></table>`}
</section>`,
  });
}

export function registerSubscriptions(router: UiRouter): void {
  const { services } = router;

  router.page(PATH, SUBSCRIBER, async (ctx) => show(await page(ctx, {})));

  router.action(
    PATH,
    SUBSCRIBER,
    async (ctx) => {
      const application = await loadApplication(ctx);
      const subscription = await services.subscriptions.subscribe(ctx.viewer.user.id, {
        applicationId: application.id,
        apiId: field(ctx.form, 'apiId') ?? '',
        throttlingPolicy: field(ctx.form, 'throttlingPolicy'),
      });
      const api = await services.apis.get(subscription.apiId);
      return redirect(`${appBase(application)}/subscriptions`, { notice: `Subscribed to ${api.name} ${api.version} with the ${subscription.throttlingPolicy} tier.` });
    },
    { getAllowed: true, onError: (ctx, errors) => page(ctx, errors, field(ctx.form, 'apiId')) },
  );

  router.action(`${PATH}/:subId/delete`, SUBSCRIBER, async (ctx) => {
    const application = await loadApplication(ctx);
    const subscription = await services.subscriptions.get(ctx.viewer.user.id, ctx.params.subId ?? '');
    if (subscription.applicationId !== application.id) return redirect(`${appBase(application)}/subscriptions`);
    await services.subscriptions.unsubscribe(ctx.viewer.user.id, subscription.id);
    return redirect(`${appBase(application)}/subscriptions`, { notice: 'Unsubscribed. Tokens of this application can no longer call that API.' });
  });
}
