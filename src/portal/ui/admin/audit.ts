import { html } from '../../../http/html.ts';
import { KIND_TITLES } from '../../../leaks/credential-pattern.ts';
import { formatTime, one, portalPage } from '../layout.ts';
import { show, type UiRouter } from '../router.ts';

/** Admin → Audit log (issue 16 §4): security events of every application, newest first, 100 a page. */

const ADMIN = ['admin'] as const;
const PAGE = 100;

export function registerAudit(router: UiRouter): void {
  router.page('/admin/audit', ADMIN, async (ctx) => {
    const offset = Math.max(0, Number.parseInt(one(ctx.query.offset) ?? '0', 10) || 0);
    const applicationId = one(ctx.query.applicationId) || undefined;
    const { items, total } = await ctx.services.audit.list({ limit: PAGE, offset, ...(applicationId && { applicationId }) });
    const filter = applicationId ? `&applicationId=${encodeURIComponent(applicationId)}` : '';
    const rows = items.map(
      (e) => html`<tr>
<td data-label="Time">${formatTime(e.at)}</td>
<td data-label="Event"><span class="badge${e.type === 'credential.leaked' ? ' bad' : ''}">${e.type}</span></td>
<td data-label="Credential">${(KIND_TITLES[e.credentialType as keyof typeof KIND_TITLES] ?? e.credentialType).replace(/^Gatehouse /, '')} <code>${e.credentialId}</code></td>
<td data-label="Application">${e.applicationId ? html`<a href="/admin/audit?applicationId=${e.applicationId}"><code>${e.applicationId}</code></a>` : ''}</td>
<td data-label="Actor"><code>${e.actor}</code></td>
<td data-label="From">${e.sourceIp ?? ''}</td>
<td data-label="Detail">${Object.entries(e.detail).map(([k, v]) => html`<span class="hint">${k}:</span> ${v} `)}</td>
</tr>`,
    );
    return show(
      portalPage({
        area: 'admin',
        viewer: ctx.viewer,
        flash: ctx.flash,
        nav: 'audit',
        title: 'Audit log',
        body: html`<h1>Audit log</h1>
<section class="card" aria-labelledby="audit-title"><h2 id="audit-title">Security events <span class="badge">${total}</span>${applicationId ? html` <a class="button secondary small" href="/admin/audit">Show all</a>` : ''}</h2>
<p class="hint">Credentials created, regenerated, revoked and reported leaked, with who and from where. No secret is ever recorded.</p>
${rows.length === 0 ? html`<p class="hint">No events yet.</p>` : html`<table><thead><tr><th scope="col">Time</th><th scope="col">Event</th><th scope="col">Credential</th><th scope="col">Application</th><th scope="col">Actor</th><th scope="col">From</th><th scope="col">Detail</th></tr></thead><tbody>${rows}</tbody></table>`}
<p>${offset > 0 ? html`<a href="/admin/audit?offset=${Math.max(0, offset - PAGE)}${filter}">Newer</a> ` : ''}${offset + PAGE < total ? html`<a href="/admin/audit?offset=${offset + PAGE}${filter}">Older</a>` : ''}</p>
</section>`,
      }),
    );
  });
}
