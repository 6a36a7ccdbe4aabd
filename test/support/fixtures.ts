import { randomUUID } from 'node:crypto';
import type { ClientSettings } from '../../src/core/client-service.ts';
import type { Api, Application, KeyType, OAuthClient, Role, TokenType, User } from '../../src/core/model.ts';
import type { Services } from '../../src/runtime/services.ts';

/** Domain set-up through the same services the REST APIs use, for tests of other layers. */

export const PASSWORD = 'correct horse battery';

export async function aUser(services: Services, roles: Role[] = ['subscriber'], username = `user${randomUUID().slice(0, 8)}`): Promise<User> {
  return services.users.create({ username, password: PASSWORD, roles });
}

export interface AppWithKeys {
  user: User;
  application: Application;
  client: OAuthClient;
  secret: string;
}

export const DEFAULT_KEY_SETTINGS: ClientSettings = {
  grantTypes: ['client_credentials', 'password', 'refresh_token'],
  callbackUrl: null,
  appTokenTtlSeconds: 3600,
  userTokenTtlSeconds: 3600,
  refreshTokenTtlSeconds: 86400,
  pkceMandatory: false,
};

export async function anAppWithKeys(
  services: Services,
  options: { tokenType?: TokenType; keyType?: KeyType; settings?: Partial<ClientSettings>; user?: User } = {},
): Promise<AppWithKeys> {
  const user = options.user ?? (await aUser(services));
  const application = await services.applications.create(user.id, { name: `app-${randomUUID().slice(0, 8)}`, tokenType: options.tokenType ?? 'JWT' });
  const { client, secret } = await services.clients.generateKeys(application, options.keyType ?? 'PRODUCTION', {
    ...DEFAULT_KEY_SETTINGS,
    ...options.settings,
  });
  return { user, application, client, secret };
}

export async function aPublishedApi(
  services: Services,
  options: { scopes?: Array<{ name: string; bindings?: Role[] }>; productionUrl?: string | null; sandboxUrl?: string | null; operations?: unknown[]; policies?: string[]; backendJwt?: boolean; securityScheme?: string[] } = {},
): Promise<Api> {
  const publisher = await aUser(services, ['publisher']);
  const scopes = options.scopes ?? [];
  const api = await services.apis.create(publisher.id, {
    name: `api-${randomUUID().slice(0, 6)}`,
    context: `/ctx${randomUUID().slice(0, 8)}`,
    version: '1.0.0',
    productionUrl: options.productionUrl === undefined ? 'http://127.0.0.1:9/prod' : options.productionUrl,
    sandboxUrl: options.sandboxUrl ?? null,
    scopes: scopes.map((s) => ({ name: s.name, bindings: s.bindings ?? [] })),
    operations: options.operations ?? [
      { target: '/items', verb: 'GET', scopes: scopes.length ? [scopes[0]!.name] : [] },
      { target: '/items/{id}', verb: 'GET' },
      { target: '/items', verb: 'POST' },
    ],
    policies: options.policies ?? ['Unlimited', 'Gold', 'Bronze'],
    backendJwt: options.backendJwt ?? false,
    ...(options.securityScheme && { securityScheme: options.securityScheme }),
  });
  return services.apis.changeLifecycle(api.id, 'Publish');
}

export async function subscribe(services: Services, app: AppWithKeys, api: Api, tier = 'Unlimited') {
  return services.subscriptions.subscribe(app.user.id, { applicationId: app.application.id, apiId: api.id, throttlingPolicy: tier });
}
