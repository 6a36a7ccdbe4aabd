import { CREDENTIAL_PREFIXES, type CredentialKind } from '../core/credentials.ts';
import { CREDENTIAL_KINDS, KIND_TITLES } from './credential-pattern.ts';
import { describeLocation, type Finding } from './finding.ts';

/** What `--check` learned about one credential (by its SHA-256). */
export type LiveStatus = 'live' | 'inactive' | 'unknown' | 'unverifiable' | 'revoked';

export interface ScanResult {
  findings: Finding[];
  /** Present after `--check`: status by SHA-256. */
  status?: ReadonlyMap<string, LiveStatus>;
}

const ruleId = (kind: CredentialKind) => `gatehouse/${kind}`;

/** One line per finding: location, kind, the redacted value and, after `--check`, its status. */
export function formatText(result: ScanResult): string {
  return result.findings
    .map((f) => {
      const status = result.status?.get(f.sha256);
      return `${describeLocation(f.location)}: ${KIND_TITLES[f.kind]} ${f.redacted}${status ? ` [${status}]` : ''}\n`;
    })
    .join('');
}

export function formatJson(result: ScanResult): string {
  const findings = result.findings.map((f) => ({
    type: f.kind,
    prefix: CREDENTIAL_PREFIXES[f.kind],
    redacted: f.redacted,
    sha256: f.sha256,
    ...f.location,
    ...(result.status && { status: result.status.get(f.sha256) ?? 'unknown' }),
  }));
  return `${JSON.stringify({ findings }, null, 2)}\n`;
}

/**
 * SARIF 2.1.0 (OASIS), as GitHub code scanning reads it: one rule per credential kind, one result per
 * finding, with a partial fingerprint (the credential's SHA-256) so a finding keeps its identity as
 * lines move. Findings in history carry the commit in `properties` and in the message.
 */
export function formatSarif(result: ScanResult): string {
  const rules = CREDENTIAL_KINDS.map((kind) => ({
    id: ruleId(kind),
    name: kind,
    shortDescription: { text: `${KIND_TITLES[kind]} (${CREDENTIAL_PREFIXES[kind]}…)` },
    fullDescription: { text: `A ${KIND_TITLES[kind]} with a valid checksum. Revoke it and issue a replacement.` },
    defaultConfiguration: { level: 'error' },
    properties: { tags: ['security', 'secret'], precision: 'very-high', 'security-severity': '9.0' },
  }));
  const results = result.findings.map((f) => {
    const status = result.status?.get(f.sha256);
    const where = f.location.source === 'git' ? ` in commit ${f.location.commit}` : f.location.source === 'staged' ? ' (staged)' : '';
    return {
      ruleId: ruleId(f.kind),
      ruleIndex: CREDENTIAL_KINDS.indexOf(f.kind),
      level: 'error',
      message: { text: `${KIND_TITLES[f.kind]} ${f.redacted}${where}${status ? ` (${status})` : ''}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: f.location.path.split('\\').join('/') }, region: { startLine: f.location.line, startColumn: f.location.column } } }],
      partialFingerprints: { 'gatehouseCredentialSha256/v1': f.sha256 },
      properties: { ...(f.location.source === 'git' && { commit: f.location.commit }), ...(status && { status }) },
    };
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'gatehouse-scan', rules } }, results }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
