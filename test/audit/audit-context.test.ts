import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { AuditContext } from '../../src/audit/audit-context.ts';

describe('the audit context of control-plane requests', () => {
  it('keeps each request its own scope across awaits, and is switched off once no request is in one (also after an abort)', async () => {
    const context = new AuditContext();
    const handle = (ip: string, response: EventEmitter, delayMs: number) =>
      new Promise<string[]>((resolve) =>
        context.enterRequest({ sourceIp: ip }, response, () => {
          void (async () => {
            const seen = [context.current().sourceIp!];
            await sleep(delayMs);
            seen.push(context.current().sourceIp!);
            await Promise.resolve();
            seen.push(context.current().sourceIp!);
            resolve(seen);
          })();
        }),
      );
    const [a, b] = [new EventEmitter(), new EventEmitter()];
    const [seenA, seenB] = await Promise.all([handle('10.0.0.1', a, 20), handle('10.0.0.2', b, 5)]);
    expect(seenA).toEqual(['10.0.0.1', '10.0.0.1', '10.0.0.1']);
    expect(seenB).toEqual(['10.0.0.2', '10.0.0.2', '10.0.0.2']);
    expect(context.requestsInScope).toBe(2);
    a.emit('close'); // answered
    expect(context.requestsInScope).toBe(1);
    b.emit('close'); // aborted: 'close' without a finished response counts the same
    expect(context.requestsInScope).toBe(0);
    expect(context.current()).toEqual({ sourceIp: null });
    // The next request turns it on again.
    expect(await handle('10.0.0.3', new EventEmitter(), 1)).toEqual(['10.0.0.3', '10.0.0.3', '10.0.0.3']);
  });
});
