import type { Role } from '../../core/model.ts';
import { html, type SafeHtml } from '../../http/html.ts';
import { page } from '../../http/page.ts';
import type { Flash } from './flash.ts';
import type { Viewer } from './router.ts';

/** The page shell of the three portals (WSO2's /devportal, /publisher and /admin). */

export type Area = 'devportal' | 'publisher' | 'admin';

const AREAS: Record<Area, { title: string; home: string; roles: readonly Role[]; nav: ReadonlyArray<{ key: string; href: string; label: string }> }> = {
  devportal: {
    title: 'Developer Portal',
    home: '/devportal',
    roles: [],
    nav: [
      { key: 'apis', href: '/devportal/apis', label: 'APIs' },
      { key: 'applications', href: '/devportal/applications', label: 'Applications' },
    ],
  },
  publisher: {
    title: 'Publisher',
    home: '/publisher',
    roles: ['publisher'],
    nav: [
      { key: 'apis', href: '/publisher/apis', label: 'APIs' },
      { key: 'create', href: '/publisher/apis/new', label: 'Create API' },
    ],
  },
  admin: {
    title: 'Admin',
    home: '/admin',
    roles: ['admin'],
    nav: [
      { key: 'tiers', href: '/admin/throttling/application', label: 'Throttling policies' },
      { key: 'users', href: '/admin/users', label: 'Users and roles' },
      { key: 'audit', href: '/admin/audit', label: 'Audit log' },
      { key: 'usage', href: '/admin/usage', label: 'Usage' },
    ],
  },
};

export interface Crumb {
  label: string;
  href?: string;
}

export interface PortalPageOptions {
  area: Area;
  viewer: Viewer | null;
  title: string;
  body: SafeHtml;
  /** Which main-navigation entry is current. */
  nav?: string;
  flash?: Flash | null;
  crumbs?: readonly Crumb[];
  narrow?: boolean;
}

const holds = (viewer: Viewer, roles: readonly Role[]) =>
  roles.length === 0 || viewer.user.roles.includes('admin') || roles.some((r) => viewer.user.roles.includes(r));

function header(options: PortalPageOptions): SafeHtml {
  const area = AREAS[options.area];
  const { viewer } = options;
  const others = viewer ? (Object.keys(AREAS) as Area[]).filter((a) => a !== options.area && holds(viewer, AREAS[a].roles)) : [];
  return html`<a class="skip" href="#content">Skip to content</a>
<header class="top">
<a class="brand" href="${area.home}">Gatehouse <span class="area">${area.title}</span></a>
<nav aria-label="Main">${area.nav.map((n) => html`<a href="${n.href}"${n.key === options.nav ? html` aria-current="page"` : ''}>${n.label}</a>`)}</nav>
${others.length > 0 ? html`<nav aria-label="Portals" class="areas">${others.map((a) => html`<a href="${AREAS[a].home}">${AREAS[a].title}</a>`)}</nav>` : ''}
<div class="account">${
    viewer
      ? html`<a class="who" href="/devportal/account" title="My account">${viewer.user.username}</a>
<form method="post" action="/devportal/logout"><input type="hidden" name="csrf" value="${viewer.csrfToken}"><button type="submit">Sign out</button></form>`
      : html`<a href="/devportal/login">Sign in</a>`
  }</div>
</header>`;
}

function breadcrumbs(crumbs: readonly Crumb[] | undefined): SafeHtml | string {
  if (!crumbs || crumbs.length === 0) return '';
  return html`<nav aria-label="Breadcrumb" class="crumbs"><ol>${crumbs.map((c, i) =>
    c.href && i < crumbs.length - 1 ? html`<li><a href="${c.href}">${c.label}</a></li>` : html`<li aria-current="page">${c.label}</li>`,
  )}</ol></nav>`;
}

export function notice(flash: Flash | null | undefined): SafeHtml | string {
  return flash?.notice ? html`<div class="alert ok" role="status">${flash.notice}</div>` : '';
}

export function portalPage(options: PortalPageOptions): string {
  return page({
    title: `${options.title} · ${AREAS[options.area].title}`,
    header: header(options),
    narrow: options.narrow,
    body: html`<div id="content" tabindex="-1"></div>${breadcrumbs(options.crumbs)}${notice(options.flash)}${options.body}
<script src="/assets/portal.js" defer></script>`,
  });
}

/** A short page for errors and confirmations that need no portal context. */
export function messagePage(options: { title: string; message: string; link?: { href: string; label: string } | undefined }): string {
  return page({
    title: options.title,
    narrow: true,
    header: html`<header class="top"><a class="brand" href="/devportal">Gatehouse</a></header>`,
    body: html`<div class="card"><h1>${options.title}</h1><p>${options.message}</p>
<p>${options.link ? html`<a class="button" href="${options.link.href}">${options.link.label}</a>` : html`<a href="/devportal">Back to the Developer Portal</a>`}</p></div>`,
  });
}

export function tabs(items: ReadonlyArray<{ href: string; label: string; current: boolean }>, label: string): SafeHtml {
  return html`<nav class="tabs" aria-label="${label}">${items.map((t) => html`<a href="${t.href}"${t.current ? html` aria-current="page"` : ''}>${t.label}</a>`)}</nav>`;
}

/**
 * A modal dialog (native <dialog>, so Esc closes it and focus stays inside). The trigger is a link
 * to `?dialog=<id>`: with JavaScript it opens the dialog in place; without, the server renders the
 * page with the dialog open inline.
 */
export function dialogTrigger(id: string, label: string, className = 'button'): SafeHtml {
  return html`<a class="${className}" href="?dialog=${id}" data-dialog="${id}">${label}</a>`;
}

export function dialog(options: { id: string; title: string; body: SafeHtml; open: boolean; closeHref: string }): SafeHtml {
  return html`<dialog id="${options.id}" aria-labelledby="${options.id}-dialog-title"${options.open ? html` open data-autoshow` : ''}>
<h2 id="${options.id}-dialog-title">${options.title}</h2>
${options.body}
<p><a href="${options.closeHref}" class="button secondary" data-dialog-close>Cancel</a></p>
</dialog>`;
}

/** A labelled value with a Copy button (portal.js); `block` renders a <pre> for commands. */
export function copyable(options: { id: string; label: string; value: string; block?: boolean }): SafeHtml {
  const labelId = `${options.id}-label`;
  const value = options.block
    ? html`<pre class="command"><code id="${options.id}" aria-labelledby="${labelId}">${options.value}</code></pre>`
    : html`<code id="${options.id}" aria-labelledby="${labelId}">${options.value}</code>`;
  return html`<div class="copy-field"><span class="label" id="${labelId}">${options.label}</span>
<div class="secret${options.block ? ' block' : ''}">${value}<button type="button" class="secondary copy" data-copy="${options.id}" aria-label="Copy ${options.label}">Copy</button></div></div>`;
}

export function formatTime(ms: number | null): string {
  if (ms === null) return 'never';
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function formatValidity(seconds: number | null): string {
  if (seconds === null || seconds < 0) return 'never expires (revocable)';
  if (seconds % 86400 === 0) return `${seconds / 86400} day${seconds === 86400 ? '' : 's'}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
  return `${seconds} seconds`;
}

export const one = (value: string | string[] | undefined): string | undefined => (typeof value === 'string' ? value : undefined);
export const many = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
