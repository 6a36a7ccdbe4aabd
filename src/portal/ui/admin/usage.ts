import { html } from '../../../http/html.ts';
import { usageReport } from '../../../usage/usage-report.ts';
import { portalPage } from '../layout.ts';
import { show, type MemberContext, type UiRouter } from '../router.ts';
import { breakdownTable, rangeOf, rangeTabs, summaryTiles, usageChart } from '../usage-view.ts';

const ADMIN = ['admin'] as const;

/** Admin → Usage: all traffic, and per application tier (issue 15 §5). */
async function page(ctx: MemberContext): Promise<string> {
  const range = rangeOf(ctx.query);
  const now = ctx.services.clock.now();
  const { store } = ctx.services;
  const applications = await store.applications.listAll();
  const tiers = new Map<string, string[]>();
  for (const a of applications) tiers.set(a.throttlingPolicy, [...(tiers.get(a.throttlingPolicy) ?? []), a.id]);
  const [overall, ...perTier] = await Promise.all([
    usageReport(store.usage, { range, filter: {}, now }),
    ...[...tiers.entries()].map(async ([tier, ids]) => ({ tier, report: await usageReport(store.usage, { range, filter: { applicationIds: ids }, now }) })),
  ]);
  const groups = perTier
    .filter((t) => t.report.requests > 0)
    .sort((a, b) => b.report.requests - a.report.requests)
    .map((t) => ({ ...t.report, key: t.tier, label: `${t.tier} (${tiers.get(t.tier)!.length} applications)` }));
  return portalPage({
    area: 'admin',
    viewer: ctx.viewer,
    flash: ctx.flash,
    nav: 'usage',
    title: 'Usage',
    body: html`<h1>Usage</h1>
<section class="card" aria-labelledby="usage-title"><h2 id="usage-title">All traffic through the gateways</h2>
${rangeTabs('/admin/usage', range)}
${summaryTiles(overall)}
${usageChart(overall, 'usage-chart', 'all applications')}
</section>
<section class="card" aria-labelledby="by-tier-title"><h2 id="by-tier-title">By application tier</h2>
${breakdownTable({ caption: 'Requests per application tier', column: 'Tier', groups })}
</section>`,
  });
}

export function registerAdminUsage(router: UiRouter): void {
  router.page('/admin/usage', ADMIN, async (ctx) => show(await page(ctx)));
}
