import { invalid } from '../../../core/errors.ts';
import type { Application } from '../../../core/model.ts';
import { html, type SafeHtml } from '../../../http/html.ts';
import { field, type FormBody } from '../../../oauth/form.ts';
import type { Services } from '../../../runtime/services.ts';
import { csrfInput, errorSummary, radioGroup, selectInput, textArea, textInput } from '../fields.ts';
import { dialog, dialogTrigger, formatTime, one, portalPage } from '../layout.ts';
import { redirect, show, type FieldErrors, type MemberContext, type UiRouter, type Viewer } from '../router.ts';
import { SUBSCRIBER, appBase, applicationPage, clientOf, loadApplication } from './app-shell.ts';
import { withAttributeRules } from '../../rest/devportal/application-attributes.ts';
import { securitySection } from './security.ts';

interface AppFormValues {
  name: string;
  description: string;
  throttlingPolicy: string;
  tokenType: string;
  attributes?: Record<string, string>;
}

/** The administrator's application attributes a developer fills in (hidden ones get their default). */
const askedAttributes = (services: Services) => services.config.applicationAttributes.filter((a) => !a.hidden);
const attributeField = (name: string) => `attribute.${name}`;

function fromForm(services: Services, form: FormBody): AppFormValues {
  const attributes: Record<string, string> = {};
  for (const a of askedAttributes(services)) {
    const value = field(form, attributeField(a.attribute))?.trim();
    if (value) attributes[a.attribute] = value;
  }
  return {
    name: field(form, 'name') ?? '',
    description: field(form, 'description') ?? '',
    throttlingPolicy: field(form, 'throttlingPolicy') ?? 'Unlimited',
    tokenType: field(form, 'tokenType') ?? 'JWT',
    attributes,
  };
}

/**
 * What the services get: the attribute rules applied (required ones checked, hidden defaults filled). A
 * missing attribute is reported on its own field, by the label the form shows.
 */
function withRules(services: Services, values: AppFormValues): AppFormValues {
  for (const a of askedAttributes(services)) {
    if (a.required && !values.attributes?.[a.attribute]) throw invalid(attributeField(a.attribute), `${a.description || a.attribute} is required`);
  }
  return { ...values, attributes: withAttributeRules(services, values.attributes) ?? {} };
}

function attributeInputs(services: Services, values: AppFormValues, errors: FieldErrors): SafeHtml[] {
  return askedAttributes(services).map((a) => {
    const name = attributeField(a.attribute);
    const input = { name, label: a.description || a.attribute, value: values.attributes?.[a.attribute] ?? '', required: a.required, hint: a.tooltip || (a.required ? 'Required' : 'Optional'), errors };
    return a.type === 'textarea' ? textArea(input) : textInput(input);
  });
}

async function applicationForm(services: Services, o: { viewer: Viewer; action: string; values: AppFormValues; errors: FieldErrors; submit: string }): Promise<SafeHtml> {
  const policies = await services.policies.list('application');
  return html`${errorSummary(o.errors)}
<form method="post" action="${o.action}" class="card" novalidate>
${csrfInput(o.viewer)}
${textInput({ name: 'name', label: 'Application name', value: o.values.name, required: true, hint: 'Up to 100 characters, unique among your applications', errors: o.errors })}
${selectInput({
  name: 'throttlingPolicy',
  label: 'Shared quota for application tokens',
  hint: 'The application tier: one request budget shared by every token of this application',
  value: o.values.throttlingPolicy,
  options: policies.map((p) => ({ value: p.name, label: `${p.displayName}${p.description ? ` — ${p.description}` : ''}` })),
  errors: o.errors,
})}
${textArea({ name: 'description', label: 'Description', value: o.values.description, hint: 'Optional, up to 512 characters', errors: o.errors })}
${attributeInputs(services, o.values, o.errors)}
${radioGroup({
  name: 'tokenType',
  label: 'Token type',
  value: o.values.tokenType,
  options: [
    { value: 'JWT', label: 'JWT — self-contained, signed tokens (default)' },
    { value: 'OAUTH', label: 'OAUTH — opaque reference tokens' },
  ],
  errors: o.errors,
})}
<button type="submit">${o.submit}</button> <a class="button secondary" href="/devportal/applications">Cancel</a>
</form>`;
}

async function listPage(ctx: MemberContext): Promise<string> {
  const { services, viewer } = ctx;
  const { items, total } = await services.applications.list(viewer.user.id, { limit: 500, offset: 0 });
  const rows = await Promise.all(items.map(async (a) => ({ application: a, subscriptions: (await services.store.subscriptions.listByApplication(a.id)).length })));
  const table = html`<table>
<caption class="visually-hidden">Your applications</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Policy</th><th scope="col">Token type</th><th scope="col">Subscriptions</th><th scope="col">Created</th></tr></thead>
<tbody>${rows.map(
    (r) => html`<tr>
<td data-label="Name"><a href="${appBase(r.application)}">${r.application.name}</a></td>
<td data-label="Policy">${r.application.throttlingPolicy}</td>
<td data-label="Token type"><span class="badge">${r.application.tokenType}</span></td>
<td data-label="Subscriptions">${r.subscriptions}</td>
<td data-label="Created">${formatTime(r.application.createdAt)}</td>
</tr>`,
  )}</tbody></table>`;
  return portalPage({
    area: 'devportal',
    viewer,
    flash: ctx.flash,
    nav: 'applications',
    title: 'Applications',
    body: html`<div class="heading-row"><h1>Applications</h1><a class="button" href="/devportal/applications/new">Add new application</a></div>
<p class="hint">An application is how you consume APIs: it holds production and sandbox keys, tokens, API keys and subscriptions.</p>
${total === 0 ? html`<div class="card empty"><p>You have no applications yet.</p><a class="button" href="/devportal/applications/new">Add new application</a></div>` : table}`,
  });
}

