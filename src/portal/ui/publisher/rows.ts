import { html, type SafeHtml } from '../../../http/html.ts';
import { type FormBody } from '../../../oauth/form.ts';
import { fieldId, type Option } from '../fields.ts';
import type { FieldErrors } from '../router.ts';

/**
 * Helpers for the list editors (resources, scopes): each row's inputs are named `list[i].prop`, and
 * errors the domain reports for `list[k]` (k counts only the rows that were kept) are moved back to
 * the row the person edited.
 */

export const MAX_ROWS = 200;

export function rowCount(form: FormBody): number {
  const n = Number(typeof form.rows === 'string' ? form.rows : '0');
  return Number.isInteger(n) && n > 0 ? Math.min(n, MAX_ROWS) : 0;
}

export function remapErrors(errors: FieldErrors, list: string, kept: readonly number[]): FieldErrors {
  const pattern = new RegExp(`^${list}\\[(\\d+)\\](.*)$`);
  return Object.fromEntries(
    Object.entries(errors).map(([key, message]) => {
      const match = pattern.exec(key);
      if (!match) return [key, message];
      const row = kept[Number(match[1])];
      return [row === undefined ? '_form' : `${list}[${row}]${match[2]}`, message];
    }),
  );
}

/** The error for a cell: its own, or one for the whole row. */
export function cellError(errors: FieldErrors, name: string, row: string): { id: string; message: string | undefined } {
  const own = errors[name];
  return { id: `${fieldId(name)}-error`, message: own ?? (name.startsWith(row) ? errors[row] : undefined) };
}

export function cellInput(o: { name: string; label: string; value: string; errors: FieldErrors; row: string; placeholder?: string }): SafeHtml {
  const err = cellError(o.errors, o.name, o.row);
  return html`<label class="visually-hidden" for="${fieldId(o.name)}">${o.label}</label>
<input type="text" id="${fieldId(o.name)}" name="${o.name}" value="${o.value}"${o.placeholder ? html` placeholder="${o.placeholder}"` : ''}${err.message ? html` aria-invalid="true" aria-describedby="${err.id}"` : ''}>
${err.message ? html`<span class="error" id="${err.id}">${err.message}</span>` : ''}`;
}

export function cellSelect(o: { name: string; label: string; value: string; options: readonly Option[]; errors: FieldErrors; row: string }): SafeHtml {
  const err = cellError(o.errors, o.name, o.row);
  return html`<label class="visually-hidden" for="${fieldId(o.name)}">${o.label}</label>
<select id="${fieldId(o.name)}" name="${o.name}"${err.message ? html` aria-invalid="true" aria-describedby="${err.id}"` : ''}>${o.options.map(
    (opt) => html`<option value="${opt.value}"${opt.value === o.value ? html` selected` : ''}>${opt.label}</option>`,
  )}</select>
${err.message ? html`<span class="error" id="${err.id}">${err.message}</span>` : ''}`;
}

export function cellChecks(o: { name: string; legend: string; values: readonly string[]; options: readonly Option[]; errors: FieldErrors; row: string; empty: string }): SafeHtml {
  const err = cellError(o.errors, o.name, o.row);
  if (o.options.length === 0) return html`<span class="hint">${o.empty}</span>`;
  return html`<fieldset class="cell" id="${fieldId(o.name)}"${err.message ? html` aria-describedby="${err.id}"` : ''}><legend class="visually-hidden">${o.legend}</legend>
${o.options.map(
    (opt, i) => html`<label><input type="checkbox" name="${o.name}" value="${opt.value}" id="${fieldId(o.name)}-${i}"${o.values.includes(opt.value) ? html` checked` : ''}> <code>${opt.label}</code></label>`,
  )}</fieldset>${err.message ? html`<span class="error" id="${err.id}">${err.message}</span>` : ''}`;
}

export function removeCheck(name: string, label: string, checked: boolean): SafeHtml {
  return html`<label><input type="checkbox" name="${name}" value="true"${checked ? html` checked` : ''}> <span class="visually-hidden">${label}</span><span aria-hidden="true">Remove</span></label>`;
}
