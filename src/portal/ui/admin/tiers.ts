import { notFound } from '../../../core/errors.ts';
import type { PolicyInput } from '../../../core/policy-service.ts';
import { TIME_UNITS, type PolicyLevel, type ThrottlePolicy } from '../../../core/model.ts';
import { html, type SafeHtml } from '../../../http/html.ts';
import { field, type FormBody } from '../../../oauth/form.ts';
import { checkbox, csrfInput, errorSummary, postButton, selectInput, textInput } from '../fields.ts';
import { dialog, dialogTrigger, one, portalPage, tabs } from '../layout.ts';
import { redirect, show, type FieldErrors, type MemberContext, type UiRouter } from '../router.ts';

/** Admin → Throttling policies: application tiers, subscription tiers (business plans) and resource tiers. */

const ADMIN = ['admin'] as const;
const LEVELS: Record<PolicyLevel, string> = { application: 'Application tiers', subscription: 'Subscription tiers', api: 'Resource tiers' };

function levelOf(value: string | undefined): PolicyLevel {
  if (value === 'application' || value === 'subscription' || value === 'api') return value;
  throw notFound('page');
}

interface PolicyValues {
  policyName: string;
  displayName: string;
  description: string;
  requestCount: string;
  unitTime: string;
  timeUnit: string;
  stopOnQuotaReach: boolean;
}

const EMPTY: PolicyValues = { policyName: '', displayName: '', description: '', requestCount: '', unitTime: '1', timeUnit: 'min', stopOnQuotaReach: true };

const valuesOfPolicy = (p: ThrottlePolicy): PolicyValues => ({
  policyName: p.name,
  displayName: p.displayName,
  description: p.description,
  requestCount: p.requestCount === null ? '' : String(p.requestCount),
  unitTime: String(p.unitTime),
  timeUnit: p.timeUnit,
  stopOnQuotaReach: p.stopOnQuotaReach,
});

const valuesOfForm = (form: FormBody): PolicyValues => ({
  policyName: field(form, 'policyName') ?? '',
  displayName: field(form, 'displayName') ?? '',
  description: field(form, 'description') ?? '',
  requestCount: field(form, 'requestCount') ?? '',
  unitTime: field(form, 'unitTime') ?? '1',
  timeUnit: field(form, 'timeUnit') ?? 'min',
  stopOnQuotaReach: field(form, 'stopOnQuotaReach') === 'true',
});

const toInput = (v: PolicyValues): PolicyInput => ({
  name: v.policyName,
  displayName: v.displayName.trim() || undefined,
  description: v.description,
  requestCount: v.requestCount.trim() === '' ? null : v.requestCount,
  unitTime: v.unitTime,
  timeUnit: v.timeUnit,
  stopOnQuotaReach: v.stopOnQuotaReach,
});

const quota = (p: ThrottlePolicy): string => (p.requestCount === null ? 'Unlimited' : `${p.requestCount} requests / ${p.unitTime === 1 ? '' : `${p.unitTime} `}${p.timeUnit}`);

function policyForm(o: { ctx: MemberContext; action: string; values: PolicyValues; errors: FieldErrors; editing: boolean; level: PolicyLevel }): SafeHtml {
  const { values, errors } = o;
  return html`${errorSummary(errors)}<form method="post" action="${o.action}" novalidate>
${csrfInput(o.ctx.viewer)}
<div class="grid-2">
${o.editing ? html`<input type="hidden" name="policyName" value="${values.policyName}"><div class="field"><span class="label">Name</span><p><code>${values.policyName}</code></p></div>` : textInput({ name: 'policyName', label: 'Name', value: values.policyName, required: true, hint: 'Letters, digits, _ and -; cannot change later', errors })}
${textInput({ name: 'displayName', label: 'Display name', value: values.displayName, errors })}
</div>
${textInput({ name: 'description', label: 'Description', value: values.description, errors })}
<div class="grid-3">
${textInput({ name: 'requestCount', label: 'Request count', type: 'number', value: values.requestCount, hint: 'Empty = unlimited', errors, min: 1 })}
${textInput({ name: 'unitTime', label: 'Unit time', type: 'number', value: values.unitTime, errors, min: 1 })}
${selectInput({ name: 'timeUnit', label: 'Time unit', value: values.timeUnit, options: TIME_UNITS.map((u) => ({ value: u, label: { sec: 'second(s)', min: 'minute(s)', hour: 'hour(s)', day: 'day(s)' }[u] })), errors })}
</div>
${o.level === 'subscription' ? checkbox({ name: 'stopOnQuotaReach', label: 'Stop on quota reach', checked: values.stopOnQuotaReach, hint: 'Refuse calls (429) once the quota is used' }) : html`<input type="hidden" name="stopOnQuotaReach" value="${values.stopOnQuotaReach ? 'true' : 'false'}">`}
<button type="submit">${o.editing ? 'Save' : 'Add policy'}</button>${o.editing ? html` <a class="button secondary" href="/admin/throttling/${o.level}">Cancel</a>` : ''}
</form>`;
}

