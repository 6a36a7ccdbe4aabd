import {
  calculateJwkThumbprint,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  importPKCS8,
  type CryptoKey,
  type JWK,
} from 'jose';
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
  privateKey: CryptoKey;
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
      this.active = { kid: active.kid, alg: active.alg, privateKey: await importPKCS8(pem, active.alg) };
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
