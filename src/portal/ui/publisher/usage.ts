import { html } from '../../../http/html.ts';
import { usageBreakdown, usageReport } from '../../../usage/usage-report.ts';
import { show, type MemberContext, type UiRouter } from '../router.ts';
import { breakdownTable, rangeOf, rangeTabs, summaryTiles, usageChart } from '../usage-view.ts';
import { PUBLISHER, apiBase, apiPage, loadApi } from './api-shell.ts';

/** Publisher → API → Usage: requests to this API, and per subscribing application and its owner (issue 15 §5). */
async function page(ctx: MemberContext): Promise<string> {
  const api = await loadApi(ctx);
  const range = rangeOf(ctx.query);
  const now = ctx.services.clock.now();
  const { store } = ctx.services;
  const [report, bySubscriber] = await Promise.all([
    usageReport(store.usage, { range, filter: { apiId: api.id }, now }),
    usageBreakdown(store.usage, { range, filter: { apiId: api.id }, by: 'application', now }),
  ]);
  // The busiest 100 subscribers are named; the page stays bounded whatever the traffic.
  const groups = await Promise.all(
    bySubscriber.slice(0, 100).map(async (g) => {
      const application = await store.applications.findById(g.key);
      const owner = application ? await store.users.findById(application.ownerId) : null;
      return { ...g, label: application ? html`${application.name} <span class="hint">(${owner?.username ?? 'unknown owner'}, ${application.throttlingPolicy})</span>` : 'deleted application' };
    }),
  );
  const base = `${apiBase(api)}/usage`;
  return apiPage({
    ctx,
    api,
    tab: 'usage',
    title: 'Usage',
    body: html`<section class="card" aria-labelledby="usage-title"><h2 id="usage-title">Usage</h2>
${rangeTabs(base, range)}
${summaryTiles(report)}
${usageChart(report, 'usage-chart', `${api.name} ${api.version}`)}
</section>
<section class="card" aria-labelledby="by-subscriber-title"><h2 id="by-subscriber-title">By subscriber</h2>
${breakdownTable({ caption: 'Requests per subscribing application', column: 'Application (owner, tier)', groups })}
</section>`,
  });
}

export function registerApiUsage(router: UiRouter): void {
  router.page('/publisher/apis/:apiId/usage', PUBLISHER, async (ctx) => show(await page(ctx)));
}