async function listPage(ctx: MemberContext, level: PolicyLevel, values: PolicyValues, errors: FieldErrors): Promise<string> {
  const policies = await ctx.services.policies.list(level);
  const rows = policies.map(
    (p) => html`<tr>
<td data-label="Name"><a href="/admin/throttling/${level}/${p.id}">${p.name}</a></td>
<td data-label="Display name">${p.displayName}</td>
<td data-label="Quota">${quota(p)}</td>
<td data-label="Description">${p.description}</td>
<td><a class="button secondary" href="/admin/throttling/${level}/${p.id}">Edit</a> ${dialogTrigger(`delete-${p.id}`, 'Delete', 'button danger')}
${dialog({
  id: `delete-${p.id}`,
  title: `Delete ${p.name}?`,
  body: html`<p>This cannot be undone. Check first that no application, API or resource still uses ${p.name}.</p>${postButton({ viewer: ctx.viewer, action: `/admin/throttling/${level}/${p.id}/delete`, label: 'Delete policy', danger: true })}`,
  open: one(ctx.query.dialog) === `delete-${p.id}`,
  closeHref: `/admin/throttling/${level}`,
})}</td>
</tr>`,
  );
  return portalPage({
    area: 'admin',
    viewer: ctx.viewer,
    flash: ctx.flash,
    nav: 'tiers',
    title: LEVELS[level],
    body: html`<h1>Throttling policies</h1>
${tabs((Object.keys(LEVELS) as PolicyLevel[]).map((l) => ({ href: `/admin/throttling/${l}`, label: LEVELS[l], current: l === level })), 'Policy levels')}
<section class="card" aria-labelledby="list-title"><h2 id="list-title">${LEVELS[level]}</h2>
<table><thead><tr><th scope="col">Name</th><th scope="col">Display name</th><th scope="col">Quota</th><th scope="col">Description</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead><tbody>${rows}</tbody></table></section>
<section class="card" aria-labelledby="add-title"><h2 id="add-title">Add a policy</h2>
${policyForm({ ctx, action: `/admin/throttling/${level}`, values, errors, editing: false, level })}</section>`,
  });
}

async function editPage(ctx: MemberContext, policy: ThrottlePolicy, values: PolicyValues, errors: FieldErrors): Promise<string> {
  return portalPage({
    area: 'admin',
    viewer: ctx.viewer,
    nav: 'tiers',
    title: `Edit ${policy.name}`,
    crumbs: [{ label: LEVELS[policy.level], href: `/admin/throttling/${policy.level}` }, { label: policy.name }],
    body: html`<h1>Edit ${policy.name}</h1><section class="card">${policyForm({ ctx, action: `/admin/throttling/${policy.level}/${policy.id}`, values, errors, editing: true, level: policy.level })}</section>`,
  });
}

export function registerTiers(router: UiRouter): void {
  const { services } = router;
  const base = '/admin/throttling/:level';
  const load = (ctx: MemberContext) => services.policies.get(levelOf(ctx.params.level), ctx.params.policyId ?? '');

  router.page(base, ADMIN, async (ctx) => show(await listPage(ctx, levelOf(ctx.params.level), EMPTY, {})));
  router.action(
    base,
    ADMIN,
    async (ctx) => {
      const level = levelOf(ctx.params.level);
      const policy = await services.policies.create(level, toInput(valuesOfForm(ctx.form)));
      return redirect(`/admin/throttling/${level}`, { notice: `Policy ${policy.name} added.` });
    },
    { getAllowed: true, onError: (ctx, errors) => listPage(ctx, levelOf(ctx.params.level), valuesOfForm(ctx.form), errors) },
  );

  router.page(`${base}/:policyId`, ADMIN, async (ctx) => {
    const policy = await load(ctx);
    return show(await editPage(ctx, policy, valuesOfPolicy(policy), {}));
  });
  router.action(
    `${base}/:policyId`,
    ADMIN,
    async (ctx) => {
      const existing = await load(ctx);
      const policy = await services.policies.update(existing.level, existing.id, toInput({ ...valuesOfForm(ctx.form), policyName: existing.name }));
      return redirect(`/admin/throttling/${policy.level}`, { notice: `Policy ${policy.name} saved.` });
    },
    { getAllowed: true, onError: async (ctx, errors) => editPage(ctx, await load(ctx), valuesOfForm(ctx.form), errors) },
  );

  router.action(`${base}/:policyId/delete`, ADMIN, async (ctx) => {
    const policy = await load(ctx);
    await services.policies.delete(policy.level, policy.id);
    return redirect(`/admin/throttling/${policy.level}`, { notice: `Policy ${policy.name} deleted.` });
  });
}
