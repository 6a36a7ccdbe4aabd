import type { FastifyRequest } from 'fastify';
import type { AuthenticatedClient, ClientService } from '../core/client-service.ts';
import type { CredentialThrottle } from '../core/credential-throttle.ts';
import { invalidClient, invalidRequest, throttled } from './errors.ts';
import type { Form } from './form.ts';

export interface PresentedClient {
  method: 'client_secret_basic' | 'client_secret_post';
  clientId: string;
  clientSecret: string | undefined;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function formDecode(text: string): string {
  // RFC 6749 §2.3.1 + Appendix B: id and secret are form-urlencoded before Basic encoding.
  return decodeURIComponent(text.replace(/\+/g, ' '));
}

/** Decodes `Authorization: Basic …` into its two halves, or throws invalid_request (T06, T07). */
export function parseBasic(header: string): { id: string; secret: string } {
  const match = /^Basic[ ]+(\S*)$/i.exec(header);
  const encoded = match?.[1] ?? '';
  if (!BASE64.test(encoded)) throw invalidRequest('invalid authorization header value format');
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw invalidRequest('invalid authorization header value format');
  try {
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw invalidRequest('client credentials are not properly encoded');
  }
}

/** Reads the client's credentials: exactly one mechanism, and the same id everywhere (T05). */
export function presentedClient(request: FastifyRequest, form: Form): PresentedClient | null {
  const header = request.headers.authorization;
  const bodyId = form.get('client_id');
  const bodySecret = form.get('client_secret');
  if (header !== undefined) {
    if (!/^Basic(\s|$)/i.test(header)) throw invalidRequest('unsupported authorization scheme; use Basic client authentication');
    const basic = parseBasic(header);
    if (bodySecret !== undefined) throw invalidRequest('client authentication must only be provided using one mechanism');
    if (bodyId !== undefined && bodyId !== basic.id) throw invalidRequest('client_id mismatch');
    return { method: 'client_secret_basic', clientId: basic.id, clientSecret: basic.secret };
  }
  if (bodyId === undefined) return null;
  return { method: 'client_secret_post', clientId: bodyId, clientSecret: bodySecret };
}

export interface ClientAuthDeps {
  clients: ClientService;
  throttle: CredentialThrottle;
  realm: () => string;
}

/** Authenticates the calling client (RFC 6749 §2.3), throttling repeated failures per client and IP (T19). */
export async function authenticateClient(deps: ClientAuthDeps, request: FastifyRequest, form: Form): Promise<AuthenticatedClient> {
  const presented = presentedClient(request, form);
  const realm = presented?.method === 'client_secret_basic' ? deps.realm() : null;
  if (!presented || presented.clientSecret === undefined) throw invalidClient(realm);
  const { clientId, clientSecret } = presented;
  const outcome = await deps.throttle.guard({ kind: 'clientSecret', account: clientId, ip: request.ip }, () => deps.clients.authenticate(clientId, clientSecret));
  if (outcome.throttled) throw throttled('invalid_client', outcome.retryAfterSeconds);
  if (!outcome.value) throw invalidClient(realm);
  return outcome.value;
}
