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
 *
 * On Node 20 an enabled AsyncLocalStorage makes every promise and tick in the process pay for it (an
 * async-hooks init hook), the gateway's too when it shares the process (`--role all`). So a server
 * enters requests with `enterRequest`, which disables the storage again once no request is in one:
 * the hook is on only while control-plane requests are being handled.
 */
export class AuditContext {
  private readonly storage = new AsyncLocalStorage<AuditScope>();
  private requests = 0;

  run<T>(scope: AuditScope, work: () => T): T {
    return this.storage.run({ ...this.storage.getStore(), ...scope }, work);
  }

  /** Runs the rest of a request (`next`) in `scope`; the request counts until `response` closes (answered or aborted). */
  enterRequest(scope: AuditScope, response: { once(event: 'close', listener: () => void): unknown }, next: () => void): void {
    this.requests++;
    response.once('close', () => {
      if (--this.requests === 0) this.storage.disable();
    });
    this.run(scope, next);
  }

  /** Requests in a scope now (while 0, the storage is disabled). */
  get requestsInScope(): number {
    return this.requests;
  }

  current(): AuditScope {
    return this.storage.getStore() ?? { sourceIp: null };
  }
}
