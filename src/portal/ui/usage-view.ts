import { html, type SafeHtml } from '../../http/html.ts';
import { USAGE_RANGES, isUsageRange, rangeLabel, type UsageGroup, type UsageRange, type UsageReport, type UsageSummary } from '../../usage/usage-report.ts';
import { formatTime, one, tabs } from './layout.ts';

/**
 * Usage charts, server-rendered as SVG (no client framework), each with a text equivalent: a summary
 * in words for screen readers and the numbers as a table (issue 15 §5).
 */

export const rangeOf = (query: Record<string, string | string[] | undefined>): UsageRange => {
  const value = one(query.range);
  return isUsageRange(value) ? value : 'day';
};

export function rangeTabs(base: string, current: UsageRange, extra = ''): SafeHtml {
  const names: Record<UsageRange, string> = { hour: 'Last hour', day: 'Last 24 hours', month: 'Last 30 days' };
  return tabs(USAGE_RANGES.map((r) => ({ href: `${base}?range=${r}${extra}`, label: names[r], current: r === current })), 'Time range');
}

export const formatMs = (ms: number | null): string => (ms === null ? '–' : ms === Infinity ? '> 10 s' : ms >= 1000 ? `≤ ${ms / 1000} s` : `≤ ${ms} ms`);

function pointLabel(report: UsageReport, start: number): string {
  const iso = new Date(start).toISOString();
  return report.range === 'month' ? iso.slice(0, 10) : `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

export function summaryTiles(s: UsageSummary): SafeHtml {
  const tile = (label: string, value: string) => html`<div class="tile"><dt>${label}</dt><dd>${value}</dd></div>`;
  return html`<dl class="tiles">
${tile('Requests', s.requests.toLocaleString('en'))}
${tile('Errors (4xx/5xx)', s.errors.toLocaleString('en'))}
${tile('Throttled (429)', s.throttled.toLocaleString('en'))}
${tile('Latency p50', formatMs(s.p50Ms))}
${tile('Latency p99', formatMs(s.p99Ms))}
${tile('Last used', s.lastUsedAt === null ? 'not in this range' : formatTime(s.lastUsedAt))}
</dl>`;
}

/** A bar per minute/hour/day: successful requests in blue, errors stacked in red. */
export function usageChart(report: UsageReport, id: string, subject: string): SafeHtml {
  const width = 720;
  const height = 180;
  const pad = { left: 44, bottom: 22, top: 8 };
  const max = Math.max(1, ...report.points.map((p) => p.requests));
  const slot = (width - pad.left) / report.points.length;
  const y = (n: number) => pad.top + (height - pad.top - pad.bottom) * (1 - n / max);
  const busiest = report.points.reduce((a, b) => (b.requests > a.requests ? b : a), report.points[0]!);
  const description =
    report.requests === 0
      ? `No requests from ${subject} in the ${rangeLabel(report.range)}.`
      : `${report.requests} requests from ${subject} in the ${rangeLabel(report.range)}: ${report.errors} errors, ${report.throttled} throttled. Busiest: ${pointLabel(report, busiest.start)} with ${busiest.requests} requests.`;
  const bars = report.points.map((p, i) => {
    if (p.requests === 0) return '';
    const x = pad.left + i * slot + slot * 0.15;
    const w = Math.max(1, slot * 0.7);
    const ok = p.requests - p.errors;
    return html`<g><title>${pointLabel(report, p.start)}: ${p.requests} requests, ${p.errors} errors, ${p.throttled} throttled</title>
<rect class="ok" x="${x.toFixed(1)}" y="${y(p.requests).toFixed(1)}" width="${w.toFixed(1)}" height="${(y(p.errors) - y(p.requests)).toFixed(1)}"></rect>
${ok < p.requests ? html`<rect class="err" x="${x.toFixed(1)}" y="${y(p.errors).toFixed(1)}" width="${w.toFixed(1)}" height="${(y(0) - y(p.errors)).toFixed(1)}"></rect>` : ''}</g>`;
  });
  const first = report.points[0]!;
  const last = report.points.at(-1)!;
  return html`<figure class="usage-chart">
<svg viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-title ${id}-desc">
<title id="${id}-title">Requests and errors, ${rangeLabel(report.range)}</title>
<desc id="${id}-desc">${description}</desc>
<line class="axis" x1="${pad.left}" y1="${y(0)}" x2="${width}" y2="${y(0)}"></line>
<text class="tick" x="${pad.left - 6}" y="${y(max) + 4}" text-anchor="end">${max}</text>
<text class="tick" x="${pad.left - 6}" y="${y(0)}" text-anchor="end">0</text>
<text class="tick" x="${pad.left}" y="${height - 4}">${pointLabel(report, first.start)}</text>
<text class="tick" x="${width}" y="${height - 4}" text-anchor="end">${pointLabel(report, last.start)}</text>
${bars}
</svg>
<figcaption><span class="key ok"></span> successful <span class="key err"></span> errors (4xx/5xx) · ${description}</figcaption>
</figure>
<details class="usage-data"><summary>The chart as a table</summary>
<table><thead><tr><th scope="col">${report.range === 'month' ? 'Day' : report.range === 'day' ? 'Hour' : 'Minute'}</th><th scope="col">Requests</th><th scope="col">Errors</th><th scope="col">Throttled</th></tr></thead>
<tbody>${report.points.filter((p) => p.requests > 0).map((p) => html`<tr><td>${pointLabel(report, p.start)}</td><td>${p.requests}</td><td>${p.errors}</td><td>${p.throttled}</td></tr>`)}</tbody></table>
</details>`;
}

/** Totals per group (credential, subscriber application, tier) as a table. */
export function breakdownTable(o: { caption: string; column: string; groups: ReadonlyArray<UsageGroup & { label: SafeHtml | string }> }): SafeHtml {
  if (o.groups.length === 0) return html`<p class="hint">No requests in this range.</p>`;
  return html`<table class="usage-breakdown"><caption class="visually-hidden">${o.caption}</caption>
<thead><tr><th scope="col">${o.column}</th><th scope="col">Requests</th><th scope="col">Errors</th><th scope="col">Throttled</th><th scope="col">p50</th><th scope="col">p99</th><th scope="col">Last used</th></tr></thead>
<tbody>${o.groups.map(
    (g) => html`<tr><td data-label="${o.column}">${g.label}</td><td data-label="Requests">${g.requests}</td><td data-label="Errors">${g.errors}</td><td data-label="Throttled">${g.throttled}</td><td data-label="p50">${formatMs(g.p50Ms)}</td><td data-label="p99">${formatMs(g.p99Ms)}</td><td data-label="Last used">${g.lastUsedAt === null ? '–' : formatTime(g.lastUsedAt)}</td></tr>`,
  )}</tbody></table>`;
}
