import type { ApiKeyRecord } from '../../../core/model.ts';
import { html, type SafeHtml } from '../../../http/html.ts';
import { field, type FormBody } from '../../../oauth/form.ts';
import type { Reveal } from '../flash.ts';
import { confirmAction, csrfInput, errorSummary, textInput } from '../fields.ts';
import { copyable, formatTime, formatValidity, one } from '../layout.ts';
import { redirect, redirectHolding, redirectReleasing, show, type FieldErrors, type MemberContext, type UiRouter } from '../router.ts';
import { SUBSCRIBER, appBase, applicationPage, keySubTabs, keyTypeLabel, keyTypeOf, loadApplication, segmentOf } from './app-shell.ts';
import { curlCommands, subscribedApis } from './tokens.ts';

const PATH = '/devportal/applications/:appId/keys/:keyType/api-keys';

interface KeyFormValues {
  keyName: string;
  validityPeriod: string;
  permittedIP: string;
  permittedReferer: string;
}

const valuesOf = (form: FormBody): KeyFormValues => ({
  keyName: field(form, 'keyName') ?? '',
  validityPeriod: field(form, 'validityPeriod') ?? '',
  permittedIP: field(form, 'permittedIP') ?? '',
  permittedReferer: field(form, 'permittedReferer') ?? '',
});

function status(key: ApiKeyRecord, now: number): SafeHtml {
  if (key.revokedAt !== null) return html`<span class="badge bad">revoked</span>`;
  if (key.expiresAt !== null && key.expiresAt <= now) return html`<span class="badge bad">expired</span>`;
  return html`<span class="badge ok">active</span>`;
}

async function revealBlock(ctx: MemberContext, reveal: Reveal | null, application: Awaited<ReturnType<typeof loadApplication>>, base: string): Promise<SafeHtml | string> {
  if (reveal?.kind !== 'apiKey') return '';
  const apis = (await subscribedApis(ctx.services, application)).filter((a) => a.securityScheme.includes('api_key'));
  const calls = curlCommands(ctx.services, apis, { header: 'apikey', value: reveal.value });
  return html`<section class="card" aria-labelledby="new-key-title"><h2 id="new-key-title">API key ${reveal.name}</h2>
<div data-held>
<div class="alert warn" role="alert"><strong>Copy the API key now.</strong> Gatehouse keeps only a hash of it: once you confirm, it is never shown again.</div>
${copyable({ id: 'api-key-value', label: 'API Key', value: reveal.value })}
<form method="post" action="${base}/copied">${csrfInput(ctx.viewer)}<button type="submit" class="secondary">I have copied the key</button>
<span class="hint">It stays on this page until you confirm (at most 15 minutes).</span></form>
</div>
<p class="hint">Expires: ${formatTime(reveal.expiresAt)}. Send it in the <code>apikey</code> header.</p>
${calls.map((c, i) => copyable({ id: `apikey-curl-${i}`, label: `Try it: ${c.api.name} ${c.api.version}`, value: c.command, block: true }))}
</section>`;
}

function restrictions(k: ApiKeyRecord): SafeHtml {
  if (k.permittedIps.length + k.permittedReferers.length === 0) return html`<span class="hint">none</span>`;
  return html`${k.permittedIps.length > 0 ? html`IP: <code>${k.permittedIps.join(', ')}</code> ` : ''}${k.permittedReferers.length > 0 ? html`Referer: <code>${k.permittedReferers.join(', ')}</code>` : ''}`;
}

function keyActions(ctx: MemberContext, base: string, k: ApiKeyRecord): SafeHtml {
  const hidden = { keyUUID: k.id };
  const open = one(ctx.query.dialog);
  const common = { viewer: ctx.viewer, hidden, closeHref: base };
  return html`${confirmAction({
    ...common,
    id: `regenerate-key-${k.id}`,
    trigger: 'Regenerate',
    secondary: true,
    title: `Regenerate API key ${k.name}?`,
    consequence: 'A new key with the same name, validity and restrictions replaces it. The current key stops working at the gateway at once: every client sending it gets 401 until it has the new one.',
    action: `${base}/regenerate`,
    confirm: 'Regenerate key',
    open: open === `regenerate-key-${k.id}`,
  })} ${confirmAction({
    ...common,
    id: `revoke-key-${k.id}`,
    trigger: 'Revoke',
    title: `Revoke API key ${k.name}?`,
    consequence: 'The key stops working at the gateway at once: every client sending it gets 401. This cannot be undone.',
    action: `${base}/revoke`,
    confirm: 'Revoke key',
    open: open === `revoke-key-${k.id}`,
  })}`;
}

function keyRow(ctx: MemberContext, base: string, k: ApiKeyRecord, now: number): SafeHtml {
  return html`<tr>
<td data-label="Name">${k.name}</td>
<td data-label="Key"><code>${k.start}••••</code></td>
<td data-label="Issued">${formatTime(k.issuedAt)}</td>
<td data-label="Validity">${formatValidity(k.validityPeriod)}</td>
<td data-label="Restrictions">${restrictions(k)}</td>
<td data-label="Last used">${k.lastUsedAt === null ? html`<span class="hint">never</span>` : formatTime(k.lastUsedAt)} <a href="/devportal/applications/${encodeURIComponent(k.applicationId)}/usage?credential=${encodeURIComponent(k.id)}" aria-label="Usage of ${k.name}">usage</a></td>
<td data-label="Status">${status(k, now)}</td>
<td>${k.revokedAt === null ? keyActions(ctx, base, k) : ''}</td>
</tr>`;
}

