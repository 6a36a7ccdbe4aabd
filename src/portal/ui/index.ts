import type { FastifyError, FastifyInstance } from 'fastify';
import { readAsset } from '../../http/assets.ts';
import { sendPage } from '../../http/page.ts';
import { StoreUnavailable } from '../../store/store-unavailable.ts';
import type { Services } from '../../runtime/services.ts';
import { registerAccount } from './account.ts';
import { registerAdmin } from './admin/index.ts';
import { registerAuth } from './auth.ts';
import { registerApiKeys } from './devportal/api-keys.ts';
import { registerApplications } from './devportal/applications.ts';
import { registerCatalogue } from './devportal/catalogue.ts';
import { registerOAuthKeys } from './devportal/oauth-keys.ts';
import { registerSecurity } from './devportal/security.ts';
import { registerSubscriptions } from './devportal/subscriptions.ts';
import { registerUsage } from './devportal/usage.ts';
import { registerAdminUsage } from './admin/usage.ts';
import { registerApiUsage } from './publisher/usage.ts';
import { messagePage } from './layout.ts';
import { registerPublisher } from './publisher/index.ts';
import { UiRouter } from './router.ts';

const PORTAL_JS = readAsset('portal.js').toString('utf8');
const FAVICON = readAsset('favicon.svg');

/**
 * The web UI: /devportal, /publisher and /admin, server-rendered (no build step), with a small
 * script from this origin for copy buttons and dialogs. Sessions live in an HttpOnly cookie; every
 * form carries a CSRF token.
 */
export async function registerPortalUi(app: FastifyInstance, services: Services): Promise<void> {
  await app.register(async (scope) => {
    const router = new UiRouter(scope, services);
    // Anything unexpected renders a plain page; 5xx pages say nothing internal (S06).
    scope.setErrorHandler((error: FastifyError, request, reply) => {
      if (error instanceof StoreUnavailable) {
        request.log.warn({ err: error.message, reqId: request.id }, 'portal: store unavailable');
        const message = error.outcomeUnknown
          ? 'The service stopped answering while saving this change, so it may or may not have been saved. Reload the page to check before trying again.'
          : 'The service is unavailable right now; nothing was changed. Try again in a moment.';
        return sendPage(reply.header('retry-after', '1'), 503, messagePage({ title: 'Temporarily unavailable', message }));
      }
      const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
      if (status >= 500) request.log.error({ err: error, reqId: request.id }, 'portal error');
      const message = status === 413 ? 'The form is too large.' : status < 500 ? 'The request could not be read.' : 'Something went wrong on our side. Try again in a moment.';
      return sendPage(reply, status, messagePage({ title: status < 500 ? 'Bad request' : 'Server error', message }));
    });
    scope.get('/assets/portal.js', async (_request, reply) =>
      reply.headers({ 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' }).send(PORTAL_JS),
    );
    // Browsers ask for /favicon.ico on every page; a 404 there is an error in every console (issue 15 §8).
    scope.get('/favicon.ico', async (_request, reply) =>
      reply.headers({ 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=86400', 'x-content-type-options': 'nosniff' }).send(FAVICON),
    );
    scope.get('/', async (_request, reply) => reply.redirect('/devportal', 302));
    scope.get('/devportal', async (_request, reply) => reply.redirect('/devportal/apis', 302));
    scope.get('/publisher', async (_request, reply) => reply.redirect('/publisher/apis', 302));
    scope.get('/admin', async (_request, reply) => reply.redirect('/admin/throttling/application', 302));
    registerAuth(router);
    registerAccount(router);
    registerCatalogue(router);
    registerApplications(router);
    registerOAuthKeys(router);
    registerApiKeys(router);
    registerSubscriptions(router);
    registerUsage(router);
    registerApiUsage(router);
    registerAdminUsage(router);
    registerSecurity(router);
    registerPublisher(router);
    registerAdmin(router);
    // Unknown portal pages get the styled 404, not the framework's JSON (issue 15 §8).
    for (const area of ['devportal', 'publisher', 'admin']) {
      scope.get(`/${area}/*`, async (_request, reply) =>
        sendPage(reply, 404, messagePage({ title: 'Page not found', message: 'There is no page at this address. It may have moved, or the link may be mistyped.' })),
      );
    }
  });
}
