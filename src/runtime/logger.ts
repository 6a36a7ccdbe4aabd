import pino, { type Logger } from 'pino';

/**
 * JSON logs. Request logging never includes headers, bodies or query strings; these paths are
 * redacted as a second line of defence should a secret ever reach a log call (S03).
 */
export function createLogger(level: string): Logger {
  return pino({
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
  });
}
