/**
 * Thrown by a store call that failed because the store could not be reached or did not answer in
 * time (a network partition, a restart, a timeout), as opposed to a failure of the call itself.
 *
 * `outcomeUnknown` is true when a change may or may not have been applied: the connection was lost,
 * or no answer came in time, after a COMMIT (of a transaction that wrote) or a single-statement write
 * was sent. It is false when nothing can have been applied: a read, a failure before the statement
 * was sent (no connection), a statement the server itself cancelled (statement timeout), or a lost
 * connection before COMMIT (the server rolls an unfinished transaction back).
 */
export class StoreUnavailable extends Error {
  override readonly name = 'StoreUnavailable';

  constructor(
    readonly outcomeUnknown: boolean,
    options: { cause: unknown },
  ) {
    super(outcomeUnknown ? 'the store stopped answering during a change: its outcome is unknown' : 'the store is unavailable', options);
  }
}
