import { html } from '../../../http/html.ts';
import { usageBreakdown, usageReport } from '../../../usage/usage-report.ts';
import { one } from '../layout.ts';
import { show, type MemberContext, type UiRouter } from '../router.ts';
import { breakdownTable, rangeOf, rangeTabs, summaryTiles, usageChart } from '../usage-view.ts';
import { SUBSCRIBER, appBase, applicationPage, keyTypeLabel, loadApplication } from './app-shell.ts';

/** What each credential of an application is called on the page: consumer keys and API keys by name. */
async function credentialLabels(ctx: MemberContext, applicationId: string): Promise<Map<string, string>> {
  const labels = new Map<string, string>();
  for (const client of await ctx.services.store.clients.listByApplication(applicationId)) labels.set(client.consumerKey, `${client.keyType ? keyTypeLabel(client.keyType) : "OAuth"} consumer key ${client.consumerKey.slice(0, 8)}…`);
  for (const keyType of ['PRODUCTION', 'SANDBOX'] as const) {
    for (const key of await ctx.services.apiKeys.list(ctx.viewer.user.id, applicationId, keyType)) labels.set(key.id, `${keyTypeLabel(keyType)} API key ${key.name}`);
  }
  return labels;
}

/** Developer Portal → application → Usage: requests, errors, latency and throttling, per credential (issue 15 §5). */
async function page(ctx: MemberContext): Promise<string> {
  const application = await loadApplication(ctx);
  const range = rangeOf(ctx.query);
  const labels = await credentialLabels(ctx, application.id);
  const credential = one(ctx.query.credential);
  const credentialId = credential && labels.has(credential) ? credential : undefined;
  const now = ctx.services.clock.now();
  const filter = { applicationIds: [application.id], ...(credentialId && { credentialId }) };
  const [report, byCredential] = await Promise.all([
    usageReport(ctx.services.store.usage, { range, filter, now }),
    usageBreakdown(ctx.services.store.usage, { range, filter: { applicationIds: [application.id] }, by: 'credential', now }),
  ]);
  const base = `${appBase(application)}/usage`;
  const subject = credentialId ? labels.get(credentialId)! : application.name;
  return applicationPage({
    ctx,
    application,
    tab: 'usage',
    title: 'Usage',
    crumbs: [{ label: 'Usage' }],
    body: html`<section class="card" aria-labelledby="usage-title">
<h2 id="usage-title">Usage${credentialId ? html` of ${subject}` : ''}</h2>
${rangeTabs(base, range, credentialId ? `&credential=${encodeURIComponent(credentialId)}` : '')}
${credentialId ? html`<p><a href="${base}?range=${range}">All credentials of ${application.name}</a></p>` : ''}
${summaryTiles(report)}
${usageChart(report, 'usage-chart', subject)}
<p class="hint">Counted by every gateway, written about every 10 seconds; latency is the time through the gateway, backend included.</p>
</section>
<section class="card" aria-labelledby="by-credential-title"><h2 id="by-credential-title">By credential</h2>
${breakdownTable({
  caption: 'Requests per credential',
  column: 'Credential',
  groups: byCredential.map((g) => ({ ...g, label: html`<a href="${base}?range=${range}&credential=${encodeURIComponent(g.key)}">${labels.get(g.key) ?? 'removed credential'}</a>` })),
})}
</section>`,
  });
}

export function registerUsage(router: UiRouter): void {
  router.page('/devportal/applications/:appId/usage', SUBSCRIBER, async (ctx) => show(await page(ctx)));
}
