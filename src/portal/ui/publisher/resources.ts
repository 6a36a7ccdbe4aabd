import { AUTH_TYPES, HTTP_VERBS, type Api, type ThrottlePolicy } from '../../../core/model.ts';
import { html } from '../../../http/html.ts';
import { field, type FormBody } from '../../../oauth/form.ts';
import { csrfInput, errorSummary } from '../fields.ts';
import { many } from '../layout.ts';
import { redirect, show, type FieldErrors, type MemberContext, type UiRouter } from '../router.ts';
import { PUBLISHER, apiBase, apiPage, loadApi, toInput } from './api-shell.ts';
import { cellChecks, cellInput, cellSelect, remapErrors, removeCheck, rowCount } from './rows.ts';

/** The Publisher's Resources page: verbs, URL templates, scopes, security and tier per operation. */

interface OpRow {
  verb: string;
  target: string;
  scopes: string[];
  authType: string;
  throttlingPolicy: string;
  remove: boolean;
}

const blank = (): OpRow => ({ verb: 'GET', target: '', scopes: [], authType: AUTH_TYPES[0], throttlingPolicy: 'Unlimited', remove: false });

const rowsOfApi = (api: Api): OpRow[] => [
  ...api.operations.map((o) => ({ verb: o.verb, target: o.target, scopes: [...o.scopes], authType: o.authType, throttlingPolicy: o.throttlingPolicy, remove: false })),
  blank(),
];

function rowsOfForm(form: FormBody): OpRow[] {
  return Array.from({ length: rowCount(form) }, (_, i) => {
    const p = `operations[${i}]`;
    return {
      verb: field(form, `${p}.verb`) ?? 'GET',
      target: (field(form, `${p}.target`) ?? '').trim(),
      scopes: many(form[`${p}.scopes`]),
      authType: field(form, `${p}.authType`) ?? AUTH_TYPES[0],
      throttlingPolicy: field(form, `${p}.throttlingPolicy`) ?? 'Unlimited',
      remove: field(form, `${p}.remove`) === 'true',
    };
  });
}

/** Rows to save (blank and removed rows dropped) and, for each saved one, the row it came from. */
function toOperations(rows: readonly OpRow[]): { operations: unknown[]; kept: number[] } {
  const kept: number[] = [];
  const operations: unknown[] = [];
  rows.forEach((r, i) => {
    if (r.remove || r.target === '') return;
    kept.push(i);
    operations.push({ verb: r.verb, target: r.target, scopes: r.scopes, authType: r.authType, throttlingPolicy: r.throttlingPolicy });
  });
  return { operations, kept };
}

function editor(ctx: MemberContext, api: Api, rows: readonly OpRow[], policies: readonly ThrottlePolicy[], errors: FieldErrors): string {
  const scopeOptions = api.scopes.map((s) => ({ value: s.name, label: s.name }));
  const body = rows.map((r, i) => {
    const p = `operations[${i}]`;
    const isNew = i === rows.length - 1 && r.target === '';
    const name = isNew ? 'new resource' : `${r.verb} ${r.target}`;
    return html`<tr${isNew ? html` class="new-row"` : ''}>
<td data-label="Method">${cellSelect({ name: `${p}.verb`, label: `Method of ${name}`, value: r.verb, options: HTTP_VERBS.map((v) => ({ value: v, label: v })), errors, row: p })}</td>
<td data-label="Resource">${cellInput({ name: `${p}.target`, label: `URL template of ${name}`, value: r.target, placeholder: isNew ? '/orders/{orderId}' : '', errors, row: p })}</td>
<td data-label="Scopes">${cellChecks({ name: `${p}.scopes`, legend: `Scopes of ${name}`, values: r.scopes, options: scopeOptions, errors, row: p, empty: 'Define scopes first' })}</td>
<td data-label="Security">${cellSelect({ name: `${p}.authType`, label: `Security of ${name}`, value: r.authType, options: AUTH_TYPES.map((a) => ({ value: a, label: a })), errors, row: p })}</td>
<td data-label="Tier">${cellSelect({ name: `${p}.throttlingPolicy`, label: `Tier of ${name}`, value: r.throttlingPolicy, options: policies.map((t) => ({ value: t.name, label: t.displayName })), errors, row: p })}</td>
<td>${isNew ? html`<span class="hint">new</span>` : removeCheck(`${p}.remove`, `Remove ${name}`, r.remove)}</td>
</tr>`;
  });
  return apiPage({
    ctx,
    api,
    tab: 'resources',
    title: 'Resources',
    body: html`${errorSummary(errors)}
<form method="post" action="${apiBase(api)}/resources" class="card" novalidate>
${csrfInput(ctx.viewer)}<input type="hidden" name="rows" value="${rows.length}">
<p class="hint">A call must present a token with any one of a resource's scopes. Fill in the last row to add a resource.</p>
<table class="ops-table"><thead><tr><th scope="col">Method</th><th scope="col">URL template</th><th scope="col">Scopes</th><th scope="col">Security</th><th scope="col">Tier</th><th scope="col"><span class="visually-hidden">Remove</span></th></tr></thead>
<tbody>${body}</tbody></table>
<button type="submit">Save resources</button>
</form>`,
  });
}

export function registerResources(router: UiRouter): void {
  const { services } = router;
  const path = '/publisher/apis/:apiId/resources';
  const policies = () => services.policies.list('api');

  router.page(path, PUBLISHER, async (ctx) => {
    const api = await loadApi(ctx);
    return show(editor(ctx, api, rowsOfApi(api), await policies(), {}));
  });

  router.action(
    path,
    PUBLISHER,
    async (ctx) => {
      const api = await loadApi(ctx);
      const { operations } = toOperations(rowsOfForm(ctx.form));
      await services.apis.update(api.id, { ...toInput(api), operations });
      return redirect(`${apiBase(api)}/resources`, { notice: 'Resources saved.' });
    },
    {
      getAllowed: true,
      onError: async (ctx, errors) => {
        const rows = rowsOfForm(ctx.form);
        const { kept } = toOperations(rows);
        const shown = rows.length > 0 && rows[rows.length - 1]!.target !== '' ? [...rows, blank()] : rows;
        return editor(ctx, await loadApi(ctx), shown, await policies(), remapErrors(errors, 'operations', kept));
      },
    },
  );
}
