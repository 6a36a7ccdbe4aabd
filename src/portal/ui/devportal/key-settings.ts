import type { ClientSettings } from '../../../core/client-service.ts';
import { GRANT_TYPES, type OAuthClient } from '../../../core/model.ts';
import { integer } from '../../../core/validate.ts';
import { html, type SafeHtml } from '../../../http/html.ts';
import { field, type FormBody } from '../../../oauth/form.ts';
import type { Services } from '../../../runtime/services.ts';
import { checkbox, checkboxGroup, csrfInput, textInput } from '../fields.ts';
import { many } from '../layout.ts';
import type { FieldErrors, Viewer } from '../router.ts';

/** The key configuration of WSO2's Generate Keys form: grant types, callback URL, token validity defaults. */

const GRANT_LABELS: Record<(typeof GRANT_TYPES)[number], string> = {
  client_credentials: 'Client Credentials',
  password: 'Password',
  refresh_token: 'Refresh Token',
  authorization_code: 'Code (authorization code with PKCE)',
};

export interface KeySettingsValues {
  grantTypes: readonly string[];
  callbackUrl: string;
  appTtl: string;
  userTtl: string;
  refreshTtl: string;
  pkceMandatory: boolean;
}

export function defaultKeySettings(services: Services): KeySettingsValues {
  const { config } = services;
  return {
    grantTypes: ['client_credentials', 'password', 'refresh_token'],
    callbackUrl: '',
    appTtl: String(config.applicationTokenTtlSeconds),
    userTtl: String(config.userTokenTtlSeconds),
    refreshTtl: String(config.refreshTokenTtlSeconds),
    pkceMandatory: false,
  };
}

export const settingsOfClient = (client: OAuthClient): KeySettingsValues => ({
  grantTypes: client.grantTypes,
  callbackUrl: client.callbackUrl ?? '',
  appTtl: String(client.appTokenTtlSeconds),
  userTtl: String(client.userTokenTtlSeconds),
  refreshTtl: String(client.refreshTokenTtlSeconds),
  pkceMandatory: client.pkceMandatory,
});

export const settingsOfForm = (form: FormBody): KeySettingsValues => ({
  grantTypes: many(form.grantTypesToBeSupported),
  callbackUrl: field(form, 'callbackUrl') ?? '',
  appTtl: field(form, 'application_access_token_expiry_time') ?? '',
  userTtl: field(form, 'user_access_token_expiry_time') ?? '',
  refreshTtl: field(form, 'refresh_token_expiry_time') ?? '',
  pkceMandatory: field(form, 'pkceMandatory') === 'true',
});

/** Form values → the settings ClientService validates (it names the field of any error). */
export function parseKeySettings(values: KeySettingsValues, defaults: KeySettingsValues): ClientSettings {
  const ttl = (name: string, value: string, fallback: string) => integer(name, value.trim() === '' ? fallback : value);
  return {
    grantTypes: values.grantTypes,
    callbackUrl: values.callbackUrl.trim() === '' ? null : values.callbackUrl.trim(),
    appTokenTtlSeconds: ttl('application_access_token_expiry_time', values.appTtl, defaults.appTtl),
    userTokenTtlSeconds: ttl('user_access_token_expiry_time', values.userTtl, defaults.userTtl),
    refreshTokenTtlSeconds: ttl('refresh_token_expiry_time', values.refreshTtl, defaults.refreshTtl),
    pkceMandatory: values.pkceMandatory,
  };
}

export function keySettingsForm(o: { viewer: Viewer; action: string; values: KeySettingsValues; errors: FieldErrors; submit: string; extra?: SafeHtml | string }): SafeHtml {
  const { values, errors } = o;
  return html`<form method="post" action="${o.action}" novalidate>
${csrfInput(o.viewer)}
${checkboxGroup({
  name: 'grantTypesToBeSupported',
  label: 'Grant types',
  hint: 'How this key may obtain tokens at /oauth2/token',
  values: values.grantTypes,
  options: GRANT_TYPES.map((g) => ({ value: g, label: GRANT_LABELS[g] })),
  errors,
})}
${textInput({ name: 'callbackUrl', label: 'Callback URL', type: 'url', value: values.callbackUrl, hint: 'Needed for the Code grant; https, or http on loopback', placeholder: 'https://app.example.com/callback', errors })}
<div class="grid-3">
${textInput({ name: 'application_access_token_expiry_time', label: 'Application access token expiry time', type: 'number', value: values.appTtl, hint: 'Seconds; negative = never expires', errors })}
${textInput({ name: 'user_access_token_expiry_time', label: 'User access token expiry time', type: 'number', value: values.userTtl, hint: 'Seconds; negative = never expires', errors })}
${textInput({ name: 'refresh_token_expiry_time', label: 'Refresh token expiry time', type: 'number', value: values.refreshTtl, hint: 'Seconds', errors })}
</div>
${checkbox({ name: 'pkceMandatory', label: 'PKCE mandatory', checked: values.pkceMandatory, hint: 'Code grant requests must carry a PKCE challenge' })}
${o.extra ?? ''}
<button type="submit" data-busy-label="Working…">${o.submit}</button>
</form>`;
}