async function overview(ctx: MemberContext, application: Application): Promise<string> {
  const { services, viewer } = ctx;
  const [production, sandbox, subscriptions] = await Promise.all([
    clientOf(services, application, 'PRODUCTION'),
    clientOf(services, application, 'SANDBOX'),
    services.store.subscriptions.listByApplication(application.id),
  ]);
  const base = appBase(application);
  const deleteBody = html`<p>Delete <strong>${application.name}</strong>? Its keys, access tokens and API keys stop working at once and its subscriptions are removed.</p>
<form method="post" action="${base}/delete">${csrfInput(viewer)}<button type="submit" class="danger">Delete application</button></form>`;
  return applicationPage({
    ctx,
    application,
    tab: 'overview',
    title: 'Overview',
    body: html`<div class="card">
<dl class="kv">
<dt>Description</dt><dd>${application.description || html`<span class="hint">none</span>`}</dd>
<dt>Throttling policy</dt><dd>${application.throttlingPolicy}</dd>
<dt>Token type</dt><dd><span class="badge">${application.tokenType}</span></dd>
${askedAttributes(ctx.services).map((a) => html`<dt>${a.description || a.attribute}</dt><dd>${application.attributes[a.attribute] ?? html`<span class="hint">none</span>`}</dd>`)}
<dt>Production keys</dt><dd>${production ? 'generated' : html`<a href="${base}/keys/production">not generated yet</a>`}</dd>
<dt>Sandbox keys</dt><dd>${sandbox ? 'generated' : html`<a href="${base}/keys/sandbox">not generated yet</a>`}</dd>
<dt>Subscriptions</dt><dd><a href="${base}/subscriptions">${subscriptions.length}</a></dd>
<dt>Created</dt><dd>${formatTime(application.createdAt)}</dd>
<dt>Updated</dt><dd>${formatTime(application.updatedAt)}</dd>
</dl>
<a class="button" href="${base}/edit">Edit</a> ${dialogTrigger('delete-app', 'Delete', 'button danger')}
</div>
${dialog({ id: 'delete-app', title: 'Delete application', body: deleteBody, open: one(ctx.query.dialog) === 'delete-app', closeHref: base })}
${await securitySection(ctx, application)}`,
  });
}

export function registerApplications(router: UiRouter): void {
  const { services } = router;

  router.page('/devportal/applications', SUBSCRIBER, async (ctx) => show(await listPage(ctx)));

  const newPage = async (ctx: MemberContext, values: AppFormValues, errors: FieldErrors) =>
    portalPage({
      area: 'devportal',
      viewer: ctx.viewer,
      nav: 'applications',
      title: 'Add new application',
      crumbs: [{ label: 'Applications', href: '/devportal/applications' }, { label: 'Add new application' }],
      body: html`<h1>Add new application</h1>${await applicationForm(services, { viewer: ctx.viewer, action: '/devportal/applications/new', values, errors, submit: 'Save' })}`,
    });
  router.page('/devportal/applications/new', SUBSCRIBER, async (ctx) =>
    show(await newPage(ctx, { name: '', description: '', throttlingPolicy: 'Unlimited', tokenType: 'JWT' }, {})),
  );
  router.action(
    '/devportal/applications/new',
    SUBSCRIBER,
    async (ctx) => {
      const application = await services.applications.create(ctx.viewer.user.id, withRules(services, fromForm(services, ctx.form)));
      return redirect(`${appBase(application)}/keys/production`, { notice: `Application ${application.name} created. Generate keys to start calling APIs.` });
    },
    { getAllowed: true, onError: (ctx, errors) => newPage(ctx, fromForm(services, ctx.form), errors) },
  );

  router.page('/devportal/applications/:appId', SUBSCRIBER, async (ctx) => show(await overview(ctx, await loadApplication(ctx))));

  const editPage = async (ctx: MemberContext, application: Application, values: AppFormValues, errors: FieldErrors) =>
    applicationPage({
      ctx,
      application,
      tab: 'overview',
      title: 'Edit',
      crumbs: [{ label: 'Edit' }],
      body: await applicationForm(services, { viewer: ctx.viewer, action: `${appBase(application)}/edit`, values, errors, submit: 'Save changes' }),
    });
  router.page('/devportal/applications/:appId/edit', SUBSCRIBER, async (ctx) => {
    const application = await loadApplication(ctx);
    return show(await editPage(ctx, application, application, {}));
  });
  router.action(
    '/devportal/applications/:appId/edit',
    SUBSCRIBER,
    async (ctx) => {
      const current = await loadApplication(ctx);
      const values = fromForm(services, ctx.form);
      // The form decides the attributes it asks for; the others (hidden ones) keep their stored values.
      const asked = new Set(askedAttributes(services).map((a) => a.attribute));
      const kept = Object.fromEntries(Object.entries(current.attributes).filter(([name]) => !asked.has(name)));
      const application = await services.applications.update(ctx.viewer.user.id, current.id, withRules(services, { ...values, attributes: { ...kept, ...values.attributes } }));
      return redirect(appBase(application), { notice: 'Application updated.' });
    },
    { getAllowed: true, onError: async (ctx, errors) => editPage(ctx, await loadApplication(ctx), fromForm(services, ctx.form), errors) },
  );

  router.action('/devportal/applications/:appId/delete', SUBSCRIBER, async (ctx) => {
    const application = await loadApplication(ctx);
    await services.applications.delete(ctx.viewer.user.id, application.id);
    return redirect('/devportal/applications', { notice: `Application ${application.name} deleted.` });
  });
}
