import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type DomainErrorCode } from '../../core/errors.ts';
import type { Role, Session, User } from '../../core/model.ts';
import { sendPage } from '../../http/page.ts';
import { checkPreAuthToken, isSameOrigin, readSessionToken } from '../../http/session-cookie.ts';
import type { FormBody } from '../../oauth/form.ts';
import type { Services } from '../../runtime/services.ts';
import { holdReveal, readHeld, releaseHeld, setFlash, takeFlash, type Flash, type Held, type Reveal } from './flash.ts';
import { messagePage } from './layout.ts';
import { humanMessage } from './messages.ts';

/** The signed-in person behind a request. */
export interface Viewer {
  user: User;
  session: Session;
  sessionToken: string;
  /** The CSRF token every form of this session carries (only its hash is stored). */
  csrfToken: string;
}

/** What a handler asks the router to do: render a page, or redirect (303) with an optional flash. */
export interface Redirect {
  kind: 'redirect';
  location: string;
  flash?: Flash;
  /** Keep a one-time value on its page until the developer confirms the copy; null releases it. */
  hold?: Held | null;
  /** The session the flash is sealed for; the router fills it in for signed-in actions. */
  sessionToken?: string;
}
export type Outcome = { kind: 'page'; status: number; markup: string } | Redirect;

