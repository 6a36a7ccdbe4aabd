import type { CredentialKind } from '../core/credentials.ts';
import type { LiveStatus } from './scan-report.ts';

export class LeakCheckError extends Error {}

export interface HashedCredential {
  sha256: string;
  type: CredentialKind;
}

/** Credentials per request: the server caps a body at this many. */
const BATCH = 500;

/**
 * `gatehouse scan --check/--revoke` against the admin REST API (`/api/am/admin/v4/leaks/…`). Only
 * SHA-256 hashes of the credentials leave this process, never the credentials.
 */
export class LeakCheckClient {
  private readonly base: string;

  constructor(
    server: string,
    private readonly token: string,
  ) {
    this.base = `${server.replace(/\/+$/, '')}/api/am/admin/v4/leaks`;
  }

  async check(credentials: readonly HashedCredential[]): Promise<Map<string, LiveStatus>> {
    const status = new Map<string, LiveStatus>();
    for (let i = 0; i < credentials.length; i += BATCH) {
      const body = (await this.post('/check', { credentials: credentials.slice(i, i + BATCH) })) as { list: Array<{ sha256: string; status: LiveStatus }> };
      for (const entry of body.list) status.set(entry.sha256, entry.status);
    }
    return status;
  }

  /** Returns the hashes the server revoked. */
  async revoke(credentials: readonly HashedCredential[], url: string): Promise<string[]> {
    const revoked: string[] = [];
    for (let i = 0; i < credentials.length; i += BATCH) {
      const body = (await this.post('/revoke', { credentials: credentials.slice(i, i + BATCH), url })) as { list: Array<{ sha256: string; revoked: boolean }> };
      revoked.push(...body.list.filter((e) => e.revoked).map((e) => e.sha256));
    }
    return revoked;
  }

  private async post(path: string, body: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(this.base + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
      });
    } catch (error) {
      throw new LeakCheckError(`cannot reach ${this.base}: ${(error as Error).message}`);
    }
    if (!response.ok) {
      const detail = await response.text().catch(() => '');
      throw new LeakCheckError(`${this.base}${path} answered ${response.status}${detail ? `: ${detail.slice(0, 300)}` : ''}`);
    }
    return response.json();
  }
}
