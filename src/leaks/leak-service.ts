import type { Logger } from 'pino';
import type { AuditContext } from '../audit/audit-context.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { CredentialHasher, CredentialKind, HashingScheme } from '../core/credentials.ts';
import { CREDENTIAL_PREFIXES, parseCredential } from '../core/credentials.ts';
import type { Random } from '../core/random.ts';
import type { WebhookService } from '../webhooks/webhook-service.ts';
import { findCredential, type CredentialFinderDeps, type KnownCredential } from './credential-finder.ts';
import type { LiveStatus } from './scan-report.ts';

export type LeakAction = 'revoke' | 'flag';

export interface LeakServiceDeps extends CredentialFinderDeps {
  hasher: CredentialHasher;
  action: LeakAction;
  audit: AuditLog;
  auditContext: AuditContext;
  webhooks: WebhookService;
  random: Random;
  log: Logger;
}

/** Who reported or asked, for the audit log and the leak record. */
export interface LeakContext {
  actor: string;
  sourceIp: string | null;
  source: string;
  url: string | null;
}

const KINDS = Object.keys(CREDENTIAL_PREFIXES) as CredentialKind[];

/**
 * What happens to a credential found public: look it up by hash, record the leak, revoke it (or only
 * flag it, GATEHOUSE_LEAK_ACTION) through the service that owns it, audit it, tell webhooks.
 */
export class LeakService {
  constructor(private readonly deps: LeakServiceDeps) {}

  get hashScheme(): HashingScheme {
    return this.deps.hasher.scheme;
  }

  /**
   * `gatehouse scan --check`: the client sends SHA-256 hashes, which the default scheme (a pepper over
   * the SHA-256) and plain SHA-256 turn into the stored hash; under an HMAC of the credential itself
   * (stores made with GATEHOUSE_TOKEN_PEPPER before 0008) every answer is `unverifiable`.
   */
  async checkBySha256(items: ReadonlyArray<{ sha256: string; type: CredentialKind }>): Promise<Array<{ sha256: string; status: Exclude<LiveStatus, 'revoked'> }>> {
    return Promise.all(
      items.map(async ({ sha256, type }) => {
        const stored = this.deps.hasher.fromSha256(sha256);
        if (stored === null) return { sha256, status: 'unverifiable' as const };
        const found = await findCredential(this.deps, type, stored);
        return { sha256, status: found ? (found.live ? ('live' as const) : ('inactive' as const)) : ('unknown' as const) };
      }),
    );
  }

  /** `gatehouse scan --revoke`: revokes the live ones among the hashes; returns which were revoked. */
  async revokeBySha256(items: ReadonlyArray<{ sha256: string; type: CredentialKind }>, context: LeakContext): Promise<Array<{ sha256: string; revoked: boolean }>> {
    const out: Array<{ sha256: string; revoked: boolean }> = [];
    for (const { sha256, type } of items) {
      const stored = this.deps.hasher.fromSha256(sha256);
      const found = stored === null ? null : await findCredential(this.deps, type, stored);
      out.push({ sha256, revoked: found ? await this.respond(found, context, 'revoke') : false });
    }
    return out;
  }

  /**
   * A raw credential reported by a scanning partner. Returns whether it is one this server issued
   * (`true_positive`), whatever its state now, so a repeated report gets the same label. With
   * `act: false` (a replayed report) it only answers.
   */
  async reportRaw(value: string, context: LeakContext, options: { act: boolean } = { act: true }): Promise<{ kind: CredentialKind | null; issued: boolean }> {
    const kind = parseCredential(value, KINDS);
    if (!kind) return { kind: null, issued: false };
    const found = await findCredential(this.deps, kind, this.deps.hasher.hash(value));
    if (!found) return { kind, issued: false };
    if (options.act) await this.respond(found, context, this.deps.action);
    return { kind, issued: true };
  }

  /** Records, audits and notifies; revokes a live credential when `action` says so. True if it revoked. */
  private async respond(found: KnownCredential, context: LeakContext, action: LeakAction): Promise<boolean> {
    const { deps } = this;
    // This records its own events (with the reporter as actor); the service wrappers stay silent.
    const revoke = action === 'revoke' && found.live && (await deps.auditContext.run({ sourceIp: context.sourceIp, actor: context.actor, silent: true }, () => found.revoke()));
    const now = deps.clock.now();
    await deps.store.leaks.record({
      id: deps.random.uuid(),
      credentialType: found.kind,
      credentialId: found.identifier,
      credentialStart: found.start,
      applicationId: found.applicationId,
      ownerId: found.ownerId,
      url: context.url,
      source: context.source,
      reportedAt: now,
      action: revoke ? 'revoked' : found.live ? 'flagged' : 'already-inactive',
      revokedAt: revoke ? now : null,
    });
    const subject = { credentialType: found.kind, credentialId: found.identifier, applicationId: found.applicationId, ownerId: found.ownerId };
    const where = { source: context.source, ...(context.url && { url: context.url }) };
    deps.audit.record({ type: 'credential.leaked', actor: context.actor, sourceIp: context.sourceIp, ...subject, detail: where });
    const data = { ...subject, ...(found.start && { credentialStart: found.start }), ...where };
    await deps.webhooks.notify('credential.leaked', found.applicationId, { ...data, live: found.live });
    if (revoke) {
      deps.audit.record({ type: 'credential.revoked', actor: context.actor, sourceIp: context.sourceIp, ...subject, detail: { reason: 'leaked', ...where } });
      await deps.webhooks.notify('credential.revoked', found.applicationId, { ...data, reason: 'leaked' });
    }
    deps.log.warn({ event: 'credential.leaked', credentialType: found.kind, credentialId: found.identifier, applicationId: found.applicationId, revoked: revoke, source: context.source }, 'leaked credential reported');
    return revoke;
  }
}
