import { AsyncLocalStorage } from 'node:async_hooks';

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
 * every service signature (the same mechanism as @fastify/request-context). One per process.
 */
export class AuditContext {
  private readonly storage = new AsyncLocalStorage<AuditScope>();

  run<T>(scope: AuditScope, work: () => T): T {
    return this.storage.run({ ...this.storage.getStore(), ...scope }, work);
  }

  current(): AuditScope {
    return this.storage.getStore() ?? { sourceIp: null };
  }
}
