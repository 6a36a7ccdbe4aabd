import type { Api, Application, ClientSecret, KeyType, OAuthClient } from '../../../core/model.ts';
import { html, type SafeHtml } from '../../../http/html.ts';
import type { Reveal } from '../flash.ts';
import { checkboxGroup, csrfInput, errorSummary, postButton, textInput } from '../fields.ts';
import { copyable, dialog, dialogTrigger, formatTime, formatValidity, one } from '../layout.ts';
import type { FieldErrors, MemberContext } from '../router.ts';
import { appBase, applicationPage, keySubTabs, keyTypeLabel, segmentOf } from './app-shell.ts';
import { keySettingsForm, type KeySettingsValues } from './key-settings.ts';
import { curlCommands, scopeOptions } from './tokens.ts';

export interface KeysView {
  ctx: MemberContext;
  application: Application;
  keyType: KeyType;
  client: OAuthClient | null;
  secrets: readonly ClientSecret[];
  apis: readonly Api[];
  settings: KeySettingsValues;
  errors: FieldErrors;
  /** A dialog to render open (after an error inside it, or ?dialog= without JavaScript). */
  openDialog?: string;
  token?: { validityPeriod: string; scopes: readonly string[] };
}

const base = (v: KeysView) => `${appBase(v.application)}/keys/${segmentOf(v.keyType)}`;

function secretBlock(v: KeysView, reveal: Reveal | undefined): SafeHtml {
  const fresh = reveal?.kind === 'keys' ? reveal.consumerSecret : reveal?.kind === 'secret' ? reveal.value : null;
  if (fresh) {
    return html`<div class="alert warn" role="alert"><strong>Copy the consumer secret now.</strong> It is shown only this once: Gatehouse keeps only a hash of it. If you lose it, regenerate it.</div>
${copyable({ id: 'consumer-secret', label: 'Consumer Secret', value: fresh })}`;
  }
  const latest = [...v.secrets].sort((a, b) => b.createdAt - a.createdAt)[0];
  return html`<div class="copy-field"><span class="label">Consumer Secret</span>
<div class="secret"><code class="masked" aria-label="Consumer secret, hidden">${latest ? `${latest.start}••••••••••••••••` : '••••••••'}</code></div></div>
<p class="hint">Secrets are shown only when they are generated.</p>`;
}

function credentialsCard(v: KeysView, reveal: Reveal | undefined): SafeHtml {
  const client = v.client!;
  const regenerate = html`<p>A new consumer secret replaces <strong>all</strong> current secrets, and every access token issued to these keys is revoked at once.</p>
<form method="post" action="${base(v)}/regenerate-secret">${csrfInput(v.ctx.viewer)}<button type="submit" class="danger">Regenerate secret</button></form>`;
  return html`<section class="card" aria-labelledby="creds-title">
<h2 id="creds-title">Consumer Key and Secret</h2>
${copyable({ id: 'consumer-key', label: 'Consumer Key', value: client.consumerKey })}
${secretBlock(v, reveal)}
${dialogTrigger('regenerate', 'Regenerate secret', 'button secondary')}
${dialog({ id: 'regenerate', title: 'Regenerate consumer secret?', body: regenerate, open: v.openDialog === 'regenerate', closeHref: base(v) })}
</section>`;
}

function tokenResult(v: KeysView, reveal: Reveal | undefined): SafeHtml | string {
  if (reveal?.kind !== 'token') return '';
  const expires = reveal.expiresIn === null ? 'Never expires (revocable)' : `Expires in ${formatValidity(reveal.expiresIn)} (${formatTime(v.ctx.services.clock.now() + reveal.expiresIn * 1000)})`;
  const calls = curlCommands(v.ctx.services, v.apis, { header: 'Authorization', value: reveal.accessToken, scopes: reveal.scopes });
  return html`<div class="token-result">
<div class="alert warn" role="alert"><strong>Copy the access token now.</strong> It is not stored and will not be shown again.</div>
${copyable({ id: 'access-token', label: 'Access Token', value: reveal.accessToken })}
<p><span class="expiry">${expires}</span> · Scopes: ${reveal.scopes.map((s) => html`<code class="scope">${s}</code> `)}</p>
${calls.length === 0
    ? html`<p class="hint">Subscribe this application to an API to get a ready-made curl command.</p>`
    : calls.map((c, i) => copyable({ id: `curl-${i}`, label: `Try it: ${c.api.name} ${c.api.version}`, value: c.command, block: true }))}
</div>`;
}

