import type { Api, Application, OAuthClient, Subscription, User } from '../../../core/model.ts';
import type { Services } from '../../../runtime/services.ts';
import { apiInfo, applicationInfo, applicationKey, scopeInfo, subscription } from './mappers.ts';

/** Gathers what a WSO2 shape needs beyond the record itself (owner names, counts, keys), then maps it. */

export async function usernameOf(services: Services, userId: string): Promise<string> {
  return (await services.users.findById(userId))?.username ?? '';
}

async function subscriptionsOf(services: Services, user: User, applicationId: string): Promise<Subscription[]> {
  return (await services.subscriptions.list(user.id, { applicationId, limit: 10_000, offset: 0 })).items;
}

export async function presentApplicationInfo(services: Services, user: User, app: Application) {
  const { total } = await services.subscriptions.list(user.id, { applicationId: app.id, limit: 1, offset: 0 });
  return applicationInfo(app, user.username, total);
}

export async function presentApplication(services: Services, user: User, app: Application) {
  const subscriptions = await subscriptionsOf(services, user, app.id);
  const apis = await Promise.all(subscriptions.map((s) => services.apis.get(s.apiId).catch(() => null)));
  const keys: OAuthClient[] = await services.clients.listForApplication(app.id);
  return {
    ...applicationInfo(app, user.username, subscriptions.length),
    keys: keys.map((k) => applicationKey(k)),
    subscriptionScopes: apis.flatMap((api) => api?.scopes.map(scopeInfo) ?? []),
    hashEnabled: true,
  };
}

export async function presentApiInfo(services: Services, api: Api) {
  return apiInfo(api, await usernameOf(services, api.providerId));
}

export async function presentSubscription(services: Services, user: User, sub: Subscription) {
  const [api, app] = await Promise.all([services.apis.get(sub.apiId), services.applications.get(user.id, sub.applicationId)]);
  return subscription(sub, await presentApiInfo(services, api), await presentApplicationInfo(services, user, app));
}

/** The public gateway URL shown in the portal. */
export const gatewayUrl = (services: Services): string => services.config.gatewayUrl ?? services.urls.gateway;
