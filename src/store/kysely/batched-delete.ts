import { setImmediate as nextTurn } from 'node:timers/promises';
import type { PurgeLimits } from '../ports.ts';

export const DEFAULT_BATCH_SIZE = 5000;
export const DEFAULT_MAX_BATCHES = 20;

/**
 * Runs `deleteBatch(limit)` (one DELETE of at most `limit` rows, its own short transaction) until a
 * batch comes back short or `maxBatches` have run: no purge holds one huge transaction or runs
 * unbounded, and whatever is left waits for the next call. Between batches the event loop turns, so
 * requests on the same process (SQLite runs statements synchronously) are served in between.
 */
export async function deleteInBatches(limits: PurgeLimits, deleteBatch: (limit: number) => Promise<{ numDeletedRows: bigint }>): Promise<number> {
  const batchSize = limits.batchSize ?? DEFAULT_BATCH_SIZE;
  const maxBatches = limits.maxBatches ?? DEFAULT_MAX_BATCHES;
  let total = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const deleted = Number((await deleteBatch(batchSize)).numDeletedRows);
    total += deleted;
    if (deleted < batchSize) break;
    await nextTurn();
  }
  return total;
}
