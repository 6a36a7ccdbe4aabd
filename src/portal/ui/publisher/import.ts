import { apiFromOpenApi, parseOpenApiText } from '../../../core/openapi-import.ts';
import { html } from '../../../http/html.ts';
import { field } from '../../../oauth/form.ts';
import { csrfInput, errorSummary, fieldId, textArea } from '../fields.ts';
import { portalPage } from '../layout.ts';
import { redirect, show, type FieldErrors, type MemberContext, type UiRouter } from '../router.ts';
import { PUBLISHER, apiBase } from './api-shell.ts';

/** Publisher → Import OpenAPI: choose a file (read in the browser) or paste the definition. */

function page(ctx: MemberContext, definition: string, errors: FieldErrors): string {
  const id = fieldId('definition');
  return portalPage({
    area: 'publisher',
    viewer: ctx.viewer,
    nav: 'apis',
    title: 'Import OpenAPI',
    crumbs: [{ label: 'APIs', href: '/publisher/apis' }, { label: 'Import OpenAPI' }],
    body: html`<h1>Import an OpenAPI definition</h1>
${errorSummary(errors)}
<form method="post" action="/publisher/apis/import" class="card" novalidate>
${csrfInput(ctx.viewer)}
<div class="field"><label for="openapi-file">OpenAPI file (JSON)</label>
<span class="hint" id="openapi-file-hint">The file is read into the box below; you can also paste the document there.</span>
<input type="file" id="openapi-file" accept=".json,application/json" data-load-into="${id}" aria-describedby="openapi-file-hint"></div>
${textArea({ name: 'definition', label: 'Definition', value: definition, rows: 14, hint: 'OpenAPI 3.x or Swagger 2.0, JSON. Paths become resources; OAuth2 scopes become local scopes; the first server URL becomes the production endpoint.', errors })}
<button type="submit">Import</button> <a class="button secondary" href="/publisher/apis">Cancel</a>
</form>`,
  });
}

/** Domain errors about the imported API name its fields (e.g. `context`); here they concern the definition. */
const onDefinition = (errors: FieldErrors): FieldErrors =>
  Object.fromEntries(Object.entries(errors).map(([k, v]) => [k === 'definition' || k === '_form' ? k : 'definition', k === 'definition' || k === '_form' ? v : `${k}: ${v}`]));

export function registerImport(router: UiRouter): void {
  router.page('/publisher/apis/import', PUBLISHER, async (ctx) => show(page(ctx, '', {})));
  router.action(
    '/publisher/apis/import',
    PUBLISHER,
    async (ctx) => {
      const { input, warnings } = apiFromOpenApi(parseOpenApiText(field(ctx.form, 'definition') ?? ''));
      const api = await router.services.apis.create(ctx.viewer.user.id, input);
      const notice = [`Imported ${api.name} ${api.version} with ${api.operations.length} resources and ${api.scopes.length} scopes.`, ...warnings].join(' ');
      return redirect(`${apiBase(api)}/resources`, { notice });
    },
    {
      getAllowed: true,
      onError: async (ctx, errors) => page(ctx, field(ctx.form, 'definition') ?? '', onDefinition(errors)),
    },
  );
}
