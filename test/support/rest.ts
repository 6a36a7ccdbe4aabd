import { randomUUID } from 'node:crypto';
import type { Role, User } from '../../src/core/model.ts';
import { ALL_REST_SCOPES } from '../../src/core/scopes.ts';
import { PASSWORD } from './fixtures.ts';
import { basic, postForm } from './http.ts';
import type { TestServer } from './server.ts';

/** Where the REST calls go: a test server in this process, or a spawned one. */
type ControlPlane = Pick<TestServer, 'control'>;

/** REST API test helpers: get a token exactly as a WSO2 script does, then call the APIs over HTTP. */

export const DEVPORTAL = '/api/am/devportal/v3';
export const PUBLISHER = '/api/am/publisher/v4';
export const ADMIN = '/api/am/admin/v4';

/**
 * Parsed JSON, loosely typed for test assertions: every property is again `Json` (at run time it may
 * be a string, number, array…). Use `items()` to iterate an array.
 */
export interface Json {
  [key: string]: Json;
}

export const items = (value: Json): Json[] => (Array.isArray(value) ? (value as unknown as Json[]) : []);

export interface RestResponse {
  status: number;
  headers: Headers;
  body: Json;
  text: string;
}

export class RestClient {
  constructor(
    readonly server: ControlPlane,
    readonly headers: Record<string, string>,
    readonly base: string = DEVPORTAL,
  ) {}

  at(base: string): RestClient {
    return new RestClient(this.server, this.headers, base);
  }

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RestResponse> {
    const init: RequestInit = { method, headers: { ...this.headers, ...headers }, redirect: 'manual' };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      init.headers = { 'content-type': 'application/json', ...this.headers, ...headers };
    }
    const response = await fetch(`${this.server.control}${this.base}${path}`, init);
    const text = await response.text();
    let parsed: Json = {};
    try {
      parsed = text ? (JSON.parse(text) as Json) : {};
    } catch {
      parsed = {};
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  get = (path: string, headers?: Record<string, string>) => this.request('GET', path, undefined, headers);
  post = (path: string, body?: unknown, headers?: Record<string, string>) => this.request('POST', path, body, headers);
  put = (path: string, body?: unknown, headers?: Record<string, string>) => this.request('PUT', path, body, headers);
  del = (path: string, headers?: Record<string, string>) => this.request('DELETE', path, undefined, headers);
}

/** POST /client-registration/v0.17/register with the user's Basic credentials, as WSO2 scripts do. */
export async function registerClient(server: ControlPlane, username: string, password: string): Promise<{ clientId: string; clientSecret: string }> {
  const response = await fetch(`${server.control}/client-registration/v0.17/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: basic(username, password) },
    body: JSON.stringify({ clientName: `rest_${randomUUID().slice(0, 8)}`, owner: username, grantType: 'client_credentials password refresh_token', saasApp: true }),
  });
  if (response.status !== 200) throw new Error(`client registration failed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { clientId: string; clientSecret: string };
  return { clientId: body.clientId, clientSecret: body.clientSecret };
}

/** A password-grant REST token with (at most) the requested `apim:*` scopes. */
export async function restToken(server: ControlPlane, username: string, password: string, scopes: readonly string[] = ALL_REST_SCOPES): Promise<string> {
  const client = await registerClient(server, username, password);
  const res = await postForm(
    `${server.control}/oauth2/token`,
    { grant_type: 'password', username, password, scope: scopes.join(' ') },
    { authorization: basic(client.clientId, client.clientSecret) },
  );
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${res.text}`);
  return String(res.body.access_token);
}

export interface RestUser {
  user: User;
  token: string;
  devportal: RestClient;
  publisher: RestClient;
  admin: RestClient;
}

/** A new user with the given roles and a REST token for (at most) the given scopes. */
export async function restUser(server: TestServer, roles: Role[] = ['subscriber'], scopes: readonly string[] = ALL_REST_SCOPES): Promise<RestUser> {
  const user = await server.services.users.create({ username: `u${randomUUID().slice(0, 8)}`, password: PASSWORD, roles });
  const token = await restToken(server, user.username, PASSWORD, scopes);
  const devportal = new RestClient(server, { authorization: `Bearer ${token}` });
  return { user, token, devportal, publisher: devportal.at(PUBLISHER), admin: devportal.at(ADMIN) };
}

/** An unauthenticated client. */
export const anonymous = (server: ControlPlane, base = DEVPORTAL): RestClient => new RestClient(server, {}, base);

/** A minimal valid publisher API body. */
export function anApiBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const suffix = randomUUID().slice(0, 8);
  return {
    name: `Pizza${suffix}`,
    context: `/pizza${suffix}`,
    version: '1.0.0',
    endpointConfig: { endpoint_type: 'http', production_endpoints: { url: 'http://127.0.0.1:9/prod' }, sandbox_endpoints: { url: 'http://127.0.0.1:9/sbx' } },
    operations: [
      { target: '/menu', verb: 'GET', authType: 'Application & Application User', throttlingPolicy: 'Unlimited', scopes: [] },
      { target: '/order', verb: 'POST', scopes: [`order_${suffix}`] },
    ],
    scopes: [{ scope: { name: `order_${suffix}`, displayName: 'Order', description: 'Place orders', bindings: ['subscriber'] }, shared: false }],
    policies: ['Gold', 'Unlimited'],
    securityScheme: ['oauth2', 'api_key'],
    ...overrides,
  };
}
