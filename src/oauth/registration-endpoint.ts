import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../core/errors.ts';
import type { User } from '../core/model.ts';
import { parseBasic } from './client-auth.ts';
import type { KeyManagerDeps } from './deps.ts';
import { NO_STORE_HEADERS, OAuthError, throttled } from './errors.ts';

const unauthorized = (realm: string) =>
  new OAuthError(401, 'invalid_client', 'valid user credentials are required (HTTP Basic)', { 'www-authenticate': `Basic realm="${realm}"` });

async function authenticateUser(deps: KeyManagerDeps, request: FastifyRequest): Promise<User> {
  const header = request.headers.authorization;
  if (!header || !/^Basic\s/i.test(header)) throw unauthorized(deps.issuer());
  const { id, secret } = parseBasic(header);
  // The same throttle as every sign-in, per (username, address) and per address (P08).
  const outcome = await deps.limits.credentials.guard({ kind: 'password', account: id, ip: request.ip }, () => deps.users.authenticate(id, secret));
  if (outcome.throttled) throw throttled('access_denied', outcome.retryAfterSeconds);
  if (!outcome.value) throw unauthorized(deps.issuer());
  return outcome.value;
}

const metadataError = (description: string) => new OAuthError(400, 'invalid_client_metadata', description);

interface RegistrationRequest {
  clientName: string;
  owner: string | undefined;
  grantTypes: string[];
  callbackUrl: string | null;
}

function parseRegistration(body: unknown): RegistrationRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new OAuthError(400, 'invalid_request', 'the body must be a JSON object');
  const b = body as Record<string, unknown>;
  if (typeof b.clientName !== 'string' || !/^[\w.@-]{1,100}$/.test(b.clientName)) {
    throw metadataError('clientName is required: 1-100 letters, digits, . _ @ -');
  }
  for (const field of ['owner', 'grantType', 'callbackUrl'] as const) {
    if (b[field] !== undefined && b[field] !== null && typeof b[field] !== 'string') throw metadataError(`${field} must be a string`);
  }
  const grantType = (b.grantType as string | undefined) ?? 'client_credentials password refresh_token';
  return {
    clientName: b.clientName,
    owner: b.owner as string | undefined,
    grantTypes: grantType.split(/[\s,]+/).filter(Boolean),
    callbackUrl: (b.callbackUrl as string | undefined) || null,
  };
}

/**
 * POST /client-registration/v0.17/register: the WSO2 endpoint scripts use to get a client for the
 * REST APIs. HTTP Basic user credentials are required (D01, CVE-2025-9152); a user registers clients
 * for themselves, admins for anyone.
 */
export function registrationEndpoint(deps: KeyManagerDeps) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const user = await authenticateUser(deps, request);
    const input = parseRegistration(request.body);
    const owner = input.owner ? await deps.users.findByUsername(input.owner) : user;
    if (!owner || (owner.id !== user.id && !user.roles.includes('admin'))) {
      throw new OAuthError(403, 'access_denied', 'you may register clients only for yourself');
    }
    try {
      const { client, secret } = await deps.clients.registerRestClient({
        ownerId: owner.id,
        name: input.clientName,
        grantTypes: input.grantTypes,
        callbackUrl: input.callbackUrl,
      });
      return reply.headers(NO_STORE_HEADERS).send({
        clientId: client.consumerKey,
        clientName: client.name,
        callBackURL: client.callbackUrl ?? '',
        clientSecret: secret,
        isSaasApplication: 'true', // a string in WSO2's DCRResult
        appOwner: owner.username,
        jsonString: JSON.stringify({ grant_types: client.grantTypes.join(' '), redirect_uris: client.callbackUrl ?? '' }),
        jsonAppAttribute: '{}',
        tokenType: 'JWT',
      });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'VALIDATION') {
        throw new OAuthError(400, error.field === 'callbackUrl' ? 'invalid_redirect_uri' : 'invalid_client_metadata', error.publicMessage);
      }
      throw error;
    }
  };
}
