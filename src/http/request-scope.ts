import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * An AsyncLocalStorage for values that live as long as a request, enabled only while a request is in
 * one. On Node 20 an enabled storage installs a process-wide async-hooks init hook, so every promise
 * and tick in the process pays for it — in a `--role all` process the gateway's too, after the control
 * plane's first request. Requests enter through `enter`; once the last one's response has closed
 * (answered or aborted) the storage is disabled until the next.
 */
export class RequestScopedStorage<T> {
  private readonly storage = new AsyncLocalStorage<T>();
  private requests = 0;

  /** Runs the rest of a request (`next`) with `value`; the request counts until `response` closes. */
  enter(value: T, response: { once(event: 'close', listener: () => void): unknown }, next: () => void): void {
    this.requests++;
    response.once('close', () => {
      if (--this.requests === 0) this.storage.disable();
    });
    this.storage.run(value, next);
  }

  /** Runs `work` with `value` outside a request's bookkeeping (a CLI command, a nested scope). */
  run<R>(value: T, work: () => R): R {
    return this.storage.run(value, work);
  }

  getStore(): T | undefined {
    return this.storage.getStore();
  }

  /** Requests in scope now (while 0, the storage is disabled). */
  get requestsInScope(): number {
    return this.requests;
  }
}
