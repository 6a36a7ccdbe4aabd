import { randomBytes, randomUUID } from 'node:crypto';

/** Randomness comes in as a port; production always uses the CSPRNG. */
export interface Random {
  bytes(length: number): Buffer;
  uuid(): string;
}

export const cryptoRandom: Random = {
  bytes: (length) => randomBytes(length),
  uuid: () => randomUUID(),
};
