/** Time comes in as a port so every expiry rule can be tested with a frozen clock. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export const seconds = (ms: number): number => Math.floor(ms / 1000);
