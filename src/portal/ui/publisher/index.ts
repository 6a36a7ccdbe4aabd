import { DomainError } from '../../../core/errors.ts';
import { html } from '../../../http/html.ts';
import { formatTime, portalPage } from '../layout.ts';
import { redirect, show, type FieldErrors, type MemberContext, type UiRouter } from '../router.ts';
import {
  DEFAULT_OPERATIONS,
  PRODUCTION_FIELD,
  SANDBOX_FIELD,
  basicForm,
  basicOfApi,
  basicOfForm,
  createForm,
  endpointsForm,
  endpointsOfForm,
  type BasicValues,
  type EndpointValues,
} from './api-forms.ts';
import { PUBLISHER, apiBase, apiPage, loadApi, statusBadge, toInput } from './api-shell.ts';
import { registerImport } from './import.ts';
import { registerLifecycle } from './lifecycle.ts';
import { registerResources } from './resources.ts';
import { registerScopes } from './scopes.ts';

async function listPage(ctx: MemberContext): Promise<string> {
  const { items } = await ctx.services.apis.list({ limit: 500, offset: 0 });
  const rows = items.map(
    (api) => html`<tr>
<td data-label="Name"><a href="${apiBase(api)}">${api.name}</a></td>
<td data-label="Version">${api.version}</td>
<td data-label="Context"><code>${api.context}</code></td>
<td data-label="Status">${statusBadge(api)}</td>
<td data-label="Updated">${formatTime(api.updatedAt)}</td>
</tr>`,
  );
  return portalPage({
    area: 'publisher',
    viewer: ctx.viewer,
    flash: ctx.flash,
    nav: 'apis',
    title: 'APIs',
    body: html`<div class="heading-row"><h1>APIs</h1><div><a class="button" href="/publisher/apis/new">Create API</a> <a class="button secondary" href="/publisher/apis/import">Import OpenAPI</a></div></div>
${items.length === 0
  ? html`<div class="card empty"><p>No APIs yet. Create one, or import an OpenAPI definition.</p></div>`
  : html`<table><thead><tr><th scope="col">Name</th><th scope="col">Version</th><th scope="col">Context</th><th scope="col">Status</th><th scope="col">Updated</th></tr></thead><tbody>${rows}</tbody></table>`}`,
  });
}

const EMPTY_BASIC: BasicValues = { name: '', context: '', version: '1.0.0', description: '', policies: ['Unlimited'], securityScheme: ['oauth2', 'api_key'] };
const EMPTY_ENDPOINTS: EndpointValues = { productionUrl: '', sandboxUrl: '' };

function registerCreate(router: UiRouter): void {
  const { services } = router;
  const page = async (ctx: MemberContext, values: BasicValues, endpoints: EndpointValues, errors: FieldErrors) =>
    portalPage({
      area: 'publisher',
      viewer: ctx.viewer,
      nav: 'create',
      title: 'Create API',
      crumbs: [{ label: 'APIs', href: '/publisher/apis' }, { label: 'Create API' }],
      body: html`<h1>Create API</h1>${createForm({ viewer: ctx.viewer, values, endpoints, policies: await services.policies.list('subscription'), errors })}`,
    });
  router.page('/publisher/apis/new', PUBLISHER, async (ctx) => show(await page(ctx, EMPTY_BASIC, EMPTY_ENDPOINTS, {})));
  router.action(
    '/publisher/apis/new',
    PUBLISHER,
    async (ctx) => {
      const endpoints = endpointsOfForm(ctx.form);
      const api = await services.apis.create(ctx.viewer.user.id, {
        ...basicOfForm(ctx.form),
        productionUrl: endpoints.productionUrl.trim() || null,
        sandboxUrl: endpoints.sandboxUrl.trim() || null,
        operations: DEFAULT_OPERATIONS,
      });
      return redirect(`${apiBase(api)}/scopes`, { notice: `API ${api.name} ${api.version} created. Define its local scopes, then its resources, then publish it.` });
    },
    { getAllowed: true, onError: (ctx, errors) => page(ctx, basicOfForm(ctx.form), endpointsOfForm(ctx.form), errors) },
  );
}

function registerBasicAndEndpoints(router: UiRouter): void {
  const { services } = router;
  const basicPage = async (ctx: MemberContext, values: BasicValues, errors: FieldErrors) => {
    const api = await loadApi(ctx);
    return apiPage({
      ctx,
      api,
      tab: 'basic',
      title: 'Basic info',
      body: basicForm({ viewer: ctx.viewer, action: apiBase(api), values, policies: await services.policies.list('subscription'), errors }),
    });
  };
  router.page('/publisher/apis/:apiId', PUBLISHER, async (ctx) => show(await basicPage(ctx, basicOfApi(await loadApi(ctx)), {})));
  router.action(
    '/publisher/apis/:apiId',
    PUBLISHER,
    async (ctx) => {
      const api = await loadApi(ctx);
      await services.apis.update(api.id, { ...toInput(api), ...basicOfForm(ctx.form) });
      return redirect(apiBase(api), { notice: 'Basic info saved.' });
    },
    { getAllowed: true, onError: (ctx, errors) => basicPage(ctx, basicOfForm(ctx.form), errors) },
  );

  const endpointsPage = async (ctx: MemberContext, values: EndpointValues, errors: FieldErrors) => {
    const api = await loadApi(ctx);
    return apiPage({ ctx, api, tab: 'endpoints', title: 'Endpoints', body: endpointsForm({ viewer: ctx.viewer, action: `${apiBase(api)}/endpoints`, values, errors }) });
  };
  router.page('/publisher/apis/:apiId/endpoints', PUBLISHER, async (ctx) => {
    const api = await loadApi(ctx);
    return show(await endpointsPage(ctx, { productionUrl: api.productionUrl ?? '', sandboxUrl: api.sandboxUrl ?? '' }, {}));
  });
  router.action(
    '/publisher/apis/:apiId/endpoints',
    PUBLISHER,
    async (ctx) => {
      const api = await loadApi(ctx);
      const values = endpointsOfForm(ctx.form);
      await services.apis.update(api.id, { ...toInput(api), productionUrl: values.productionUrl.trim() || null, sandboxUrl: values.sandboxUrl.trim() || null });
      return redirect(`${apiBase(api)}/endpoints`, { notice: 'Endpoints saved.' });
    },
    {
      getAllowed: true,
      onError: (ctx, errors) =>
        endpointsPage(ctx, endpointsOfForm(ctx.form), errors.endpointConfig ? { ...errors, [PRODUCTION_FIELD]: errors.endpointConfig, [SANDBOX_FIELD]: errors.endpointConfig } : errors),
    },
  );
}

export function registerPublisher(router: UiRouter): void {
  router.page('/publisher/apis', PUBLISHER, async (ctx) => show(await listPage(ctx)));
  registerCreate(router);
  registerImport(router);
  registerBasicAndEndpoints(router);
  registerResources(router);
  registerScopes(router);
  registerLifecycle(router);
  router.action('/publisher/apis/:apiId/delete', PUBLISHER, async (ctx) => {
    const api = await loadApi(ctx);
    try {
      await router.services.apis.delete(api.id);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'CONFLICT') return redirect(`${apiBase(api)}/lifecycle`, { notice: error.publicMessage });
      throw error;
    }
    return redirect('/publisher/apis', { notice: `API ${api.name} ${api.version} deleted.` });
  });
}
