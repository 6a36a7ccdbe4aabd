import { LIFECYCLE_ACTIONS } from '../../../core/api-service.ts';
import { LIFECYCLE_STATES, type Api } from '../../../core/model.ts';
import { html } from '../../../http/html.ts';
import { field } from '../../../oauth/form.ts';
import { csrfInput, errorSummary } from '../fields.ts';
import { dialog, dialogTrigger, one } from '../layout.ts';
import { redirect, show, type FieldErrors, type MemberContext, type UiRouter } from '../router.ts';
import { PUBLISHER, apiBase, apiPage, loadApi } from './api-shell.ts';

/** The Publisher's Lifecycle page: WSO2's states and actions (Publish, Block, Deprecate, Retire, …). */

function page(ctx: MemberContext, api: Api, errors: FieldErrors): string {
  const base = apiBase(api);
  const actions = Object.entries(LIFECYCLE_ACTIONS).filter(([, t]) => t.from.includes(api.lifeCycleStatus));
  const checks = [
    { ok: Boolean(api.productionUrl || api.sandboxUrl), label: 'A production or sandbox endpoint is set', href: `${base}/endpoints` },
    { ok: api.operations.length > 0, label: 'The API has at least one resource', href: `${base}/resources` },
    { ok: api.policies.length > 0, label: 'At least one business plan is offered', href: base },
  ];
  const remove = html`<p>Delete ${api.name} ${api.version}? An API with subscriptions cannot be deleted.</p>
<form method="post" action="${base}/delete">${csrfInput(ctx.viewer)}<button type="submit" class="danger">Delete API</button></form>`;
  return apiPage({
    ctx,
    api,
    tab: 'lifecycle',
    title: 'Lifecycle',
    body: html`${errorSummary(errors)}
<section class="card" aria-labelledby="state-title"><h2 id="state-title">Current state</h2>
<ol class="status-flow" aria-label="Lifecycle states">${LIFECYCLE_STATES.map(
      (s) => html`<li class="badge"${s === api.lifeCycleStatus ? html` aria-current="step"` : ''}>${s}</li>`,
    )}</ol>
<h3>Requirements to publish</h3>
<ul class="checklist">${checks.map((c) => html`<li>${c.ok ? '✓' : '✗'} ${c.ok ? c.label : html`<a href="${c.href}">${c.label}</a>`}</li>`)}</ul>
<form method="post" action="${base}/lifecycle">${csrfInput(ctx.viewer)}
${actions.length === 0 ? html`<p class="hint">No lifecycle action is available from ${api.lifeCycleStatus}.</p>` : actions.map(([name]) => html`<button type="submit" name="action" value="${name}"${name === 'Block' || name === 'Retire' ? html` class="danger"` : name === 'Publish' || name === 'Re-Publish' ? '' : html` class="secondary"`}>${name}</button> `)}
</form></section>
<section class="card danger-zone" aria-labelledby="delete-title"><h2 id="delete-title">Delete API</h2>${dialogTrigger('delete-api', 'Delete API', 'button danger')}</section>
${dialog({ id: 'delete-api', title: 'Delete API', body: remove, open: one(ctx.query.dialog) === 'delete-api', closeHref: `${base}/lifecycle` })}`,
  });
}

export function registerLifecycle(router: UiRouter): void {
  const path = '/publisher/apis/:apiId/lifecycle';
  router.page(path, PUBLISHER, async (ctx) => show(page(ctx, await loadApi(ctx), {})));
  router.action(
    path,
    PUBLISHER,
    async (ctx) => {
      const api = await router.services.apis.changeLifecycle(ctx.params.apiId ?? '', field(ctx.form, 'action') ?? '');
      return redirect(`${apiBase(api)}/lifecycle`, { notice: `The API is now ${api.lifeCycleStatus}.` });
    },
    { getAllowed: true, onError: async (ctx, errors) => page(ctx, await loadApi(ctx), errors) },
  );
}
