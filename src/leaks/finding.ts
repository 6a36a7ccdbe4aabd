import { hash } from 'node:crypto';
import type { CredentialKind } from '../core/credentials.ts';
import { redact, type CredentialMatch } from './credential-pattern.ts';

/** Where a credential was found: a file on disk, or a blob of a git commit. */
export type FindingLocation =
  | { source: 'file'; path: string; line: number; column: number }
  | { source: 'git'; commit: string; path: string; line: number; column: number }
  /** A file as staged in git's index (`scan --staged`, the pre-commit hook). */
  | { source: 'staged'; path: string; line: number; column: number };

/**
 * One credential found at one place. It never holds the credential: only its kind, a displayable
 * start and its SHA-256 (what `--check` sends; a 256-bit random value cannot be recovered from it).
 */
export interface Finding {
  kind: CredentialKind;
  redacted: string;
  sha256: string;
  location: FindingLocation;
}

export function findingOf(match: CredentialMatch, location: FindingLocation): Finding {
  return { kind: match.kind, redacted: redact(match.value), sha256: hash('sha256', match.value, 'hex'), location };
}

export function describeLocation(location: FindingLocation): string {
  const at = `${location.path}:${location.line}:${location.column}`;
  return location.source === 'git' ? `${location.commit.slice(0, 12)}:${at}` : location.source === 'staged' ? `(staged) ${at}` : at;
}
