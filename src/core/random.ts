import { randomFillSync, randomUUID } from 'node:crypto';

/** Randomness comes in as a port; production always uses the CSPRNG. */
export interface Random {
  bytes(length: number): Buffer;
  uuid(): string;
}

const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let offset = POOL_SIZE;

/** Draws from a pool refilled by the CSPRNG 4 KiB at a time: one syscall per ~128 credentials. */
function pooledBytes(length: number): Buffer {
  if (length > POOL_SIZE) return randomFillSync(Buffer.alloc(length));
  if (offset + length > POOL_SIZE) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_SIZE));
    offset = 0;
  }
  const out = Buffer.from(pool.subarray(offset, offset + length));
  pool.fill(0, offset, offset + length);
  offset += length;
  return out;
}

export const cryptoRandom: Random = {
  bytes: pooledBytes,
  uuid: () => randomUUID(),
};
