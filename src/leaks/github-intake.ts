import { hash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ConfigError } from '../config/load.ts';
import type { Services } from '../runtime/services.ts';
import { parseReportKeys, verifyReport, type ReportKey } from './report-keys.ts';

/**
 * Leak-report intake compatible with GitHub's secret scanning partner program: GitHub POSTs a JSON
 * array `[{token, type, url, source}]` signed with ECDSA P-256 (headers Github-Public-Key-Identifier
 * and Github-Public-Key-Signature) and expects `[{token_hash, token_type, label}]` back, label
 * `true_positive` for a credential this server issued and `false_positive` for anything else.
 */

export const INTAKE_PATH = '/leaks/github';
/** Digests of report bodies are kept this long: a body replayed within it is not acted on again. */
const REPLAY_WINDOW_MS = 7 * 24 * 3_600_000;

const ReportSchema = z
  .array(
    z.object({
      token: z.string().max(1000),
      type: z.string().max(200),
      url: z.string().max(2000).optional(),
      source: z.string().max(100).optional(),
    }),
  )
  .max(1000);

type Report = z.infer<typeof ReportSchema>;

const refuse = (reply: FastifyReply, status: number, message: string) => reply.code(status).header('cache-control', 'no-store').send({ message });

/** Each step enforces one rule: the keys exist, the signature verifies, the body is a report. */
async function handle(services: Services, keys: readonly ReportKey[], request: FastifyRequest, reply: FastifyReply) {
  const identifier = request.headers['github-public-key-identifier'];
  const signature = request.headers['github-public-key-signature'];
  const body = request.body as Buffer;
  if (typeof identifier !== 'string' || typeof signature !== 'string' || !Buffer.isBuffer(body)) return refuse(reply, 401, 'signed report expected');
  if (!verifyReport(keys, body, identifier, signature)) return refuse(reply, 401, 'signature does not verify');
  let report: Report;
  try {
    report = ReportSchema.parse(JSON.parse(body.toString('utf8')));
  } catch {
    return refuse(reply, 400, 'expected a JSON array of {token, type, url, source}');
  }
  const now = services.clock.now();
  // Replay guard: one guarded insert of the body's digest, shared by every control process.
  const fresh = await services.store.leaks.rememberReport(hash('sha256', body, 'hex'), now);
  void services.store.leaks.forgetReports(now - REPLAY_WINDOW_MS).catch(() => undefined);
  const labels = await Promise.all(
    report.map(async (entry) => {
      const context = { actor: 'github', sourceIp: request.ip, source: `github${entry.source ? `:${entry.source}` : ''}`, url: entry.url ?? null };
      const { issued } = await services.leaks.reportRaw(entry.token, context, { act: fresh });
      return { token_hash: hash('sha256', entry.token, 'hex'), token_type: entry.type, label: issued ? 'true_positive' : 'false_positive' };
    }),
  );
  return reply.code(200).header('cache-control', 'no-store').send(labels);
}

/** Registers the intake when report keys are configured (GATEHOUSE_LEAK_REPORT_KEYS); else the path is a 404. */
export async function registerLeakIntake(app: FastifyInstance, services: Services): Promise<void> {
  if (!services.config.leakReportKeys) return;
  let keys: ReportKey[];
  try {
    keys = parseReportKeys(services.config.leakReportKeys);
  } catch (error) {
    throw new ConfigError(`invalid setting leakReportKeys / GATEHOUSE_LEAK_REPORT_KEYS: ${(error as Error).message}`);
  }
  await app.register(async (scope) => {
    // The signature covers the exact bytes sent, so the body stays raw until it has verified.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_request, body, done) => done(null, body));
    scope.post(INTAKE_PATH, (request, reply) => handle(services, keys, request, reply));
  });
}
