import { createHash, hash as oneShotHash, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { Random } from './random.ts';

/**
 * Credential format (after GitHub's and Unkey's): `<prefix><43 base62 chars of 32 random bytes><6 base62
 * chars of CRC32>`. The prefix names the kind so a leaked value can be found by pattern; the checksum lets
 * every entry point reject a mistyped or forged value before any lookup; only a hash is ever stored.
 */
export const CREDENTIAL_PREFIXES = {
  consumerSecret: 'gcs_',
  accessToken: 'gat_',
  refreshToken: 'grt_',
  authorizationCode: 'gac_',
  apiKeyProduction: 'gak_prod_',
  apiKeySandbox: 'gak_sbx_',
  session: 'gss_',
} as const;

export type CredentialKind = keyof typeof CREDENTIAL_PREFIXES;

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_BYTES = 32;
const BODY_LENGTH = 43; // ceil(256 / log2(62))
const CHECKSUM_LENGTH = 6; // 62^6 > 2^32
const BODY_PATTERN = /^[0-9A-Za-z]+$/;

function toBase62(value: bigint, width: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < width; i++) {
    out = ALPHABET[Number(rest % 62n)] + out;
    rest /= 62n;
  }
  return out;
}

/** CRC32 in 6 base62 characters; plain number arithmetic (this runs on every gateway request). */
function checksum(text: string): string {
  let rest = crc32(text);
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = ALPHABET[rest % 62]! + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

export function mintCredential(kind: CredentialKind, random: Random): string {
  const prefix = CREDENTIAL_PREFIXES[kind];
  const body = toBase62(BigInt(`0x${random.bytes(RANDOM_BYTES).toString('hex')}`), BODY_LENGTH);
  return prefix + body + checksum(prefix + body);
}

/**
 * Returns the kind when `value` is a well-formed credential of one of `expected` kinds, else null.
 * Nothing is looked up; this only checks prefix, length, alphabet and checksum.
 */
export function parseCredential<K extends CredentialKind>(value: string, expected: readonly K[]): K | null {
  for (const kind of expected) {
    const prefix = CREDENTIAL_PREFIXES[kind];
    if (!value.startsWith(prefix)) continue;
    const rest = value.slice(prefix.length);
    if (rest.length !== BODY_LENGTH + CHECKSUM_LENGTH || !BODY_PATTERN.test(rest)) return null;
    // The checksum is a public function of the value, not a secret: a plain comparison leaks nothing.
    return rest.slice(BODY_LENGTH) === checksum(prefix + rest.slice(0, BODY_LENGTH)) ? kind : null;
  }
  return null;
}

/** A short, non-secret start of a credential for display ("gak_prod_4fQz…"). */
export function credentialStart(value: string): string {
  const prefixEnd = value.lastIndexOf('_') + 1;
  return value.slice(0, prefixEnd + 4);
}

/**
 * How a store's credential hashes are made (recorded in the store, `runtime/credential-hashing.ts`):
 * - `peppered-sha256`: HMAC-SHA-256 under a pepper of the SHA-256 of the credential — the default for
 *   new stores. The pepper is GATEHOUSE_TOKEN_PEPPER or, by default, derived from the system secret, so
 *   a copy of the database alone identifies no credential. Hashing the SHA-256 (not the credential)
 *   lets `gatehouse scan --check` send only SHA-256s and still be answered.
 * - `hmac-sha256`: HMAC-SHA-256 of the credential under GATEHOUSE_TOKEN_PEPPER (stores from before
 *   0008 that set it); a SHA-256 alone cannot be checked.
 * - `sha256`: plain SHA-256 (stores from before 0008 without a pepper).
 */
export type HashingScheme = 'peppered-sha256' | 'hmac-sha256' | 'sha256';

const BLOCK = 64;

/**
 * Hashes credentials for storage and lookup. Credentials carry 256 random bits, so a fast hash is
 * sufficient (ASVS 6.5.2). HMAC is computed from one-shot digests with the padded keys prepared once:
 * no Hmac object per call (this runs on gateway requests).
 */
export class CredentialHasher {
  private readonly inner: Buffer | null;
  private readonly outer: Buffer | null;

  constructor(
    readonly scheme: HashingScheme,
    pepper: Buffer | null = null,
  ) {
    if ((scheme === 'sha256') !== (pepper === null)) throw new Error(`the ${scheme} scheme ${pepper ? 'takes no' : 'needs a'} pepper`);
    const key = pepper && pepper.length > BLOCK ? oneShotHash('sha256', pepper, 'buffer') : pepper;
    this.inner = key && xorPad(key, 0x36);
    this.outer = key && xorPad(key, 0x5c);
  }

  hash(value: string): string {
    if (this.scheme === 'sha256') return oneShotHash('sha256', value, 'hex');
    return this.hmac(this.scheme === 'hmac-sha256' ? Buffer.from(value, 'utf8') : oneShotHash('sha256', value, 'buffer'));
  }

  /**
   * The stored hash of a credential known only by its SHA-256 (hex), or null when this scheme cannot
   * tell (`hmac-sha256` covers the credential itself).
   */
  fromSha256(sha256Hex: string): string | null {
    if (!/^[0-9a-f]{64}$/.test(sha256Hex)) return null;
    if (this.scheme === 'sha256') return sha256Hex;
    return this.scheme === 'peppered-sha256' ? this.hmac(Buffer.from(sha256Hex, 'hex')) : null;
  }

  private hmac(message: Buffer): string {
    const inner = oneShotHash('sha256', Buffer.concat([this.inner!, message]), 'buffer');
    return oneShotHash('sha256', Buffer.concat([this.outer!, inner]), 'hex');
  }
}

function xorPad(key: Buffer, byte: number): Buffer {
  const padded = Buffer.alloc(BLOCK, byte);
  for (let i = 0; i < key.length; i++) padded[i] = padded[i]! ^ key[i]!;
  return padded;
}

/** Constant-time string comparison: both sides are digested first so lengths never leak (S05). */
export function constantTimeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}

/** A public, non-secret identifier such as a consumer key: random base62 of the given length. */
export function randomIdentifier(random: Random, length = 28): string {
  const bytes = random.bytes(length * 2);
  let out = '';
  for (let i = 0; out.length < length && i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 248) out += ALPHABET[b % 62]; // rejection sampling keeps the distribution uniform
  }
  return out.length === length ? out : randomIdentifier(random, length);
}