async function page(ctx: MemberContext, values: KeyFormValues, errors: FieldErrors): Promise<string> {
  const application = await loadApplication(ctx);
  const keyType = keyTypeOf(ctx.params.keyType);
  const base = `${appBase(application)}/keys/${segmentOf(keyType)}/api-keys`;
  // Revoked keys stay listed (marked revoked) for 30 days, so the owner sees what stopped working.
  const keys = await ctx.services.apiKeys.list(ctx.viewer.user.id, application.id, keyType, { withRecentlyRevoked: true });
  const now = ctx.services.clock.now();
  const rows = [...keys].sort((a, b) => b.issuedAt - a.issuedAt).map((k) => keyRow(ctx, base, k, now));
  const label = keyTypeLabel(keyType);
  return applicationPage({
    ctx,
    application,
    tab: keyType === 'PRODUCTION' ? 'production' : 'sandbox',
    title: `${label} API Keys`,
    crumbs: [{ label: `${label} Keys`, href: `${appBase(application)}/keys/${segmentOf(keyType)}` }, { label: 'API Key' }],
    body: html`<h2 class="section-title">${label} Keys</h2>${keySubTabs(application, keyType, 'api-key')}
${await revealBlock(ctx, ctx.held ?? ctx.flash?.reveal ?? null, application, base)}
<section class="card" aria-labelledby="gen-key-title"><h2 id="gen-key-title">Generate API key</h2>
${errorSummary(errors)}
<form method="post" action="${base}/generate" novalidate>
${csrfInput(ctx.viewer)}
<div class="grid-2">
${textInput({ name: 'keyName', label: 'Key name', value: values.keyName, placeholder: `${keyType.toLowerCase()}-key`, errors })}
${textInput({ name: 'validityPeriod', label: 'Validity period', type: 'number', value: values.validityPeriod, hint: 'Seconds; empty, 0 or negative = never expires', errors })}
${textInput({ name: 'permittedIP', label: 'Permitted IP addresses', value: values.permittedIP, hint: 'Comma-separated IPs or CIDR ranges; empty = any', placeholder: '203.0.113.7, 10.0.0.0/8', errors })}
${textInput({ name: 'permittedReferer', label: 'Permitted HTTP referrers', value: values.permittedReferer, hint: 'Comma-separated patterns; empty = any', placeholder: 'https://www.example.com/*', errors })}
</div>
<button type="submit">Generate key</button>
</form></section>
<section class="card" aria-labelledby="keys-title"><h2 id="keys-title">API keys</h2>
${keys.length === 0 ? html`<p class="hint">No API keys yet.</p>` : html`<table><thead><tr><th scope="col">Name</th><th scope="col">Key</th><th scope="col">Issued</th><th scope="col">Validity</th><th scope="col">Restrictions</th><th scope="col">Last used</th><th scope="col">Status</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead><tbody>${rows}</tbody></table>`}
</section>`,
  });
}

const EMPTY: KeyFormValues = { keyName: '', validityPeriod: '', permittedIP: '', permittedReferer: '' };

export function registerApiKeys(router: UiRouter): void {
  const { services } = router;
  const where = (ctx: MemberContext) => ({ keyType: keyTypeOf(ctx.params.keyType), appId: ctx.params.appId ?? '' });
  const back = (ctx: MemberContext) => `/devportal/applications/${encodeURIComponent(ctx.params.appId ?? '')}/keys/${segmentOf(keyTypeOf(ctx.params.keyType))}/api-keys`;

  router.page(PATH, SUBSCRIBER, async (ctx) => show(await page(ctx, EMPTY, {})));

  router.action(
    `${PATH}/generate`,
    SUBSCRIBER,
    async (ctx) => {
      const { keyType, appId } = where(ctx);
      const v = valuesOf(ctx.form);
      const { key, value } = await services.apiKeys.generate(ctx.viewer.user.id, appId, keyType, {
        keyName: v.keyName.trim() === '' ? undefined : v.keyName,
        validityPeriod: v.validityPeriod.trim() === '' ? undefined : v.validityPeriod,
        permittedIP: v.permittedIP,
        permittedReferer: v.permittedReferer,
      });
      return redirectHolding(back(ctx), { kind: 'apiKey', name: key.name, value, expiresAt: key.expiresAt });
    },
    { onError: (ctx, errors) => page(ctx, valuesOf(ctx.form), errors) },
  );

  router.action(`${PATH}/copied`, SUBSCRIBER, async (ctx) => redirectReleasing(back(ctx), { notice: 'The new API key is now hidden. Gatehouse keeps only a hash of it.' }));

  router.action(
    `${PATH}/revoke`,
    SUBSCRIBER,
    async (ctx) => {
      const { keyType, appId } = where(ctx);
      const key = await services.apiKeys.revoke(ctx.viewer.user.id, appId, keyType, { keyUUID: field(ctx.form, 'keyUUID') });
      return redirect(back(ctx), { notice: `API key ${key.name} revoked. It no longer works at the gateway.` });
    },
    { onError: (ctx, errors) => page(ctx, EMPTY, errors) },
  );

  router.action(
    `${PATH}/regenerate`,
    SUBSCRIBER,
    async (ctx) => {
      const { keyType, appId } = where(ctx);
      const { key, value } = await services.apiKeys.regenerate(ctx.viewer.user.id, appId, keyType, field(ctx.form, 'keyUUID'));
      return redirectHolding(back(ctx), { kind: 'apiKey', name: key.name, value, expiresAt: key.expiresAt }, { notice: 'API key regenerated; the old key was revoked.' });
    },
    { onError: (ctx, errors) => page(ctx, EMPTY, errors) },
  );
}
