import { html, type SafeHtml } from '../../http/html.ts';
import type { FieldErrors, Viewer } from './router.ts';

/**
 * Form inputs that always carry a label, an optional hint, and the error that concerns them right
 * beside them (wired with aria-describedby / aria-invalid), plus an error summary at the top of the
 * form that links to each field (GOV.UK Design System pattern).
 */

export const fieldId = (name: string): string => `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

interface Common {
  name: string;
  label: string;
  errors: FieldErrors;
  hint?: string | SafeHtml;
  required?: boolean;
}

export interface Option {
  value: string;
  label: string;
}

function parts(o: Common) {
  const id = fieldId(o.name);
  const error = o.errors[o.name];
  const described = [o.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return {
    id,
    error,
    hint: o.hint ? html`<span class="hint" id="${id}-hint">${o.hint}</span>` : '',
    message: error ? html`<span class="error" id="${id}-error"><span class="visually-hidden">Error: </span>${error}</span>` : '',
    aria: html`${described ? html` aria-describedby="${described}"` : ''}${error ? html` aria-invalid="true"` : ''}${o.required ? html` required` : ''}`,
  };
}

export function textInput(
  o: Common & { value?: string | number | null; type?: 'text' | 'password' | 'number' | 'url'; autocomplete?: string; placeholder?: string; min?: number },
): SafeHtml {
  const p = parts(o);
  return html`<div class="field${p.error ? ' has-error' : ''}">
<label for="${p.id}">${o.label}</label>${p.hint}${p.message}
<input id="${p.id}" name="${o.name}" type="${o.type ?? 'text'}" value="${o.value ?? ''}"${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}${o.placeholder ? html` placeholder="${o.placeholder}"` : ''}${o.min !== undefined ? html` min="${o.min}"` : ''}${p.aria}>
</div>`;
}

export function textArea(o: Common & { value?: string; rows?: number }): SafeHtml {
  const p = parts(o);
  return html`<div class="field${p.error ? ' has-error' : ''}">
<label for="${p.id}">${o.label}</label>${p.hint}${p.message}
<textarea id="${p.id}" name="${o.name}" rows="${o.rows ?? 3}"${p.aria}>${o.value ?? ''}</textarea>
</div>`;
}

export function selectInput(o: Common & { value?: string; options: readonly Option[] }): SafeHtml {
  const p = parts(o);
  return html`<div class="field${p.error ? ' has-error' : ''}">
<label for="${p.id}">${o.label}</label>${p.hint}${p.message}
<select id="${p.id}" name="${o.name}"${p.aria}>${o.options.map(
    (opt) => html`<option value="${opt.value}"${opt.value === o.value ? html` selected` : ''}>${opt.label}</option>`,
  )}</select>
</div>`;
}

/** A group of checkboxes sharing one name (the form parser turns repeats into an array). */
export function checkboxGroup(o: Common & { values: readonly string[]; options: readonly Option[]; mono?: boolean }): SafeHtml {
  const p = parts(o);
  return html`<fieldset id="${p.id}" class="field${p.error ? ' has-error' : ''}"${p.aria}>
<legend>${o.label}</legend>${p.hint}${p.message}
<div class="choices">${o.options.map(
    (opt, i) => html`<label><input type="checkbox" name="${o.name}" value="${opt.value}" id="${p.id}-${i}"${o.values.includes(opt.value) ? html` checked` : ''}> ${o.mono ? html`<code>${opt.label}</code>` : opt.label}</label>`,
  )}</div>
</fieldset>`;
}

export function radioGroup(o: Common & { value: string; options: readonly Option[] }): SafeHtml {
  const p = parts(o);
  return html`<fieldset id="${p.id}" class="field${p.error ? ' has-error' : ''}"${p.aria}>
<legend>${o.label}</legend>${p.hint}${p.message}
<div class="choices">${o.options.map(
    (opt, i) => html`<label><input type="radio" name="${o.name}" value="${opt.value}" id="${p.id}-${i}"${opt.value === o.value ? html` checked` : ''}> ${opt.label}</label>`,
  )}</div>
</fieldset>`;
}

export function checkbox(o: { name: string; label: string; checked: boolean; hint?: string }): SafeHtml {
  const id = fieldId(o.name);
  return html`<div class="field check"><label for="${id}"><input type="checkbox" id="${id}" name="${o.name}" value="true"${o.checked ? html` checked` : ''}${o.hint ? html` aria-describedby="${id}-hint"` : ''}> ${o.label}</label>${
    o.hint ? html`<span class="hint" id="${id}-hint">${o.hint}</span>` : ''
  }</div>`;
}

export const csrfInput = (viewer: Viewer): SafeHtml => html`<input type="hidden" name="csrf" value="${viewer.csrfToken}">`;

/** "There is a problem" box at the top of a form, linking to each field with an error. */
export function errorSummary(errors: FieldErrors): SafeHtml | string {
  const entries = Object.entries(errors);
  if (entries.length === 0) return '';
  return html`<div class="alert error error-summary" role="alert" tabindex="-1">
<strong>There is a problem</strong>
<ul>${entries.map(([name, message]) => (name === '_form' ? html`<li>${message}</li>` : html`<li><a href="#${fieldId(name)}">${message}</a></li>`))}</ul>
</div>`;
}

/** A one-button POST form carrying the CSRF token (and any hidden fields). */
export function postButton(o: { viewer: Viewer; action: string; label: string; danger?: boolean; secondary?: boolean; hidden?: Record<string, string> }): SafeHtml {
  const cls = o.danger ? 'danger' : o.secondary ? 'secondary' : '';
  return html`<form method="post" action="${o.action}" class="inline">${csrfInput(o.viewer)}${Object.entries(o.hidden ?? {}).map(
    ([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`,
  )}<button type="submit"${cls ? html` class="${cls}"` : ''}>${o.label}</button></form>`;
}

/**
 * An irreversible action behind a confirmation (issue 15 §4): the trigger opens a modal dialog that
 * says what will stop working; only its button posts. Without JavaScript the trigger is a link to
 * `?dialog=<id>`, and the page renders the dialog open.
 */
export function confirmAction(o: {
  viewer: Viewer;
  id: string;
  trigger: string;
  title: string;
  consequence: SafeHtml | string;
  action: string;
  confirm: string;
  hidden?: Record<string, string>;
  open: boolean;
  closeHref: string;
  secondary?: boolean;
}): SafeHtml {
  return html`<a class="button ${o.secondary ? 'secondary' : 'danger'} small" href="?dialog=${o.id}" data-dialog="${o.id}">${o.trigger}</a>
<dialog id="${o.id}" aria-labelledby="${o.id}-dialog-title" aria-describedby="${o.id}-dialog-text"${o.open ? html` open data-autoshow` : ''}>
<h2 id="${o.id}-dialog-title">${o.title}</h2>
<p id="${o.id}-dialog-text">${o.consequence}</p>
<form method="post" action="${o.action}" class="confirm">${csrfInput(o.viewer)}${Object.entries(o.hidden ?? {}).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}<button type="submit" class="danger">${o.confirm}</button>
<a href="${o.closeHref}" class="button secondary" data-dialog-close>Cancel</a></form>
</dialog>`;
}