function tokenCard(v: KeysView, reveal: Reveal | undefined): SafeHtml {
  const client = v.client!;
  const enabled = client.grantTypes.includes('client_credentials');
  const options = scopeOptions(v.apis);
  const form = html`${errorSummary(v.openDialog === 'token' ? v.errors : {})}
<form method="post" action="${base(v)}/token" novalidate>
${csrfInput(v.ctx.viewer)}
${textInput({ name: 'validityPeriod', label: 'Validity period', type: 'number', value: v.token?.validityPeriod ?? String(client.appTokenTtlSeconds), hint: 'Seconds; a negative value gives a token that never expires (still revocable)', errors: v.errors })}
${options.length === 0
    ? html`<p class="hint" id="f-scopes">No scopes to choose: the APIs this application subscribes to define none. The token gets the <code>default</code> scope.</p>`
    : checkboxGroup({ name: 'scopes', label: 'Scopes', hint: 'From the APIs this application subscribes to', values: v.token?.scopes ?? [], options: options.map((o) => ({ value: o.name, label: o.label })), errors: v.errors })}
<button type="submit">Generate</button>
</form>`;
  return html`<section class="card" aria-labelledby="token-title">
<h2 id="token-title">Access Token</h2>
<p class="hint">A token for this application (client credentials grant), to try the APIs it subscribes to. Token type: ${v.application.tokenType === 'JWT' ? 'JWT (self-contained)' : 'OAUTH (opaque)'}.</p>
${enabled ? dialogTrigger('token', 'Generate Access Token') : html`<p class="alert warn">Enable the Client Credentials grant type below to generate access tokens here.</p>`}
${tokenResult(v, reveal)}
${enabled ? dialog({ id: 'token', title: 'Generate Access Token', body: form, open: v.openDialog === 'token', closeHref: base(v) }) : ''}
</section>`;
}

function secretsCard(v: KeysView): SafeHtml {
  const only = v.secrets.length <= 1;
  const now = v.ctx.services.clock.now();
  return html`<section class="card" aria-labelledby="secrets-title">
<h2 id="secrets-title">Consumer secrets</h2>
<p class="hint">Several secrets can be valid at once, so you can rotate without downtime: add a secret, move your clients to it, revoke the old one.</p>
<table><thead><tr><th scope="col">Description</th><th scope="col">Secret</th><th scope="col">Created</th><th scope="col">Expires</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${[...v.secrets].sort((a, b) => a.createdAt - b.createdAt).map(
    (s) => html`<tr>
<td data-label="Description">${s.description}</td>
<td data-label="Secret"><code>${s.start}••••••••</code></td>
<td data-label="Created">${formatTime(s.createdAt)}</td>
<td data-label="Expires">${s.expiresAt !== null && s.expiresAt <= now ? html`<span class="badge bad">expired</span>` : formatTime(s.expiresAt)}</td>
<td>${only ? html`<span class="hint">only secret</span>` : postButton({ viewer: v.ctx.viewer, action: `${base(v)}/revoke-secret`, label: 'Revoke', secondary: true, hidden: { secretId: s.id } })}</td>
</tr>`,
  )}</tbody></table>
<form method="post" action="${base(v)}/generate-secret" class="inline-form" novalidate>
${csrfInput(v.ctx.viewer)}
${textInput({ name: 'description', label: 'Description of a new secret', value: '', placeholder: 'e.g. rotation 2026-Q4', errors: v.errors })}
${textInput({ name: 'expiresIn', label: 'Expires in (seconds)', type: 'number', value: '', hint: 'Empty or 0 = never', errors: v.errors })}
<button type="submit" class="secondary">Generate additional secret</button>
</form>
</section>`;
}

function managedKeys(v: KeysView): SafeHtml {
  const reveal = v.ctx.flash?.reveal;
  const remove = html`<p>Remove the ${keyTypeLabel(v.keyType).toLowerCase()} keys? The consumer key stops working and every token issued to it is revoked.</p>
<form method="post" action="${base(v)}/delete">${csrfInput(v.ctx.viewer)}<button type="submit" class="danger">Remove keys</button></form>`;
  const errorsInDialog = v.openDialog === 'token' && v.client!.grantTypes.includes('client_credentials');
  return html`${errorsInDialog ? '' : errorSummary(v.errors)}
${credentialsCard(v, reveal)}
${tokenCard(v, reveal)}
${secretsCard(v)}
<section class="card" aria-labelledby="config-title">
<h2 id="config-title">Key configuration</h2>
${keySettingsForm({ viewer: v.ctx.viewer, action: `${base(v)}/update`, values: v.settings, errors: v.errors, submit: 'Update' })}
</section>
<section class="card danger-zone" aria-labelledby="remove-title"><h2 id="remove-title">Remove keys</h2>${dialogTrigger('remove-keys', 'Remove keys', 'button danger')}</section>
${dialog({ id: 'remove-keys', title: 'Remove keys', body: remove, open: v.openDialog === 'remove-keys', closeHref: base(v) })}`;
}

export function keysPage(v: KeysView): string {
  const label = keyTypeLabel(v.keyType);
  const body = v.client
    ? managedKeys({ ...v, openDialog: v.openDialog ?? one(v.ctx.query.dialog) })
    : html`${errorSummary(v.errors)}<section class="card" aria-labelledby="gen-title">
<h2 id="gen-title">Generate ${label.toLowerCase()} keys</h2>
<p class="hint">Creates an OAuth2 client for this application: a consumer key and consumer secret.</p>
${keySettingsForm({ viewer: v.ctx.viewer, action: `${base(v)}/generate`, values: v.settings, errors: v.errors, submit: 'Generate Keys' })}
</section>`;
  return applicationPage({
    ctx: v.ctx,
    application: v.application,
    tab: v.keyType === 'PRODUCTION' ? 'production' : 'sandbox',
    title: `${label} Keys`,
    crumbs: [{ label: `${label} Keys` }],
    body: html`<h2 class="section-title">${label} Keys</h2>${keySubTabs(v.application, v.keyType, 'oauth')}${body}`,
  });
}
