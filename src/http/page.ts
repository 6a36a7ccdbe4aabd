import type { FastifyInstance, FastifyReply } from 'fastify';
import { readAsset } from './assets.ts';
import { html, type SafeHtml } from './html.ts';

const STYLESHEET = readAsset('gatehouse.css').toString('utf8');

export interface PageOptions {
  title: string;
  body: SafeHtml;
  header?: SafeHtml;
  narrow?: boolean;
}

export function page(options: PageOptions): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · Gatehouse</title>
<link rel="stylesheet" href="/assets/gatehouse.css">
</head>
<body>
${options.header ?? html`<header class="top"><span class="brand">Gatehouse</span></header>`}
<main class="${options.narrow ? 'narrow' : ''}">
${options.body}
</main>
</body>
</html>`.toString();
}

/**
 * Headers for every HTML page: no framing (A03), scripts and styles only from this origin, and forms
 * posting only to this origin plus any origins the caller names (a client's redirect_uri).
 */
export function sendPage(reply: FastifyReply, status: number, markup: string, formActions: readonly string[] = []): FastifyReply {
  return reply
    .code(status)
    .headers({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      // Not no-referrer: under it browsers post forms with "Origin: null", which the CSRF Origin check
      // must refuse. same-origin still sends nothing to other sites.
      'referrer-policy': 'same-origin',
      'content-security-policy': [
        "default-src 'none'",
        "style-src 'self'",
        "script-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        `form-action 'self'${formActions.map((o) => ` ${o}`).join('')}`,
        "frame-ancestors 'none'",
        "base-uri 'none'",
      ].join('; '),
    })
    .send(markup);
}

export function registerAssets(app: FastifyInstance): void {
  app.get('/assets/gatehouse.css', async (_request, reply) =>
    reply.headers({ 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }).send(STYLESHEET),
  );
}
