import type { Api, ThrottlePolicy } from '../../../core/model.ts';
import { html, type SafeHtml } from '../../../http/html.ts';
import { field, type FormBody } from '../../../oauth/form.ts';
import { checkboxGroup, csrfInput, errorSummary, textArea, textInput } from '../fields.ts';
import { many } from '../layout.ts';
import type { FieldErrors, Viewer } from '../router.ts';

/** The Publisher's "Create API" and "Basic info" forms, and the endpoints form. */

export const PRODUCTION_FIELD = 'endpointConfig.production_endpoints.url';
export const SANDBOX_FIELD = 'endpointConfig.sandbox_endpoints.url';

export interface BasicValues {
  name: string;
  context: string;
  version: string;
  description: string;
  policies: string[];
  securityScheme: string[];
}

export interface EndpointValues {
  productionUrl: string;
  sandboxUrl: string;
}

export const basicOfApi = (api: Api): BasicValues => ({
  name: api.name,
  context: api.context,
  version: api.version,
  description: api.description,
  policies: api.policies,
  securityScheme: api.securityScheme,
});

export const basicOfForm = (form: FormBody): BasicValues => ({
  name: field(form, 'name') ?? '',
  context: field(form, 'context') ?? '',
  version: field(form, 'version') ?? '',
  description: field(form, 'description') ?? '',
  policies: many(form.policies),
  securityScheme: many(form.securityScheme),
});

export const endpointsOfForm = (form: FormBody): EndpointValues => ({
  productionUrl: field(form, PRODUCTION_FIELD) ?? '',
  sandboxUrl: field(form, SANDBOX_FIELD) ?? '',
});

/** `policies[2]` → `policies`: list errors are shown beside the whole group. */
export function groupErrors(errors: FieldErrors): FieldErrors {
  return Object.fromEntries(Object.entries(errors).map(([k, v]) => [k.replace(/^(policies|securityScheme)\[\d+\]$/, '$1'), v]));
}

function basicFields(values: BasicValues, policies: readonly ThrottlePolicy[], errors: FieldErrors): SafeHtml {
  return html`<div class="grid-3">
${textInput({ name: 'name', label: 'Name', value: values.name, required: true, placeholder: 'PizzaShackAPI', errors })}
${textInput({ name: 'context', label: 'Context', value: values.context, required: true, placeholder: '/pizzashack', hint: 'The gateway path: /context/version/…', errors })}
${textInput({ name: 'version', label: 'Version', value: values.version, required: true, placeholder: '1.0.0', errors })}
</div>
${textArea({ name: 'description', label: 'Description', value: values.description, errors })}
${checkboxGroup({
  name: 'policies',
  label: 'Business plans',
  hint: 'Subscription tiers developers can choose from',
  values: values.policies,
  options: policies.map((p) => ({ value: p.name, label: p.displayName })),
  errors,
})}
${checkboxGroup({
  name: 'securityScheme',
  label: 'Application-level security',
  values: values.securityScheme,
  options: [
    { value: 'oauth2', label: 'OAuth2 (Bearer tokens)' },
    { value: 'api_key', label: 'API key (apikey header)' },
  ],
  errors,
})}`;
}

export function endpointFields(values: EndpointValues, errors: FieldErrors): SafeHtml {
  return html`${textInput({ name: PRODUCTION_FIELD, label: 'Production endpoint', type: 'url', value: values.productionUrl, placeholder: 'https://backend.example.com/v1', hint: 'Where the gateway sends calls made with production keys', errors })}
${textInput({ name: SANDBOX_FIELD, label: 'Sandbox endpoint', type: 'url', value: values.sandboxUrl, placeholder: 'https://sandbox.example.com/v1', hint: 'Optional; for calls made with sandbox keys', errors })}`;
}

export function createForm(o: { viewer: Viewer; values: BasicValues; endpoints: EndpointValues; policies: readonly ThrottlePolicy[]; errors: FieldErrors }): SafeHtml {
  const errors = groupErrors(o.errors);
  return html`${errorSummary(errors)}
<form method="post" action="/publisher/apis/new" class="card" novalidate>
${csrfInput(o.viewer)}
${basicFields(o.values, o.policies, errors)}
${endpointFields(o.endpoints, errors)}
<p class="hint">The API starts with the resources GET, POST, PUT, PATCH and DELETE on <code>/*</code>; refine them under Resources.</p>
<button type="submit">Create</button> <a class="button secondary" href="/publisher/apis">Cancel</a>
</form>`;
}

export function basicForm(o: { viewer: Viewer; action: string; values: BasicValues; policies: readonly ThrottlePolicy[]; errors: FieldErrors }): SafeHtml {
  const errors = groupErrors(o.errors);
  return html`${errorSummary(errors)}
<form method="post" action="${o.action}" class="card" novalidate>
${csrfInput(o.viewer)}
${basicFields(o.values, o.policies, errors)}
<button type="submit">Save</button>
</form>`;
}

export function endpointsForm(o: { viewer: Viewer; action: string; values: EndpointValues; errors: FieldErrors }): SafeHtml {
  return html`${errorSummary(o.errors)}
<form method="post" action="${o.action}" class="card" novalidate>
${csrfInput(o.viewer)}
${endpointFields(o.values, o.errors)}
<button type="submit">Save</button>
</form>`;
}

/** WSO2 gives a new API the five verbs on /*. */
export const DEFAULT_OPERATIONS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((verb) => ({ target: '/*', verb }));
