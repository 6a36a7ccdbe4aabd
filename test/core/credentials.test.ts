import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CREDENTIAL_PREFIXES,
  CredentialHasher,
  constantTimeEqual,
  credentialStart,
  mintCredential,
  parseCredential,
  randomIdentifier,
  type CredentialKind,
} from '../../src/core/credentials.ts';
import { cryptoRandom } from '../../src/core/random.ts';

describe('credential format (SPEC §4)', () => {
  it('every kind carries its prefix, 43 base62 characters of 256 random bits, and a 6-character checksum', () => {
    for (const kind of Object.keys(CREDENTIAL_PREFIXES) as CredentialKind[]) {
      const value = mintCredential(kind, cryptoRandom);
      expect(value.startsWith(CREDENTIAL_PREFIXES[kind])).toBe(true);
      expect(value.length).toBe(CREDENTIAL_PREFIXES[kind].length + 49);
      expect(parseCredential(value, [kind])).toBe(kind);
    }
  });

  it('API keys say production or sandbox', () => {
    expect(mintCredential('apiKeyProduction', cryptoRandom)).toMatch(/^gak_prod_/);
    expect(mintCredential('apiKeySandbox', cryptoRandom)).toMatch(/^gak_sbx_/);
  });

  it('the checksum rejects any single-character change, a wrong kind, and wrong lengths before any lookup', () => {
    const value = mintCredential('accessToken', cryptoRandom);
    const i = 10;
    const flipped = value.slice(0, i) + (value[i] === 'A' ? 'B' : 'A') + value.slice(i + 1);
    expect(parseCredential(flipped, ['accessToken'])).toBeNull();
    expect(parseCredential(value, ['refreshToken'])).toBeNull();
    expect(parseCredential(value.slice(0, -1), ['accessToken'])).toBeNull();
    expect(parseCredential(`${value}x`, ['accessToken'])).toBeNull();
    expect(parseCredential(value.replace(/.$/, '-'), ['accessToken'])).toBeNull();
  });

  it('T30 100 000 minted values: no duplicates, 256-bit bodies from the CSPRNG', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) seen.add(mintCredential('apiKeyProduction', cryptoRandom));
    expect(seen.size).toBe(100_000);
    // 43 base62 characters can hold 2^256; the first character is nearly uniform over the alphabet.
    const firsts = new Set([...seen].map((v) => v[9]));
    expect(firsts.size).toBeGreaterThan(50);
  });

  it('displays only a short non-secret start', () => {
    const value = mintCredential('apiKeyProduction', cryptoRandom);
    expect(credentialStart(value)).toBe(value.slice(0, 13));
  });

  it('hashes with SHA-256, or HMAC-SHA-256 under a pepper; matching is constant-time (S05)', () => {
    const value = mintCredential('consumerSecret', cryptoRandom);
    const plain = new CredentialHasher('sha256');
    const peppered = new CredentialHasher('peppered-sha256', Buffer.from('p'.repeat(32)));
    expect(plain.hash(value)).toMatch(/^[0-9a-f]{64}$/);
    expect(peppered.hash(value)).not.toBe(plain.hash(value));
    expect(constantTimeEqual(peppered.hash(value), peppered.hash(value))).toBe(true);
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
  });

  it('each hashing scheme is the HMAC-SHA-256 it names (short and long peppers), and a SHA-256 maps to the stored hash where the scheme allows', () => {
    const value = mintCredential('apiKeyProduction', cryptoRandom);
    const sha256 = createHash('sha256').update(value).digest('hex');
    for (const pepper of [Buffer.from('p'.repeat(32)), randomBytes(100)]) {
      const peppered = new CredentialHasher('peppered-sha256', pepper);
      expect(peppered.hash(value)).toBe(createHmac('sha256', pepper).update(createHash('sha256').update(value).digest()).digest('hex'));
      expect(peppered.fromSha256(sha256)).toBe(peppered.hash(value));
      const legacy = new CredentialHasher('hmac-sha256', pepper);
      expect(legacy.hash(value)).toBe(createHmac('sha256', pepper).update(value).digest('hex'));
      expect(legacy.fromSha256(sha256)).toBeNull();
    }
    const plain = new CredentialHasher('sha256');
    expect(plain.hash(value)).toBe(sha256);
    expect(plain.fromSha256(sha256)).toBe(sha256);
    // Not a SHA-256: never looked up.
    expect(plain.fromSha256(sha256.toUpperCase())).toBeNull();
    expect(new CredentialHasher('peppered-sha256', randomBytes(32)).fromSha256('ab')).toBeNull();
    expect(() => new CredentialHasher('peppered-sha256')).toThrow(/needs a pepper/);
    expect(() => new CredentialHasher('sha256', randomBytes(32))).toThrow(/takes no pepper/);
  });

  it('consumer keys are random public identifiers', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => randomIdentifier(cryptoRandom)));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[0-9A-Za-z]{28}$/);
  });
});
