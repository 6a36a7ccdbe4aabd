import { RequestScopedStorage } from '../http/request-scope.ts';

/** What the audit log knows about the call under way: where it came from and, when not the owner, who made it. */
export interface AuditScope {
  sourceIp: string | null;
  /** Set by callers acting for someone else (a leak report: `github`); else the owner is the actor. */
  actor?: string;
  /** The caller records its own events (LeakService): the service wrappers stay silent. */
  silent?: boolean;
}

/**
 * Carries the request's address to the audit log through async calls without threading it through
 * every service signature (the same mechanism as @fastify/request-context). One per process. The
 * control plane enters its requests with `enterRequest`: the storage is enabled only while one is in
 * flight (see RequestScopedStorage: on Node 20 it would otherwise cost every promise in the process).
 */
export class AuditContext {
  private readonly storage = new RequestScopedStorage<AuditScope>();

  run<T>(scope: AuditScope, work: () => T): T {
    return this.storage.run({ ...this.storage.getStore(), ...scope }, work);
  }

  enterRequest(scope: AuditScope, response: { once(event: 'close', listener: () => void): unknown }, next: () => void): void {
    this.storage.enter(scope, response, next);
  }

  current(): AuditScope {
    return this.storage.getStore() ?? { sourceIp: null };
  }
}
