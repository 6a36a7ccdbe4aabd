import type { Api, Application, ClientSecret, KeyType, OAuthClient } from '../../../core/model.ts';
import { html, type SafeHtml } from '../../../http/html.ts';
import type { TokenReveal } from '../flash.ts';
import { checkboxGroup, confirmAction, csrfInput, errorSummary, textInput } from '../fields.ts';
import { copyable, dialog, dialogTrigger, formatTime, formatValidity, one } from '../layout.ts';
import type { FieldErrors, MemberContext } from '../router.ts';
import { appBase, applicationPage, keySubTabs, keyTypeLabel, segmentOf } from './app-shell.ts';
import { keySettingsForm, type KeySettingsValues } from './key-settings.ts';
import { curlCommands, scopeOptions, tokenCurl, tokenEndpoint } from './tokens.ts';

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

/** Identifies the secrets a page showed, so a stale Regenerate can be recognised (issue 15 §6). */
export const newestSecretId = (secrets: readonly ClientSecret[]): string => secrets.map((s) => s.id).sort().join(' ');

/** The one-time values on screen: held until confirmed (issue 15 §3), or a token from the last action. */
function revealed(v: KeysView): { secret: string | null; token: TokenReveal | null } {
  const held = v.ctx.held;
  const flash = v.ctx.flash?.reveal;
  const secret = held?.kind === 'keys' ? held.consumerSecret : held?.kind === 'secret' ? held.value : null;
  const token = flash?.kind === 'token' ? flash : held?.kind === 'keys' ? (held.token ?? null) : null;
  return { secret, token };
}

function secretBlock(v: KeysView, fresh: string | null): SafeHtml {
  if (fresh) {
    return html`<div class="held" data-held>
<div class="alert warn" role="alert"><strong>Copy the consumer secret now.</strong> Gatehouse keeps only a hash of it: once you confirm, it is never shown again. If you lose it, regenerate it.</div>
${copyable({ id: 'consumer-secret', label: 'Consumer Secret', value: fresh })}
<form method="post" action="${base(v)}/copied">${csrfInput(v.ctx.viewer)}<button type="submit" class="secondary">I have copied the secret</button>
<span class="hint">It stays on this page until you confirm (at most 15 minutes).</span></form>
</div>`;
  }
  const latest = [...v.secrets].sort((a, b) => b.createdAt - a.createdAt)[0];
  return html`<div class="copy-field"><span class="label">Consumer Secret</span>
<div class="secret"><code class="masked" aria-label="Consumer secret, hidden">${latest ? `${latest.start}••••••••••••••••` : '••••••••'}</code></div></div>
<p class="hint">Secrets are shown only when they are generated.</p>`;
}

function credentialsCard(v: KeysView, fresh: string | null): SafeHtml {
  const client = v.client!;
  const regenerate = html`<p>A new consumer secret replaces <strong>all</strong> current secrets, and every access token issued to these keys is revoked at once: applications using them stop working until they get the new secret.</p>
<form method="post" action="${base(v)}/regenerate-secret">${csrfInput(v.ctx.viewer)}<input type="hidden" name="currentSecret" value="${newestSecretId(v.secrets)}"><button type="submit" class="danger" data-busy-label="Regenerating…">Regenerate secret</button></form>`;
  return html`<section class="card" aria-labelledby="creds-title">
<h2 id="creds-title">Consumer Key and Secret</h2>
${copyable({ id: 'consumer-key', label: 'Consumer Key', value: client.consumerKey })}
${secretBlock(v, fresh)}
${dialogTrigger('regenerate', 'Regenerate secret', 'button secondary')}
${dialog({ id: 'regenerate', title: 'Regenerate consumer secret?', body: regenerate, open: v.openDialog === 'regenerate', closeHref: base(v) })}
</section>`;
}

function tokenResult(v: KeysView, token: TokenReveal | null): SafeHtml | string {
  if (!token) return '';
  const expires = token.expiresIn === null ? 'Never expires (revocable)' : `Expires in ${formatValidity(token.expiresIn)} (${formatTime(v.ctx.services.clock.now() + token.expiresIn * 1000)})`;
  const calls = curlCommands(v.ctx.services, v.apis, { header: 'Authorization', value: token.accessToken, scopes: token.scopes });
  return html`<div class="token-result">
<div class="alert warn" role="alert"><strong>Copy the access token now.</strong> It is not stored and will not be shown again.</div>
${copyable({ id: 'access-token', label: 'Access Token', value: token.accessToken })}
<p><span class="expiry">${expires}</span> · Scopes: ${token.scopes.map((s) => html`<code class="scope">${s}</code> `)}</p>
${calls.length === 0
    ? html`<p class="hint">Subscribe this application to an API to get a ready-made curl command.</p>`
    : calls.map((c, i) => copyable({ id: `curl-${i}`, label: `Try it: ${c.api.name} ${c.api.version}`, value: c.command, block: true }))}
</div>`;
}

