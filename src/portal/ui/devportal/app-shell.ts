import { notFound } from '../../../core/errors.ts';
import type { Application, KeyType, OAuthClient, Role } from '../../../core/model.ts';
import { html, type SafeHtml } from '../../../http/html.ts';
import type { Services } from '../../../runtime/services.ts';
import { portalPage, tabs, type Crumb } from '../layout.ts';
import type { MemberContext } from '../router.ts';

/** Who may use applications, keys and subscriptions (admins always may). */
export const SUBSCRIBER: readonly Role[] = ['subscriber'];

export type AppTab = 'overview' | 'production' | 'sandbox' | 'subscriptions' | 'usage';

/** URL segment ↔ key type: /keys/production, /keys/sandbox. */
export function keyTypeOf(segment: string | undefined): KeyType {
  if (segment === 'production') return 'PRODUCTION';
  if (segment === 'sandbox') return 'SANDBOX';
  throw notFound('page');
}

export const segmentOf = (keyType: KeyType): 'production' | 'sandbox' => (keyType === 'PRODUCTION' ? 'production' : 'sandbox');
export const keyTypeLabel = (keyType: KeyType): string => (keyType === 'PRODUCTION' ? 'Production' : 'Sandbox');

/** The viewer's application from the URL; someone else's is "not found" (P05). */
export function loadApplication(ctx: MemberContext): Promise<Application> {
  return ctx.services.applications.get(ctx.viewer.user.id, ctx.params.appId ?? '');
}

export async function clientOf(services: Services, application: Application, keyType: KeyType): Promise<OAuthClient | null> {
  const clients = await services.store.clients.listByApplication(application.id);
  return clients.find((c) => c.keyType === keyType) ?? null;
}

export const appBase = (application: Application): string => `/devportal/applications/${encodeURIComponent(application.id)}`;

export function applicationPage(options: {
  ctx: MemberContext;
  application: Application;
  tab: AppTab;
  title: string;
  body: SafeHtml;
  crumbs?: readonly Crumb[];
}): string {
  const { application, tab } = options;
  const base = appBase(application);
  const items = [
    { href: base, label: 'Overview', current: tab === 'overview' },
    { href: `${base}/keys/production`, label: 'Production Keys', current: tab === 'production' },
    { href: `${base}/keys/sandbox`, label: 'Sandbox Keys', current: tab === 'sandbox' },
    { href: `${base}/subscriptions`, label: 'Subscriptions', current: tab === 'subscriptions' },
    { href: `${base}/usage`, label: 'Usage', current: tab === 'usage' },
  ];
  return portalPage({
    area: 'devportal',
    viewer: options.ctx.viewer,
    flash: options.ctx.flash,
    nav: 'applications',
    title: `${options.title} · ${application.name}`,
    crumbs: [{ label: 'Applications', href: '/devportal/applications' }, { label: application.name, href: base }, ...(options.crumbs ?? [])],
    body: html`<h1 class="app-name">${application.name}</h1>
${tabs(items, 'Application')}
${options.body}`,
  });
}

/** Under Production/Sandbox Keys: the OAuth2 tokens and API key sub-tabs, as in WSO2's Developer Portal. */
export function keySubTabs(application: Application, keyType: KeyType, current: 'oauth' | 'api-key'): SafeHtml {
  const base = `${appBase(application)}/keys/${segmentOf(keyType)}`;
  return tabs(
    [
      { href: base, label: 'OAuth2 Tokens', current: current === 'oauth' },
      { href: `${base}/api-keys`, label: 'API Key', current: current === 'api-key' },
    ],
    `${keyTypeLabel(keyType)} keys`,
  );
}

/** The public base URL of the gateway (for curl commands and API pages). */
export const gatewayUrl = (services: Services): string => services.config.gatewayUrl ?? services.urls.gateway;
