import { errors, importJWK, jwtVerify, type CryptoKey, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Clock } from './clock.ts';
import type { PublicSigningKey } from './events.ts';

export type JwtFailure = 'MALFORMED' | 'UNKNOWN_KEY' | 'BAD_SIGNATURE' | 'EXPIRED' | 'NOT_YET_VALID' | 'WRONG_ISSUER' | 'WRONG_TYPE' | 'INVALID';

export type JwtOutcome = { valid: true; claims: JWTPayload & Record<string, unknown> } | { valid: false; code: JwtFailure };

export interface JwtVerifierOptions {
  issuer: () => string;
  keys: () => readonly PublicSigningKey[];
  clock: Clock;
  leewaySeconds: number;
}

const MAX_JWT_LENGTH = 8192;
const JWS_COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Verifies Gatehouse access-token JWTs (RFC 9068 §4): keys only from the key ring (never from the
 * token's `jwk`/`jku`/`x5u`), algorithms only those of those keys, `typ` at+jwt, exact `iss`, and
 * `nbf`/`iat` with a small leeway (`exp` with none). Outcomes are data; callers map codes to responses.
 */
export class JwtVerifier {
  private readonly imported = new Map<string, CryptoKey>();

  constructor(private readonly options: JwtVerifierOptions) {}

  async verify(token: string): Promise<JwtOutcome> {
    if (token.length > MAX_JWT_LENGTH || !JWS_COMPACT.test(token)) return { valid: false, code: 'MALFORMED' };
    const keys = this.options.keys();
    const algorithms = [...new Set(keys.map((k) => k.alg))];
    try {
      const { payload, protectedHeader } = await jwtVerify(token, this.keyResolver(keys), {
        algorithms,
        typ: 'at+jwt',
        issuer: this.options.issuer(),
        clockTolerance: this.options.leewaySeconds,
        currentDate: new Date(this.options.clock.now()),
        requiredClaims: ['jti', 'iat', 'client_id'],
      });
      // Keys come only from the key ring: a token naming its own key or key URL is not ours (RFC 8725 §3.10, G09).
      if (['jku', 'jwk', 'x5u', 'x5c'].some((h) => h in protectedHeader)) return { valid: false, code: 'INVALID' };
      const now = this.options.clock.now();
      // `exp` gets no leeway: a token is dead the second it expires (the leeway covers iat/nbf skew).
      if (typeof payload.exp === 'number' && payload.exp * 1000 <= now) return { valid: false, code: 'EXPIRED' };
      // jose checks `iat` only against a maximum age; one issued in the future is a forged or skewed clock (RFC 9068 §4).
      if (typeof payload.iat === 'number' && payload.iat * 1000 > now + this.options.leewaySeconds * 1000) return { valid: false, code: 'NOT_YET_VALID' };
      const audience = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      if (!audience.includes(String(payload.client_id))) return { valid: false, code: 'INVALID' };
      return { valid: true, claims: payload as JWTPayload & Record<string, unknown> };
    } catch (error) {
      return { valid: false, code: failureCode(error) };
    }
  }

  private keyResolver(keys: readonly PublicSigningKey[]): JWTVerifyGetKey {
    return async (header) => {
      const key = typeof header.kid === 'string' ? keys.find((k) => k.kid === header.kid) : undefined;
      if (!key || key.alg !== header.alg) throw new errors.JWKSNoMatchingKey();
      let imported = this.imported.get(key.kid);
      if (!imported) {
        imported = (await importJWK({ ...key.publicJwk, alg: key.alg }, key.alg)) as CryptoKey;
        this.imported.set(key.kid, imported);
      }
      return imported;
    };
  }
}

function failureCode(error: unknown): JwtFailure {
  if (error instanceof errors.JWTExpired) return 'EXPIRED';
  if (error instanceof errors.JWKSNoMatchingKey) return 'UNKNOWN_KEY';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'BAD_SIGNATURE';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf' || error.claim === 'iat') return 'NOT_YET_VALID';
    if (error.claim === 'iss') return 'WRONG_ISSUER';
    if (error.claim === 'typ') return 'WRONG_TYPE';
    return 'INVALID';
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSEAlgNotAllowed) {
    return 'MALFORMED';
  }
  return 'INVALID';
}