export const show = (markup: string, status = 200): Outcome => ({ kind: 'page', status, markup });
export const redirect = (location: string, flash?: Flash): Redirect => ({ kind: 'redirect', location, ...(flash && { flash }) });
/** Redirects and keeps `reveal` on the page at `location` until released (see `Held`). */
export const redirectHolding = (location: string, reveal: Reveal, flash?: Flash): Redirect => ({ ...redirect(location, flash), hold: { path: location.split(/[?#]/)[0]!, reveal } });
export const redirectReleasing = (location: string, flash?: Flash): Redirect => ({ ...redirect(location, flash), hold: null });

/** Errors by input name; `_form` holds those that concern no one input. */
export type FieldErrors = Record<string, string>;

export function fieldErrors(error: DomainError): FieldErrors {
  return { [error.field ?? '_form']: humanMessage(error.field, error.publicMessage) };
}

export interface PublicContext {
  request: FastifyRequest;
  reply: FastifyReply;
  services: Services;
  viewer: Viewer | null;
  flash: Flash | null;
  /** A one-time value held for this page (the request path), until the developer confirms the copy. */
  held: Reveal | null;
  params: Record<string, string>;
  query: Record<string, string | string[] | undefined>;
}

export interface MemberContext extends PublicContext {
  viewer: Viewer;
}

export interface ActionContext extends MemberContext {
  form: FormBody;
}

export interface ActionOptions {
  /** Renders the form again with the errors beside their fields (status from the error code). */
  onError?: (ctx: ActionContext, errors: FieldErrors) => Promise<string>;
  /** The path is also a page (its GET shows the form); otherwise GET and HEAD on it answer 405. */
  getAllowed?: boolean;
}

const STATUS: Record<DomainErrorCode, number> = {
  VALIDATION: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION: 409,
  FORBIDDEN: 403,
  UNAUTHENTICATED: 401,
  UNAVAILABLE: 503,
};

export const statusFor = (error: DomainError): number => STATUS[error.code];

/**
 * Registers the web UI's routes with the rules every page shares: session resolution, role checks,
 * CSRF token plus Origin check on every POST (P01), 303 after a successful POST (PRG), domain errors
 * rendered as pages, and the no-store, no-framing headers of `sendPage`.
 */
export class UiRouter {
  constructor(
    readonly app: FastifyInstance,
    readonly services: Services,
  ) {}

  get secure(): boolean {
    return this.services.secureCookies;
  }

  async viewer(request: FastifyRequest): Promise<Viewer | null> {
    const token = readSessionToken(request, this.secure);
    const resolved = await this.services.sessions.resolve(token);
    return resolved && token ? { ...resolved, sessionToken: token } : null;
  }

  publicPage(path: string, handler: (ctx: PublicContext) => Promise<Outcome>): void {
    this.app.get(path, async (request, reply) => this.run(reply, async () => handler(await this.context(request, reply))));
  }

  page(path: string, roles: readonly Role[], handler: (ctx: MemberContext) => Promise<Outcome>): void {
    this.app.get(path, async (request, reply) =>
      this.run(reply, async () => {
        const ctx = await this.context(request, reply);
        if (!ctx.viewer) return redirect(`/devportal/login?next=${encodeURIComponent(request.url)}`);
        if (!allowed(ctx.viewer.user, roles)) return show(forbiddenPage(ctx.viewer), 403);
        return handler({ ...ctx, viewer: ctx.viewer });
      }),
    );
  }

  action(path: string, roles: readonly Role[], handler: (ctx: ActionContext) => Promise<Outcome>, options: ActionOptions = {}): void {
    this.app.post<{ Body: FormBody }>(path, async (request, reply) =>
      this.run(reply, async () => {
        const viewer = await this.viewer(request);
        if (!viewer || !this.trusted(request, viewer)) return show(expiredFormPage(viewer, false, this.formPage(request)), 403);
        if (!allowed(viewer.user, roles)) return show(forbiddenPage(viewer), 403);
        const ctx: ActionContext = { ...this.base(request, reply), viewer, flash: null, held: null, form: (request.body ?? {}) as FormBody };
        try {
          const outcome = await handler(ctx);
          return outcome.kind === 'redirect' ? { sessionToken: viewer.sessionToken, ...outcome } : outcome;
        } catch (error) {
          if (!(error instanceof DomainError) || !options.onError || error.code === 'NOT_FOUND') throw error;
          return show(await options.onError(ctx, fieldErrors(error)), statusFor(error));
        }
      }),
    );
    // P01: a state-changing URL answers GET (and HEAD) with 405, never with the action.
    if (!options.getAllowed) {
      this.app.get(path, async (_request, reply) => {
        reply.header('allow', 'POST');
        return sendPage(reply, 405, messagePage({ title: 'Method not allowed', message: 'This address only accepts form submissions.' }));
      });
    }
  }

  /** Sign-in and sign-up forms: a double-submit token instead of a session token, plus the Origin check. */
  publicAction(path: string, handler: (ctx: PublicContext & { form: FormBody }) => Promise<Outcome>): void {
    this.app.post<{ Body: FormBody }>(path, async (request, reply) =>
      this.run(reply, async () => {
        const form = (request.body ?? {}) as FormBody;
        const csrf = typeof form.csrf === 'string' ? form.csrf : undefined;
        if (!isSameOrigin(request, [this.origin()]) || !checkPreAuthToken(request, this.secure, csrf)) return show(expiredFormPage(null, true), 403);
        return handler({ ...this.base(request, reply), viewer: await this.viewer(request), flash: null, held: null, form });
      }),
    );
  }

  /** P01: the session's CSRF token (constant-time) and, when the browser names one, our own origin. */
  trusted(request: FastifyRequest, viewer: Viewer): boolean {
    const submitted = (request.body as FormBody | undefined)?.csrf;
    if (typeof submitted !== 'string' || !this.services.sessions.checkCsrf(viewer.session, submitted)) return false;
    return isSameOrigin(request, [this.origin()]);
  }

  /** The page a form was sent from (same-origin Referer), to return to after signing in again. */
  private formPage(request: FastifyRequest): string | null {
    const referer = request.headers.referer;
    if (!referer) return null;
    try {
      const url = new URL(referer);
      return url.origin === this.origin() ? safeNext(url.pathname + url.search) : null;
    } catch {
      return null;
    }
  }

  private origin(): string {
    return new URL(this.services.issuer()).origin;
  }

  private base(request: FastifyRequest, reply: FastifyReply) {
    return {
      request,
      reply,
      services: this.services,
      params: (request.params ?? {}) as Record<string, string>,
      query: (request.query ?? {}) as Record<string, string | string[] | undefined>,
    };
  }

  private async context(request: FastifyRequest, reply: FastifyReply): Promise<PublicContext> {
    const viewer = await this.viewer(request);
    const options = { sessionToken: viewer?.sessionToken, secure: this.secure, now: this.services.clock.now() };
    const flash = takeFlash(request, reply, options);
    const held = readHeld(request, request.url.split('?')[0]!, options);
    return { ...this.base(request, reply), viewer, flash, held };
  }

  async run(reply: FastifyReply, work: () => Promise<Outcome>): Promise<FastifyReply> {
    // P02: behind TLS, browsers must keep using TLS for the portal.
    if (this.secure) reply.header('strict-transport-security', 'max-age=31536000');
    let outcome: Outcome;
    try {
      outcome = await work();
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      outcome = show(messagePage({ title: error.code === 'NOT_FOUND' ? 'Not found' : 'That did not work', message: humanMessage(error.field, error.publicMessage) }), statusFor(error));
    }
    if (outcome.kind === 'page') return sendPage(reply, outcome.status, outcome.markup);
    const sealing = outcome.sessionToken ? { sessionToken: outcome.sessionToken, secure: this.secure, now: this.services.clock.now() } : null;
    if (outcome.flash && sealing) setFlash(reply, outcome.flash, sealing);
    if (outcome.hold === null) releaseHeld(reply, this.secure);
    else if (outcome.hold && sealing) holdReveal(reply, outcome.hold, sealing);
    return reply.header('cache-control', 'no-store').redirect(outcome.location, 303);
  }
}

export const allowed = (user: User, roles: readonly Role[]): boolean =>
  roles.length === 0 || user.roles.includes('admin') || roles.some((r) => user.roles.includes(r));

function forbiddenPage(viewer: Viewer): string {
  return messagePage({
    title: 'Not allowed',
    message: `The account ${viewer.user.username} does not have the role this page needs.`,
  });
}

const NEXT = /^\/(devportal|publisher|admin)([/?][A-Za-z0-9\-._~%!$&'()*+,;=:@/?]*)?$/;

/** Only our own portal paths are accepted after sign-in: no open redirect. */
export const safeNext = (value: string | undefined): string | null =>
  value && NEXT.test(value) && !value.includes('//') && !/\/\.\.?(\/|\?|$)/.test(value) ? value : null;

function expiredFormPage(viewer: Viewer | null, preAuth = false, formPage: string | null = null): string {
  if (viewer || preAuth) {
    return messagePage({
      title: 'Form expired',
      message: 'The form expired or came from another site. Go back, reload the page and try again.',
      link: preAuth ? { href: '/devportal/login', label: 'Sign in' } : undefined,
    });
  }
  // Issue 15 §7: back to the same form after signing in; portal.js puts back what was typed.
  return messagePage({
    title: 'Form expired',
    message: formPage
      ? 'Your session has ended. Sign in again: you will return to the form, with what you typed.'
      : 'Your session has ended. Sign in again and repeat the action.',
    link: { href: formPage ? `/devportal/login?next=${encodeURIComponent(formPage)}` : '/devportal/login', label: 'Sign in' },
  });
}
