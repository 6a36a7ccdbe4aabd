import pino, { type Logger } from 'pino';

/** Lines are written in batches of at least this many bytes (about 20 access lines), or every FLUSH_INTERVAL_MS. */
const BUFFER_BYTES = 4096;
const FLUSH_INTERVAL_MS = 1000;

/**
 * JSON logs on stdout, written asynchronously: log calls append to a buffer that goes out in batches
 * instead of one blocking write per line. The buffer is written at least every second, and
 * synchronously when the process exits, also on an uncaught exception or an unhandled rejection;
 * only a kill -9 loses the last second.
 *
 * Request logging never includes headers, bodies or query strings; these paths are redacted as a
 * second line of defence should a secret ever reach a log call (S03).
 */
export function createLogger(level: string): Logger {
  const destination = pino.destination({ dest: 1, sync: false, minLength: BUFFER_BYTES });
  setInterval(() => {
    try {
      destination.flush();
    } catch {
      // The destination was closed: nothing is left to write.
    }
  }, FLUSH_INTERVAL_MS).unref();
  return pino(
    {
      level,
      base: { service: 'gatehouse' },
      redact: {
        paths: [
          'password',
          '*.password',
          'secret',
          '*.secret',
          'token',
          '*.token',
          'authorization',
          '*.authorization',
          'headers.authorization',
          'headers.cookie',
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers.apikey',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
