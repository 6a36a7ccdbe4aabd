import { writeSync } from 'node:fs';
import pino, { type Logger } from 'pino';
import type { AccessLine } from '../http/server.ts';

/** Lines are written in batches of about this many bytes (about 90 access lines), or every FLUSH_INTERVAL_MS. */
const BATCH_BYTES = 16 * 1024;
const FLUSH_INTERVAL_MS = 1000;

/**
 * Log lines batched: a log call only appends the line to an array (no growing string, no byte counts:
 * pino's SonicBoom did both on every line; 3.3 against 1.8 µs of CPU a line, `npm run bench:log`);
 * once a batch is full it is joined and written in one call from a `setImmediate`, off the request that
 * filled it. Writes are synchronous, one batch at a time: lines land in order, and at
 * exit nothing is in flight that could land after (or instead of) the last lines. A full pipe (EAGAIN)
 * keeps the rest for a retry instead of blocking.
 */
export class LineWriter {
  private pending: string[] = [];
  private size = 0;
  private scheduled = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly fd: number,
    private readonly batchBytes = BATCH_BYTES,
  ) {}

  write(line: string): boolean {
    this.pending.push(line);
    this.size += line.length;
    if (this.size >= this.batchBytes && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    }
    return true;
  }

  /** Writes what is pending; what a full pipe does not take is retried shortly. */
  flush(): void {
    if (this.retry || this.pending.length === 0) return;
    const data = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.size = 0;
    const rest = this.writeOut(data);
    if (rest) {
      this.pending.unshift(rest.toString('utf8'));
      this.size += rest.length;
      this.retry = setTimeout(() => {
        this.retry = undefined;
        this.flush();
      }, 10).unref();
    }
  }

  /** At exit: everything pending, retrying a full pipe a bounded number of times. */
  flushSync(): void {
    clearTimeout(this.retry);
    this.retry = undefined;
    for (let attempts = 0; attempts < 1000 && this.pending.length > 0; attempts++) this.flush();
  }

  /** Writes as much as the fd takes; returns what is left (a full non-blocking pipe), or null. */
  private writeOut(data: Buffer): Buffer | null {
    let offset = 0;
    while (offset < data.length) {
      try {
        offset += writeSync(this.fd, data, offset);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return data.subarray(offset);
        return null; // stdout is gone: nothing more can be written
      }
    }
    return null;
  }
}

/** Every logger's writer, flushed synchronously at exit (one listener for all). */
const writers = new Set<LineWriter>();
/** The writer behind each logger made here, for lines written without pino (`accessLineWriter`). */
const writerOf = new WeakMap<Logger, LineWriter>();

/**
 * The access line's writer for `logger` when info lines are on: for a logger made by `createLogger`,
 * the line is built directly (the same JSON pino writes: level, time, service, the five fields, msg) and
 * handed to its writer, skipping pino's generic serialisation on every request; for any other logger
 * (tests capture logs with their own) it goes through `logger.info`.
 */
export function accessLineWriter(logger: Logger): ((line: AccessLine) => void) | null {
  if (!logger.isLevelEnabled('info')) return null;
  const writer = writerOf.get(logger);
  if (!writer) {
    // The line's five fixed fields carry none of the redacted names: no redaction pass.
    const plain = logger.child({}, { redact: [] });
    return (line) => plain.info(line, 'request');
  }
  return ({ reqId, method, path, status, ms }) =>
    writer.write(`{"level":30,"time":${Date.now()},"service":"gatehouse","reqId":${JSON.stringify(reqId)},"method":${JSON.stringify(method)},"path":${JSON.stringify(path)},"status":${status},"ms":${ms},"msg":"request"}\n`);
}

/**
 * JSON logs on stdout, written in batches off the request path (LineWriter): at least every second,
 * and when the process exits, also on an uncaught exception or an unhandled rejection;
 * only a kill -9 loses the last second.
 *
 * Request logging never includes headers, bodies or query strings; these paths are redacted as a
 * second line of defence should a secret ever reach a log call (S03).
 */
export function createLogger(level: string): Logger {
  const destination = new LineWriter(1);
  setInterval(() => destination.flush(), FLUSH_INTERVAL_MS).unref();
  if (writers.size === 0) process.once('exit', () => writers.forEach((w) => w.flushSync()));
  writers.add(destination);
  const logger = pino(
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
  writerOf.set(logger, destination);
  return logger;
}
