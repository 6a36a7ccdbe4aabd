import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import type { Api, Role } from '../../src/core/model.ts';
import { aPublishedApi, anAppWithKeys, subscribe, type AppWithKeys } from './fixtures.ts';
import { basic, postForm } from './http.ts';
import { startBackend, type TestBackend } from './backend.ts';
import { startTestServer, type TestServer } from './server.ts';

/**
 * A test server (with `env`) and a backend for the calling test file: started before its tests, stopped
 * after. Read them as `ctx.server` and `ctx.backend` inside hooks and tests.
 */
export function serverAndBackend(env: Record<string, string> = {}): { readonly server: TestServer; readonly backend: TestBackend } {
  const ctx = {} as { server: TestServer; backend: TestBackend };
  beforeAll(async () => {
    ctx.server = await startTestServer(env);
    ctx.backend = await startBackend();
  });
  afterAll(async () => {
    await ctx.server?.close();
    await ctx.backend?.close();
  });
  return ctx;
}

/** Gateway-test set-up: a published API with a scoped resource, and an application subscribed to it. */

export interface Scenario {
  api: Api;
  app: AppWithKeys;
  /** Gets an access token from the real token endpoint. */
  token(options?: { scope?: string; grant?: 'client_credentials' | 'password'; app?: AppWithKeys }): Promise<string>;
  /** GET/POST… through the gateway. */
  call(path: string, init?: RequestInit & { headers?: Record<string, string> }): Promise<Response>;
}

export async function scenario(
  server: TestServer,
  options: {
    productionUrl: string;
    sandboxUrl?: string | null;
    tokenType?: 'JWT' | 'OAUTH';
    keyType?: 'PRODUCTION' | 'SANDBOX';
    scopes?: Array<{ name: string; bindings?: Role[] }>;
    operations?: unknown[];
    tier?: string;
    appTier?: string;
    backendJwt?: boolean;
    securityScheme?: string[];
    settings?: Record<string, unknown>;
  },
): Promise<Scenario> {
  const scopes = options.scopes ?? [{ name: `read:${randomUUID().slice(0, 6)}` }];
  const tier = options.tier ?? 'Unlimited';
  const api = await aPublishedApi(server.services, {
    policies: [...new Set(['Unlimited', 'Gold', 'Bronze', tier])],
    productionUrl: options.productionUrl,
    sandboxUrl: options.sandboxUrl ?? null,
    scopes,
    operations: options.operations ?? [
      { target: '/items', verb: 'GET', scopes: [scopes[0]!.name] },
      { target: '/items/{id}', verb: 'GET' },
      { target: '/items', verb: 'POST' },
      { target: '/public', verb: 'GET', authType: 'None' },
      { target: '/app-only', verb: 'GET', authType: 'Application' },
      { target: '/files/*', verb: 'GET' },
    ],
    backendJwt: options.backendJwt ?? false,
    ...(options.securityScheme && { securityScheme: options.securityScheme }),
  });
  const app = await anAppWithKeys(server.services, {
    tokenType: options.tokenType ?? 'JWT',
    keyType: options.keyType ?? 'PRODUCTION',
    ...(options.settings && { settings: options.settings }),
  });
  if (options.appTier) await server.services.applications.update(app.user.id, app.application.id, { name: app.application.name, throttlingPolicy: options.appTier });
  await subscribe(server.services, app, api, tier);
  const base = `${server.gateway}${api.context}/${api.version}`;
  return {
    api,
    app,
    async token({ scope, grant = 'client_credentials', app: who = app } = {}) {
      const params: Record<string, string> = { grant_type: grant, ...(scope && { scope }) };
      if (grant === 'password') Object.assign(params, { username: who.user.username, password: 'correct horse battery' });
      const res = await postForm(`${server.control}/oauth2/token`, params, { authorization: basic(who.client.consumerKey, who.secret) });
      if (res.status !== 200) throw new Error(`token request failed: ${res.text}`);
      return String(res.body.access_token);
    },
    call(path, init = {}) {
      return fetch(`${base}${path}`, { ...init, redirect: 'manual' });
    },
  };
}
