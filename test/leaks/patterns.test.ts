import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CREDENTIAL_PREFIXES, mintCredential, parseCredential, type CredentialKind } from '../../src/core/credentials.ts';
import { cryptoRandom } from '../../src/core/random.ts';
import { PUBLISHED_PATTERNS_BY_KIND, PUBLISHED_PATTERN_SOURCE, findCredentials } from '../../src/leaks/credential-pattern.ts';
import { runScan } from './cli.ts';

/** The published detection rules (README, detect/gitleaks.toml, detect/trufflehog.yaml) against real credentials and look-alikes. */

const ROOT = join(import.meta.dirname, '../..');
const KINDS = Object.keys(CREDENTIAL_PREFIXES) as CredentialKind[];
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const randomBase62 = (length: number) => [...randomBytes(length)].map((b) => BASE62[b % 62]).join('');

/** The rules as the tools read them: (id, regex) pairs from each file. */
function gitleaksRules(): Array<{ id: string; regex: string; keyword: string }> {
  const text = readFileSync(join(ROOT, 'detect/gitleaks.toml'), 'utf8');
  return [...text.matchAll(/id = "([^"]+)"\n[^\n]*\nregex = '''([^']+)'''\n[^\n]*\nkeywords = \["([^"]+)"\]/g)].map((m) => ({ id: m[1]!, regex: m[2]!, keyword: m[3]! }));
}
function trufflehogRules(): Array<{ id: string; regex: string; keyword: string }> {
  const text = readFileSync(join(ROOT, 'detect/trufflehog.yaml'), 'utf8');
  return [...text.matchAll(/- name: (\S+)\n\s+keywords:\n\s+- (\S+)\n\s+regex:\n\s+secret: '([^']+)'/g)].map((m) => ({ id: m[1]!, keyword: m[2]!, regex: m[3]! }));
}

/** The RE2 subset Go's regexp (gitleaks, trufflehog) accepts: no lookaround, no backreferences. */
const isRe2Subset = (source: string) => !/\(\?[=!<]|\\[1-9]|\\k</.test(source);

/** Right prefix and length, base62, wrong checksum: what a regex cannot tell from a credential. */
function wrongChecksumLookalikes(count: number): string[] {
  const out: string[] = [];
  while (out.length < count) {
    const prefix = CREDENTIAL_PREFIXES[KINDS[out.length % KINDS.length]!];
    const candidate = prefix + randomBase62(49);
    if (!parseCredential(candidate, KINDS)) out.push(candidate);
  }
  return out;
}

/** Near misses the regex itself must reject: wrong length, prefix, alphabet or boundaries. */
function nearMisses(count: number): string[] {
  const shapes = [
    (p: string) => p + randomBase62(48),
    (p: string) => p + randomBase62(50),
    (p: string) => p.toUpperCase() + randomBase62(49),
    (p: string) => p.replace('_', '-') + randomBase62(49),
    (p: string) => `x${p}${randomBase62(49)}`,
    (p: string) => `${p}${randomBase62(49)}_x`,
    (p: string) => `${p}${randomBase62(24)}-${randomBase62(24)}`,
    (p: string) => `${p.slice(0, -1)}x_${randomBase62(49)}`,
    (_: string) => `gak_dev_${randomBase62(49)}`,
  ];
  return Array.from({ length: count }, (_, i) => shapes[i % shapes.length]!(CREDENTIAL_PREFIXES[KINDS[i % KINDS.length]!]));
}

describe('published detection patterns', () => {
  const files = { gitleaks: gitleaksRules(), trufflehog: trufflehogRules() };

  it('the shipped gitleaks and trufflehog rules are the patterns the scanner publishes, one per credential kind, RE2-compatible', () => {
    for (const rules of Object.values(files)) {
      expect(rules.map((r) => r.keyword)).toEqual(KINDS.map((k) => CREDENTIAL_PREFIXES[k]));
      rules.forEach((rule, i) => expect(rule.regex.replace('(', '').replace(')\\b', '\\b')).toBe(PUBLISHED_PATTERNS_BY_KIND[KINDS[i]!]));
      for (const rule of rules) expect(isRe2Subset(rule.regex), rule.id).toBe(true);
    }
    expect(isRe2Subset(PUBLISHED_PATTERN_SOURCE)).toBe(true);
  });

  it('each rule matches every credential of its kind the project mints (100 each), and no other kind', () => {
    for (const rules of Object.values(files)) {
      rules.forEach((rule, i) => {
        const re = new RegExp(rule.regex, 'g');
        for (const kind of KINDS) {
          for (let n = 0; n < 100; n++) {
            const value = mintCredential(kind, cryptoRandom);
            const matches = [...`export TOKEN="${value}"\n`.matchAll(re)].map((m) => m[1]);
            expect(matches, `${rule.id} on ${kind}`).toEqual(kind === KINDS[i] ? [value] : []);
          }
        }
      });
    }
  });

  it('the rules match nothing in 10,000 near misses (wrong length, prefix, case, alphabet or boundaries)', () => {
    const corpus = nearMisses(10_000).join('\n');
    for (const rule of [...files.gitleaks, ...files.trufflehog]) expect(corpus.match(new RegExp(rule.regex, 'g')), rule.id).toBeNull();
    expect(corpus.match(new RegExp(PUBLISHED_PATTERN_SOURCE, 'g'))).toBeNull();
  });

  it('10,000 look-alikes with a wrong checksum: the regex cannot tell (documented), the scanner finds none', async () => {
    const lookalikes = wrongChecksumLookalikes(10_000);
    const text = lookalikes.join('\n');
    expect(text.match(new RegExp(PUBLISHED_PATTERN_SOURCE, 'g'))).toHaveLength(10_000);
    expect(findCredentials(text)).toEqual([]);

    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-lookalikes-'));
    writeFileSync(join(dir, 'lookalikes.txt'), `${text}\n${nearMisses(10_000).join('\n')}\n`);
    const res = await runScan([dir]);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('0 credential(s) found');
    expect(res.status).toBe(0);
    rmSync(dir, { recursive: true });
  }, 60_000);
});
