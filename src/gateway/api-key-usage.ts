import type { Logger } from 'pino';
import type { ApiKeyRepo } from '../store/ports.ts';

/**
 * API keys' last-used times, recorded in memory on the request path and written to the store in
 * batches off it (housekeeping, STYLE "Patterns worth copying").
 */
export class ApiKeyUsage {
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: { apiKeys: ApiKeyRepo; log: Logger; flushIntervalMs: number }) {}

  record(keyId: string, at: number): void {
    this.pending.set(keyId, at);
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.deps.flushIntervalMs);
    this.timer.unref();
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.deps.apiKeys.touchLastUsed(batch);
    } catch (error) {
      this.deps.log.warn({ err: error }, 'could not record API key usage');
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
