import { CREDENTIAL_PREFIXES, credentialStart, parseCredential, type CredentialKind } from '../core/credentials.ts';

/**
 * How a Gatehouse credential looks in text: a type prefix, 43 base62 characters of randomness and 6
 * base62 characters of CRC32 (src/core/credentials.ts). The pattern finds candidates in one pass; the
 * checksum then decides, so a look-alike with the right prefix and length never counts as a finding.
 */

const KINDS = Object.keys(CREDENTIAL_PREFIXES) as CredentialKind[];
/** Body (43) + checksum (6). */
export const CREDENTIAL_TAIL_LENGTH = 49;
/** The longest credential (`gak_prod_` + 49): what a chunked reader must carry over between chunks. */
export const MAX_CREDENTIAL_LENGTH = Math.max(...Object.values(CREDENTIAL_PREFIXES).map((p) => p.length)) + CREDENTIAL_TAIL_LENGTH;

const prefixAlternation = Object.values(CREDENTIAL_PREFIXES)
  .map((p) => p.slice(0, -1)) // every prefix ends in `_`, written once after the group
  .sort((a, b) => b.length - a.length)
  .join('|');

/**
 * The published pattern (README, detect/gitleaks.toml, detect/trufflehog.yaml): RE2-compatible, so
 * gitleaks and trufflehog (Go regexp) compile it as JavaScript does. It cannot check the CRC32.
 */
export const PUBLISHED_PATTERN_SOURCE = `\\b(?:${prefixAlternation})_[0-9A-Za-z]{${CREDENTIAL_TAIL_LENGTH}}\\b`;

/** One published pattern per kind, for tools that label findings by rule. */
export const PUBLISHED_PATTERNS_BY_KIND: Readonly<Record<CredentialKind, string>> = Object.fromEntries(
  KINDS.map((kind) => [kind, `\\b${CREDENTIAL_PREFIXES[kind]}[0-9A-Za-z]{${CREDENTIAL_TAIL_LENGTH}}\\b`]),
) as Record<CredentialKind, string>;

/**
 * The scanner's own pattern: the published one without the leading `\b` (checked by hand below), so
 * V8 starts from the literal `g` of every prefix.
 */
const CANDIDATE = new RegExp(`(?:${prefixAlternation})_[0-9A-Za-z]{${CREDENTIAL_TAIL_LENGTH}}`, 'g');

const isWordByte = (code: number): boolean =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;

export interface CredentialMatch {
  kind: CredentialKind;
  value: string;
  /** Offset of the first character in the text scanned. */
  index: number;
}

/**
 * Every well-formed credential in `text` (decoded as latin1, so offsets are byte offsets): word
 * boundaries on both sides, then prefix, length, alphabet and checksum (parseCredential).
 */
export function findCredentials(text: string): CredentialMatch[] {
  const found: CredentialMatch[] = [];
  CANDIDATE.lastIndex = 0;
  for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    if (start > 0 && isWordByte(text.charCodeAt(start - 1))) continue;
    if (end < text.length && isWordByte(text.charCodeAt(end))) continue;
    const kind = parseCredential(m[0], KINDS);
    if (kind) found.push({ kind, value: m[0], index: start });
  }
  return found;
}

/** What may be shown of a credential: its prefix and four characters ("gak_prod_4fQz…"), never more. */
export function redact(value: string): string {
  return `${credentialStart(value)}…`;
}

/** Human names of the kinds, for reports and SARIF rules. */
export const KIND_TITLES: Readonly<Record<CredentialKind, string>> = {
  consumerSecret: 'Gatehouse OAuth2 consumer secret',
  accessToken: 'Gatehouse opaque access token',
  refreshToken: 'Gatehouse refresh token',
  authorizationCode: 'Gatehouse authorization code',
  apiKeyProduction: 'Gatehouse production API key',
  apiKeySandbox: 'Gatehouse sandbox API key',
  session: 'Gatehouse portal session',
};

export const CREDENTIAL_KINDS: readonly CredentialKind[] = KINDS;
