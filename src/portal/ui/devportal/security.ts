import { notFound } from '../../../core/errors.ts';
import type { Application, KeyType } from '../../../core/model.ts';
import { html, type SafeHtml } from '../../../http/html.ts';
import { KIND_TITLES } from '../../../leaks/credential-pattern.ts';
import type { LeakRecord } from '../../../store/ports.ts';
import { postButton } from '../fields.ts';
import { formatTime } from '../layout.ts';
import { redirectHolding, type MemberContext, type Outcome, type UiRouter } from '../router.ts';
import { SUBSCRIBER, appBase, clientOf, loadApplication, segmentOf } from './app-shell.ts';

/**
 * The application's security section (issue 16 §4–5): credentials found public — where, when, what
 * was done — each with a one-click replacement, and the latest audit events.
 */

const API_KEY_TYPES: Record<string, KeyType> = { apiKeyProduction: 'PRODUCTION', apiKeySandbox: 'SANDBOX' };
const label = (type: string) => (KIND_TITLES[type as keyof typeof KIND_TITLES] ?? type).replace(/^Gatehouse /, '');
const RECENT_MS = 30 * 86_400_000;

function leakLine(leak: LeakRecord): SafeHtml {
  const what = html`This ${label(leak.credentialType)}${leak.credentialStart ? html` (<code>${leak.credentialStart}…</code>)` : ''} was found public`;
  const where = leak.url ? html` at <a href="${leak.url}" rel="noopener noreferrer">${leak.url}</a>` : '';
  const done =
    leak.revokedAt !== null
      ? html` and was revoked at ${formatTime(leak.revokedAt)}.`
      : leak.action === 'flagged'
        ? html` on ${formatTime(leak.reportedAt)}. It still works: replace it now.`
        : html` on ${formatTime(leak.reportedAt)}; it had already stopped working.`;
  return html`${what}${where}${done}`;
}

/** The section shown on the application's overview. */
export async function securitySection(ctx: MemberContext, application: Application): Promise<SafeHtml> {
  const now = ctx.services.clock.now();
  const [leaks, audit] = await Promise.all([
    ctx.services.store.leaks.listByApplication(application.id),
    ctx.services.audit.list({ applicationId: application.id, limit: 10, offset: 0 }),
  ]);
  const recent = leaks.filter((l) => now - l.reportedAt < RECENT_MS);
  const base = appBase(application);
  const banners = recent.map(
    (l) => html`<div class="alert error" role="alert"><p>${leakLine(l)}</p>
${API_KEY_TYPES[l.credentialType] || l.credentialType === 'consumerSecret' ? postButton({ viewer: ctx.viewer, action: `${base}/leaks/${l.id}/replace`, label: `Replace this ${label(l.credentialType)}` }) : ''}</div>`,
  );
  const rows = audit.items.map(
    (e) => html`<tr><td data-label="Time">${formatTime(e.at)}</td><td data-label="Event">${e.type.replace('credential.', '')}</td>
<td data-label="Credential">${label(e.credentialType)} <code>${e.detail.start ?? e.credentialId}</code></td>
<td data-label="By">${e.actor === ctx.viewer.user.id ? 'you' : e.actor}</td><td data-label="From">${e.sourceIp ?? ''}</td></tr>`,
  );
  return html`${banners}<section class="card" aria-labelledby="security-title"><h2 id="security-title">Security events</h2>
${rows.length === 0
    ? html`<p class="hint">No credential events yet.</p>`
    : html`<table><thead><tr><th scope="col">Time</th><th scope="col">Event</th><th scope="col">Credential</th><th scope="col">By</th><th scope="col">From</th></tr></thead><tbody>${rows}</tbody></table>`}
</section>`;
}

/** A new API key with the leaked one's name and restrictions (the leaked one revoked if it still works). */
async function replaceApiKey(ctx: MemberContext, application: Application, leak: LeakRecord, keyType: KeyType): Promise<Outcome> {
  const { services, viewer } = ctx;
  const old = await services.store.apiKeys.findById(leak.credentialId);
  if (!old || old.applicationId !== application.id) throw notFound('API key');
  const issued =
    old.revokedAt === null
      ? await services.apiKeys.regenerate(viewer.user.id, application.id, keyType, old.id)
      : await services.apiKeys.generate(viewer.user.id, application.id, keyType, {
          keyName: old.name,
          validityPeriod: old.validityPeriod,
          permittedIP: old.permittedIps.join(','),
          permittedReferer: old.permittedReferers.join(','),
        });
  const page = `${appBase(application)}/keys/${segmentOf(keyType)}/api-keys`;
  return redirectHolding(page, { kind: 'apiKey', name: issued.key.name, value: issued.value, expiresAt: issued.key.expiresAt }, { notice: `API key ${issued.key.name} replaced.` });
}

export function registerSecurity(router: UiRouter): void {
  const { services } = router;
  router.action('/devportal/applications/:appId/leaks/:leakId/replace', SUBSCRIBER, async (ctx) => {
    const application = await loadApplication(ctx);
    const leak = (await services.store.leaks.listByApplication(application.id)).find((l) => l.id === ctx.params.leakId);
    if (!leak) throw notFound('leak');
    const keyType = API_KEY_TYPES[leak.credentialType];
    if (keyType) return replaceApiKey(ctx, application, leak, keyType);
    if (leak.credentialType !== 'consumerSecret') throw notFound('leak');
    const client = (await Promise.all([clientOf(services, application, 'PRODUCTION'), clientOf(services, application, 'SANDBOX')])).find((c) => c?.consumerKey === leak.credentialId);
    if (!client?.keyType) throw notFound('keys');
    const value = await services.clients.regenerateSecret(client);
    return redirectHolding(`${appBase(application)}/keys/${segmentOf(client.keyType)}`, { kind: 'secret', value, regenerated: true }, { notice: 'Consumer secret replaced. The old secrets and every token of these keys no longer work.' });
  });
}
