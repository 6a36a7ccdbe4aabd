import type { FastifyInstance } from 'fastify';
import { RequestScopedStorage } from '../http/request-scope.ts';

/** What became of the propagation of the changes one request made (cluster mode, issue 11 §4). */
export interface PropagationReceipt {
  /** Some change asked the gateways to confirm it. */
  awaited: boolean;
  /** Gateways that did not confirm within the bound. */
  unconfirmed: Set<string>;
  /** Redis could not be asked: nobody confirmed; gateways converge by polling the event log. */
  unknown: boolean;
}

/** The receipt of the request being handled (set per request by `trackPropagation`). */
export const propagationReceipts = new RequestScopedStorage<PropagationReceipt>();

/**
 * Every control-plane answer that changed something gateways must enforce says how that went, in
 * `Gatehouse-Propagation`: `confirmed` (every live gateway applied it before this answer),
 * `unconfirmed=<gateway ids>` (those had not after 1 s; they refuse credentials until they catch up),
 * or `unknown` (Redis unreachable: gateways poll the event log every 250 ms).
 */
export function trackPropagation(app: FastifyInstance): void {
  app.addHook('onRequest', (_request, reply, done) => {
    propagationReceipts.enter({ awaited: false, unconfirmed: new Set(), unknown: false }, reply.raw, done);
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    const receipt = propagationReceipts.getStore();
    if (receipt?.unknown) reply.header('gatehouse-propagation', 'unknown');
    else if (receipt && receipt.unconfirmed.size > 0) reply.header('gatehouse-propagation', `unconfirmed=${[...receipt.unconfirmed].join(',')}`);
    else if (receipt?.awaited) reply.header('gatehouse-propagation', 'confirmed');
    return payload;
  });
}
