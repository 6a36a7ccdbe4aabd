import { hkdfSync, createHmac } from 'node:crypto';
import type { Config } from '../config/load.ts';
import { ConfigError } from '../config/load.ts';
import { CredentialHasher } from '../core/credentials.ts';
import type { Store } from '../store/ports.ts';

const SETTING = 'credential_hashing';

/**
 * What the store records about its credential hashes (issue 12): never the pepper, only which scheme
 * and a fingerprint that tells which pepper (from which secret) made them. `legacy` marks a store that
 * held credentials before migration 0008: hashed as before, by GATEHOUSE_TOKEN_PEPPER if set.
 */
export type HashingRecord = { scheme: 'legacy' } | { scheme: 'peppered-sha256'; pepper: 'configured' | 'system-secret'; fingerprint: string };

/** A pepper from a system secret: HKDF-SHA-256 with a fixed label, so the secret itself is never the key. */
function derivePepper(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'gatehouse', 'credential pepper v1', 32));
}

const configuredPepper = (config: Config): Buffer | null => (config.tokenPepper ? Buffer.from(config.tokenPepper) : null);

/** Names a pepper without revealing it. */
function fingerprint(pepper: Buffer): string {
  return createHmac('sha256', pepper).update('gatehouse credential pepper fingerprint').digest('hex').slice(0, 16);
}

/**
 * The store's hashing record; a new store gets the default here: peppered, with GATEHOUSE_TOKEN_PEPPER
 * if set, otherwise a pepper derived from the current system secret. Processes starting together on a
 * new store agree (the first record written stays).
 */
export async function credentialHashingRecord(store: Store, config: Config, secrets: readonly string[]): Promise<HashingRecord> {
  const stored = await store.settings.get(SETTING);
  if (stored) return JSON.parse(stored) as HashingRecord;
  const configured = configuredPepper(config);
  const chosen: HashingRecord = { scheme: 'peppered-sha256', pepper: configured ? 'configured' : 'system-secret', fingerprint: fingerprint(configured ?? derivePepper(secrets[0]!)) };
  return JSON.parse(await store.settings.setOnce(SETTING, JSON.stringify(chosen))) as HashingRecord;
}

/**
 * The hasher a record asks for, from this process's settings. A system-secret pepper is found among all
 * configured secrets (the fingerprint says which), so rotating GATEHOUSE_SECRETS keeps credentials valid
 * while the old secret is still listed; without it no credential could be verified, so this refuses to
 * start rather than refuse every credential.
 */
export function hasherFor(record: HashingRecord, config: Config, secrets: readonly string[]): CredentialHasher {
  const configured = configuredPepper(config);
  if (record.scheme === 'legacy') return configured ? new CredentialHasher('hmac-sha256', configured) : new CredentialHasher('sha256');
  const candidates = record.pepper === 'configured' ? (configured ? [configured] : []) : secrets.map(derivePepper);
  const pepper = candidates.find((p) => fingerprint(p) === record.fingerprint);
  if (pepper) return new CredentialHasher('peppered-sha256', pepper);
  throw new ConfigError(
    record.pepper === 'configured'
      ? `this store's credentials were hashed with a GATEHOUSE_TOKEN_PEPPER (fingerprint ${record.fingerprint}) that is not set or differs: set it as before`
      : `this store's credentials were hashed with a pepper derived from a system secret (fingerprint ${record.fingerprint}) that is not among the configured secrets: keep the old secret in GATEHOUSE_SECRETS (after the new one) or restore the system-secret file`,
  );
}