/** How the application gets a token itself: the token URL and a ready curl (issue 15 §2). */
function selfService(v: KeysView, secret: string | null, token: TokenReveal | null): SafeHtml {
  const command = tokenCurl(v.ctx.services, { consumerKey: v.client!.consumerKey, consumerSecret: secret, scopes: token?.scopes.filter((s) => s !== 'default') ?? [] });
  return html`<h3>Get a token from your application</h3>
${copyable({ id: 'token-endpoint', label: 'Token URL', value: tokenEndpoint(v.ctx.services) })}
${copyable({ id: 'token-curl', label: 'CURL to generate an access token', value: command, block: true })}
${secret ? '' : html`<p class="hint">Replace <code>&lt;consumer-secret&gt;</code> with your consumer secret.</p>`}`;
}

function tokenCard(v: KeysView, token: TokenReveal | null, secret: string | null = null): SafeHtml {
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
<button type="submit" data-busy-label="Generating…">Generate</button>
</form>`;
  return html`<section class="card" aria-labelledby="token-title">
<h2 id="token-title">Access Token</h2>
<p class="hint">A token for this application (client credentials grant), to try the APIs it subscribes to. Token type: ${v.application.tokenType === 'JWT' ? 'JWT (self-contained)' : 'OAUTH (opaque)'}.</p>
${enabled ? dialogTrigger('token', 'Generate Access Token') : html`<p class="alert warn">Enable the Client Credentials grant type below to generate access tokens here.</p>`}
${tokenResult(v, token)}
${enabled ? dialog({ id: 'token', title: 'Generate Access Token', body: form, open: v.openDialog === 'token', closeHref: base(v) }) : ''}
${enabled ? selfService(v, secret, token) : ''}
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
<td>${only
      ? html`<span class="hint">only secret</span>`
      : confirmAction({
          viewer: v.ctx.viewer,
          id: `revoke-secret-${s.id}`,
          trigger: 'Revoke',
          title: `Revoke the secret “${s.description}”?`,
          consequence: html`Clients authenticating with the secret starting <code>${s.start}</code> can no longer get tokens at /oauth2/token. The other secrets keep working.`,
          action: `${base(v)}/revoke-secret`,
          confirm: 'Revoke secret',
          hidden: { secretId: s.id },
          open: v.openDialog === `revoke-secret-${s.id}`,
          closeHref: base(v),
        })}</td>
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
  const shown = revealed(v);
  const remove = html`<p>Remove the ${keyTypeLabel(v.keyType).toLowerCase()} keys? The consumer key and its secrets stop working at /oauth2/token, and every access token issued to them is revoked: calls with them get 401 at the gateway. This cannot be undone.</p>
<form method="post" action="${base(v)}/delete">${csrfInput(v.ctx.viewer)}<button type="submit" class="danger">Remove keys</button></form>`;
  const errorsInDialog = v.openDialog === 'token' && v.client!.grantTypes.includes('client_credentials');
  return html`${errorsInDialog ? '' : errorSummary(v.errors)}
${credentialsCard(v, shown.secret)}
${tokenCard(v, shown.token, shown.secret)}
${secretsCard(v)}
<section class="card" aria-labelledby="config-title">
<h2 id="config-title">Key configuration</h2>
${keySettingsForm({ viewer: v.ctx.viewer, action: `${base(v)}/update`, values: v.settings, errors: v.errors, submit: 'Update' })}
</section>
<section class="card danger-zone" aria-labelledby="remove-title"><h2 id="remove-title">Remove keys</h2>${dialogTrigger('remove-keys', 'Remove keys', 'button danger')}</section>
${dialog({ id: 'remove-keys', title: 'Remove keys', body: remove, open: v.openDialog === 'remove-keys', closeHref: base(v) })}`;
}

/** The scopes of the token issued with the keys (the scopes of the subscribed APIs). */
function initialScopes(v: KeysView): SafeHtml | string {
  const options = scopeOptions(v.apis);
  if (options.length === 0) return '';
  return checkboxGroup({ name: 'scopes', label: 'Scopes of the first access token', hint: 'From the APIs this application subscribes to', values: v.token?.scopes ?? [], options: options.map((o) => ({ value: o.name, label: o.label })), errors: v.errors });
}

export function keysPage(v: KeysView): string {
  const label = keyTypeLabel(v.keyType);
  const body = v.client
    ? managedKeys({ ...v, openDialog: v.openDialog ?? one(v.ctx.query.dialog) })
    : html`${errorSummary(v.errors)}<section class="card" aria-labelledby="gen-title">
<h2 id="gen-title">Generate ${label.toLowerCase()} keys</h2>
<p class="hint">Creates an OAuth2 client for this application: a consumer key and consumer secret. With the Client Credentials grant, an access token is generated along with them (the application token validity below, and the scopes you pick).</p>
${keySettingsForm({ viewer: v.ctx.viewer, action: `${base(v)}/generate`, values: v.settings, errors: v.errors, submit: 'Generate Keys', extra: initialScopes(v) })}
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
