import type { OAuthClient } from '../core/model.ts';
import { parseScopeParameter } from '../core/scopes.ts';

/** A validated authorization request (RFC 6749 §4.1.1 + RFC 7636 §4.3). */
export interface AuthorizationRequest {
  client: OAuthClient;
  redirectUri: string;
  state: string | undefined;
  requestedScopes: string[];
  codeChallenge: string;
  /** The original parameters, carried through the login and consent forms. */
  params: URLSearchParams;
}

/** Errors that must not redirect: the redirect target itself is not trusted (RFC 6749 §4.1.2.1, A01). */
export class AuthorizePageError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

/** Errors returned to the client at its (verified) redirect_uri. */
export class AuthorizeRedirectError extends Error {
  constructor(
    readonly request: Pick<AuthorizationRequest, 'redirectUri' | 'state'>,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export function toSearchParams(query: unknown): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (typeof value !== 'string') throw new AuthorizePageError('invalid_request', `'${name}' parameter must be provided once`);
    params.set(name, value);
  }
  return params;
}

export async function validateAuthorizationRequest(
  params: URLSearchParams,
  findClient: (consumerKey: string) => Promise<OAuthClient | null>,
): Promise<AuthorizationRequest> {
  const clientId = params.get('client_id');
  const client = clientId ? await findClient(clientId) : null;
  if (!client) throw new AuthorizePageError('invalid_client', 'unknown client_id');
  if (!client.callbackUrl) throw new AuthorizePageError('invalid_redirect_uri', 'the client has no registered callback URL');
  // Exact string comparison with the registered URI (RFC 9700 §4.1.1).
  const redirectUri = params.get('redirect_uri') ?? client.callbackUrl;
  if (redirectUri !== client.callbackUrl) throw new AuthorizePageError('invalid_redirect_uri', 'redirect_uri does not match the registered callback URL');

  const target = { redirectUri, state: params.get('state') ?? undefined };
  const fail = (error: string, description: string) => new AuthorizeRedirectError(target, error, description);
  if (params.get('response_type') !== 'code') throw fail('unsupported_response_type', 'only response_type=code is supported');
  if (!client.grantTypes.includes('authorization_code')) throw fail('unauthorized_client', 'the authorization_code grant is not enabled for this client');
  const method = params.get('code_challenge_method');
  const challenge = params.get('code_challenge');
  if (method !== 'S256') throw fail('invalid_request', 'code_challenge_method must be S256');
  if (!challenge || !CHALLENGE.test(challenge)) throw fail('invalid_request', 'a valid PKCE code_challenge (S256) is required');
  const requestedScopes = parseScopeParameter(params.get('scope') ?? undefined);
  if (requestedScopes === null) throw fail('invalid_scope', 'scope contains invalid characters');

  return { client, redirectUri, state: target.state, requestedScopes, codeChallenge: challenge, params };
}

/** Builds the redirect back to the client, with the issuer so mix-ups are detectable (RFC 9207). */
export function redirectTo(redirectUri: string, values: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(values)) if (value !== undefined) url.searchParams.set(name, value);
  return url.toString();
}
