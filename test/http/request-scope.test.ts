import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { RequestScopedStorage } from '../../src/http/request-scope.ts';

describe('request-scoped storage (the audit context, propagation receipts)', () => {
  it('keeps each request its own value across awaits, and is switched off once no request is in one (also after an abort)', async () => {
    const storage = new RequestScopedStorage<string>();
    const handle = (value: string, response: EventEmitter, delayMs: number) =>
      new Promise<Array<string | undefined>>((resolve) =>
        storage.enter(value, response, () => {
          void (async () => {
            const seen = [storage.getStore()];
            await sleep(delayMs);
            seen.push(storage.getStore());
            await Promise.resolve();
            seen.push(storage.getStore());
            resolve(seen);
          })();
        }),
      );
    const [a, b] = [new EventEmitter(), new EventEmitter()];
    // Work a request left behind (a timer) sees its value while the storage is on, nothing once it is off.
    let late: Promise<string | undefined> = Promise.resolve(undefined);
    const held = new EventEmitter();
    storage.enter('left-behind', held, () => {
      late = new Promise((resolve) => setTimeout(() => resolve(storage.getStore()), 100));
    });
    const [seenA, seenB] = await Promise.all([handle('10.0.0.1', a, 20), handle('10.0.0.2', b, 5)]);
    expect(seenA).toEqual(['10.0.0.1', '10.0.0.1', '10.0.0.1']);
    expect(seenB).toEqual(['10.0.0.2', '10.0.0.2', '10.0.0.2']);
    expect(storage.requestsInScope).toBe(3);
    a.emit('close'); // answered
    expect(storage.requestsInScope).toBe(2);
    b.emit('close'); // aborted: 'close' without a finished response counts the same
    expect(storage.requestsInScope).toBe(1);
    expect(await late).toBe('left-behind'); // its request has not closed: still on
    held.emit('close');
    expect(storage.requestsInScope).toBe(0);
    const leftBehind = new EventEmitter();
    let later: Promise<string | undefined> = Promise.resolve('unset');
    storage.enter('left-behind', leftBehind, () => {
      later = new Promise((resolve) => setTimeout(() => resolve(storage.getStore()), 100));
    });
    leftBehind.emit('close');
    expect(storage.requestsInScope).toBe(0);
    expect(await later).toBeUndefined(); // every request closed: the storage is off
    // The next request turns it on again.
    expect(await handle('10.0.0.3', new EventEmitter(), 1)).toEqual(['10.0.0.3', '10.0.0.3', '10.0.0.3']);
  });
});
