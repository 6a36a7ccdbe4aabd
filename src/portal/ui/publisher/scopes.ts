import { ROLES, type Api } from '../../../core/model.ts';
import { html } from '../../../http/html.ts';
import { field, type FormBody } from '../../../oauth/form.ts';
import { csrfInput, errorSummary } from '../fields.ts';
import { many } from '../layout.ts';
import { redirect, show, type FieldErrors, type MemberContext, type UiRouter } from '../router.ts';
import { PUBLISHER, apiBase, apiPage, loadApi, toInput } from './api-shell.ts';
import { cellChecks, cellInput, remapErrors, removeCheck, rowCount } from './rows.ts';

/** The Publisher's Local Scopes page. Renaming or removing a scope updates the resources that use it. */

interface ScopeRow {
  original: string;
  name: string;
  displayName: string;
  description: string;
  bindings: string[];
  remove: boolean;
}

const blank = (): ScopeRow => ({ original: '', name: '', displayName: '', description: '', bindings: [], remove: false });

const rowsOfApi = (api: Api): ScopeRow[] => [
  ...api.scopes.map((s) => ({ original: s.name, name: s.name, displayName: s.displayName, description: s.description, bindings: [...s.bindings], remove: false })),
  blank(),
];

function rowsOfForm(form: FormBody): ScopeRow[] {
  return Array.from({ length: rowCount(form) }, (_, i) => {
    const p = `scopes[${i}]`;
    return {
      original: field(form, `${p}.original`) ?? '',
      name: (field(form, `${p}.name`) ?? '').trim(),
      displayName: field(form, `${p}.displayName`) ?? '',
      description: field(form, `${p}.description`) ?? '',
      bindings: many(form[`${p}.bindings`]),
      remove: field(form, `${p}.remove`) === 'true',
    };
  });
}

function apply(api: Api, rows: readonly ScopeRow[]) {
  const kept: number[] = [];
  const scopes: unknown[] = [];
  const renamed = new Map<string, string | null>();
  rows.forEach((r, i) => {
    if (r.remove || r.name === '') {
      if (r.original) renamed.set(r.original, null);
      return;
    }
    if (r.original && r.original !== r.name) renamed.set(r.original, r.name);
    kept.push(i);
    scopes.push({ name: r.name, displayName: r.displayName.trim() || r.name, description: r.description, bindings: r.bindings });
  });
  const operations = api.operations.map((o) => ({
    ...o,
    scopes: o.scopes.flatMap((s) => (renamed.has(s) ? (renamed.get(s) === null ? [] : [renamed.get(s)!]) : [s])),
  }));
  return { input: { ...toInput(api), scopes, operations }, kept };
}

function editor(ctx: MemberContext, api: Api, rows: readonly ScopeRow[], errors: FieldErrors): string {
  const roleOptions = ROLES.map((r) => ({ value: r, label: r }));
  const body = rows.map((r, i) => {
    const p = `scopes[${i}]`;
    const isNew = i === rows.length - 1 && r.original === '' && r.name === '';
    const name = isNew ? 'new scope' : `scope ${r.name}`;
    return html`<tr>
<td data-label="Scope">${r.original ? html`<input type="hidden" name="${p}.original" value="${r.original}">` : ''}${cellInput({ name: `${p}.name`, label: `Name of ${name}`, value: r.name, placeholder: isNew ? 'orders:read' : '', errors, row: p })}</td>
<td data-label="Display name">${cellInput({ name: `${p}.displayName`, label: `Display name of ${name}`, value: r.displayName, errors, row: p })}</td>
<td data-label="Description">${cellInput({ name: `${p}.description`, label: `Description of ${name}`, value: r.description, errors, row: p })}</td>
<td data-label="Roles">${cellChecks({ name: `${p}.bindings`, legend: `Roles allowed ${name} in user tokens`, values: r.bindings, options: roleOptions, errors, row: p, empty: '' })}</td>
<td>${isNew ? html`<span class="hint">new</span>` : removeCheck(`${p}.remove`, `Remove ${name}`, r.remove)}</td>
</tr>`;
  });
  return apiPage({
    ctx,
    api,
    tab: 'scopes',
    title: 'Local scopes',
    body: html`${errorSummary(errors)}
<form method="post" action="${apiBase(api)}/scopes" class="card" novalidate>
${csrfInput(ctx.viewer)}<input type="hidden" name="rows" value="${rows.length}">
<p class="hint">Roles limit who may obtain a scope in user tokens (none ticked = any role); application tokens get any scope of a subscribed API. Fill in the last row to add a scope.</p>
<table class="ops-table"><thead><tr><th scope="col">Scope</th><th scope="col">Display name</th><th scope="col">Description</th><th scope="col">Roles</th><th scope="col"><span class="visually-hidden">Remove</span></th></tr></thead>
<tbody>${body}</tbody></table>
<button type="submit">Save scopes</button>
</form>`,
  });
}

export function registerScopes(router: UiRouter): void {
  const { services } = router;
  const path = '/publisher/apis/:apiId/scopes';

  router.page(path, PUBLISHER, async (ctx) => {
    const api = await loadApi(ctx);
    return show(editor(ctx, api, rowsOfApi(api), {}));
  });

  router.action(
    path,
    PUBLISHER,
    async (ctx) => {
      const api = await loadApi(ctx);
      await services.apis.update(api.id, apply(api, rowsOfForm(ctx.form)).input);
      return redirect(`${apiBase(api)}/scopes`, { notice: 'Scopes saved.' });
    },
    {
      getAllowed: true,
      onError: async (ctx, errors) => {
        const api = await loadApi(ctx);
        const rows = rowsOfForm(ctx.form);
        const shown = rows.length > 0 && rows[rows.length - 1]!.name !== '' ? [...rows, blank()] : rows;
        return editor(ctx, api, shown, remapErrors(errors, 'scopes', apply(api, rows).kept));
      },
    },
  );
}
