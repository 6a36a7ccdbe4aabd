import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

/** A key that signs leak reports; GitHub names each with an identifier sent beside the signature. */
export interface ReportKey {
  identifier: string | null;
  key: KeyObject;
}

const PEM_BLOCK = /-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g;

/**
 * GATEHOUSE_LEAK_REPORT_KEYS: a file path or the text itself, holding either PEM public keys or the
 * document GitHub serves at https://api.github.com/meta/public_keys/secret_scanning
 * (`{"public_keys":[{"key_identifier","key","is_current"}]}`), saved by the operator: nothing is fetched.
 */
export function parseReportKeys(setting: string): ReportKey[] {
  const text = !setting.includes('\n') && !setting.trimStart().startsWith('{') && existsSync(setting) ? readFileSync(setting, 'utf8') : setting;
  const entries: Array<{ identifier: string | null; pem: string }> = text.trimStart().startsWith('{')
    ? ((JSON.parse(text) as { public_keys?: Array<{ key_identifier?: string; key?: string }> }).public_keys ?? []).map((k) => ({
        identifier: k.key_identifier ?? null,
        pem: String(k.key ?? ''),
      }))
    : [...text.matchAll(PEM_BLOCK)].map((m) => ({ identifier: null, pem: m[0] }));
  const keys = entries.map(({ identifier, pem }) => {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new Error('leak report keys must be ECDSA P-256 public keys');
    }
    return { identifier, key };
  });
  if (keys.length === 0) throw new Error('no public key found in GATEHOUSE_LEAK_REPORT_KEYS');
  return keys;
}

/**
 * GitHub's scheme: an ECDSA P-256 / SHA-256 signature (ASN.1 DER, base64) over the raw request body,
 * made with the key named by the identifier header. A key configured without an identifier (plain
 * PEM) is tried whatever the header says.
 */
export function verifyReport(keys: readonly ReportKey[], body: Buffer, identifier: string, signatureBase64: string): boolean {
  const signature = Buffer.from(signatureBase64, 'base64');
  if (signature.length === 0 || signature.length > 80) return false;
  return keys.some((k) => (k.identifier === null || k.identifier === identifier) && verify('sha256', body, { key: k.key, dsaEncoding: 'der' }, signature));
}
