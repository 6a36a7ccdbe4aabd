import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, type JWK } from 'jose';
import type { Changes } from './changes.ts';
import type { Clock } from './clock.ts';
import { UniqueViolation } from './errors.ts';
import type { PublicSigningKey } from './events.ts';
import type { KeyPurpose, SigningAlgorithm, SigningKey } from './model.ts';
import type { SecretBox } from './secret-box.ts';
import type { Store } from '../store/ports.ts';

export interface ActiveKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: KeyObject;
  /** Signs a JWT with this key (JWS compact serialisation); the header gets `alg` first and `kid` last. */
  signJwt(header: { typ: string }, payload: Record<string, unknown>): Promise<string>;
}

/** How node:crypto signs for each JWS algorithm: RS256 PKCS#1 v1.5, ES256 as r||s (RFC 7518 §3.4), EdDSA (RFC 8037). */
const SIGNERS: Record<SigningAlgorithm, { digest: string | null; dsaEncoding?: 'ieee-p1363' }> = {
  RS256: { digest: 'sha256' },
  ES256: { digest: 'sha256', dsaEncoding: 'ieee-p1363' },
  EdDSA: { digest: null },
};

const base64url = (json: unknown) => Buffer.from(JSON.stringify(json)).toString('base64url');

/**
 * The signing half of a JWT, on node:crypto's callback API: the signature runs on libuv's pool as
 * WebCrypto's does, without WebCrypto's promise and key-wrapping layers (jose's SignJWT cost 360–500 µs
 * of CPU per RS256 token against 340–440 µs this way, pinned to one core). Verification stays with jose.
 */
function activeKey(kid: string, alg: SigningAlgorithm, key: KeyObject): ActiveKey {
  const { digest, dsaEncoding } = SIGNERS[alg];
  const signingKey = dsaEncoding ? { key, dsaEncoding } : key;
  return {
    kid,
    alg,
    privateKey: key,
    signJwt: (header, payload) => {
      const input = `${base64url({ alg, ...header, kid })}.${base64url(payload)}`;
      return new Promise((resolve, reject) => {
        sign(digest, Buffer.from(input), signingKey, (error, signature) => (error ? reject(error) : resolve(`${input}.${signature.toString('base64url')}`)));
      });
    },
  };
}

export const toPublic = ({ privateKeyEnc: _secret, ...key }: SigningKey): PublicSigningKey => key;

export function publicJwk(key: PublicSigningKey): JWK {
  return { ...key.publicJwk, kid: key.kid, alg: key.alg, use: 'sig' };
}

interface KeyRingDeps {
  store: Store;
  changes: Changes;
  box: SecretBox;
  clock: Clock;
  algorithm: SigningAlgorithm;
  purpose: KeyPurpose;
}

/**
 * Signing keys of one purpose (the Key Manager's access tokens, or the gateway's backend JWTs): one active key signs; retired keys stay published in the JWKS until
 * no live token signed with them remains (J01). Private keys exist in plaintext only in memory.
 */
export class KeyRing {
  private active: ActiveKey | null = null;
  private published: PublicSigningKey[] = [];
  private loading: Promise<void> | null = null;

  constructor(private readonly deps: KeyRingDeps) {}

  /** Loads keys, generating the first one if there is none: exactly one even when racing (C05). */
  ensureLoaded(): Promise<void> {
    this.loading ??= this.loadOrCreate().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  signingKey(): ActiveKey {
    if (!this.active) throw new Error('signing keys are not loaded');
    return this.active;
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.published.map(publicJwk) };
  }

  publicKeys(): readonly PublicSigningKey[] {
    return this.published;
  }

  /** Makes a new key active; the old one keeps verifying. */
  async rotate(): Promise<PublicSigningKey> {
    const key = await this.generate();
    await this.deps.changes.run(async (tx, emit) => {
      await tx.signingKeys.retireActive(this.deps.purpose, this.deps.clock.now());
      await tx.signingKeys.create(key);
      for (const k of await tx.signingKeys.list(this.deps.purpose)) emit({ type: 'signing-key.saved', key: toPublic(k) });
    });
    await this.reload();
    return toPublic(key);
  }

  /** Removes retired keys that no live token needs any more; returns their kids. */
  async prune(): Promise<string[]> {
    const removed: string[] = [];
    const now = this.deps.clock.now();
    for (const key of await this.deps.store.signingKeys.list(this.deps.purpose)) {
      if (key.status !== 'retired') continue;
      const live = await this.deps.store.tokens.liveTokenExpiriesForKid(key.kid, now);
      if (live.count === 0) {
        await this.remove(key.kid);
        removed.push(key.kid);
      }
    }
    return removed;
  }

  /** Removes a retired key at once: tokens it signed stop verifying. */
  async remove(kid: string): Promise<boolean> {
    const key = (await this.deps.store.signingKeys.list(this.deps.purpose)).find((k) => k.kid === kid);
    if (!key) return false;
    if (key.status === 'active') throw new Error('the active signing key cannot be removed; rotate first');
    await this.deps.changes.run(async (tx, emit) => {
      await tx.signingKeys.delete(kid);
      emit({ type: 'signing-key.deleted', kid });
    });
    await this.reload();
    return true;
  }

  /** Re-reads keys after another process changed them. */
  async reload(): Promise<void> {
    const keys = await this.deps.store.signingKeys.list(this.deps.purpose);
    const active = keys.find((k) => k.status === 'active');
    this.published = keys.map(toPublic);
    if (active && active.kid !== this.active?.kid) {
      const pem = this.deps.box.open(active.privateKeyEnc);
      this.active = activeKey(active.kid, active.alg, createPrivateKey(pem));
    }
  }

  private async loadOrCreate(): Promise<void> {
    await this.reload();
    if (this.active) return;
    const key = await this.generate();
    try {
      await this.deps.changes.run(async (tx, emit) => {
        await tx.signingKeys.create(key);
        emit({ type: 'signing-key.saved', key: toPublic(key) });
      });
    } catch (error) {
      if (!(error instanceof UniqueViolation)) throw error; // another process generated it first
    }
    await this.reload();
  }

  private async generate(): Promise<SigningKey> {
    const alg = this.deps.algorithm;
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' && { crv: 'Ed25519' }) });
    const jwk = await exportJWK(publicKey);
    return {
      kid: await calculateJwkThumbprint(jwk),
      purpose: this.deps.purpose,
      alg,
      publicJwk: jwk as Record<string, unknown>,
      privateKeyEnc: this.deps.box.seal(await exportPKCS8(privateKey)),
      status: 'active',
      createdAt: this.deps.clock.now(),
      retiredAt: null,
    };
  }
}
