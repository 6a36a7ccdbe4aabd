import type { FastifyReply, FastifyRequest } from 'fastify';
import { constantTimeEqual } from '../../core/credentials.ts';
import { DomainError } from '../../core/errors.ts';
import type { User } from '../../core/model.ts';
import { validatePassword, validateUsername } from '../../core/users.ts';
import { html } from '../../http/html.ts';
import { sendPage } from '../../http/page.ts';
import { clearSessionCookie, issuePreAuthToken, readSessionToken, setSessionCookie } from '../../http/session-cookie.ts';
import { field, type FormBody } from '../../oauth/form.ts';
import { errorSummary, textInput } from './fields.ts';
import { messagePage, one, portalPage } from './layout.ts';
import { humanMessage } from './messages.ts';
import { redirect, safeNext, show, type FieldErrors, type Outcome, type UiRouter } from './router.ts';

export { safeNext };

const SESSION_TTL_SECONDS = 8 * 3600;
function landing(user: User): string {
  return user.roles.includes('subscriber') || user.roles.includes('admin') ? '/devportal/applications' : '/publisher/apis';
}

interface AuthForm {
  csrf: string;
  next: string | null;
  username?: string;
  errors: FieldErrors;
  signupEnabled: boolean;
  signedOut?: boolean;
}

function loginPage(o: AuthForm): string {
  return portalPage({
    area: 'devportal',
    viewer: null,
    title: 'Sign in',
    narrow: true,
    body: html`<div class="card">
<h1>Sign in</h1>
${o.signedOut ? html`<div class="alert ok" role="status">You have signed out.</div>` : ''}
${errorSummary(o.errors)}
<form method="post" action="/devportal/login" novalidate>
<input type="hidden" name="csrf" value="${o.csrf}">
${o.next ? html`<input type="hidden" name="next" value="${o.next}">` : ''}
${textInput({ name: 'username', label: 'Username', value: o.username, autocomplete: 'username', required: true, errors: o.errors })}
${textInput({ name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', required: true, errors: o.errors })}
<button type="submit">Sign in</button>
</form>
${o.signupEnabled ? html`<p class="hint">No account yet? <a href="/devportal/signup">Sign up</a></p>` : ''}
</div>`,
  });
}

function signupPage(o: AuthForm): string {
  return portalPage({
    area: 'devportal',
    viewer: null,
    title: 'Sign up',
    narrow: true,
    body: html`<div class="card">
<h1>Create your account</h1>
<p class="hint">You can subscribe to APIs and create applications and keys.</p>
${errorSummary(o.errors)}
<form method="post" action="/devportal/signup" novalidate>
<input type="hidden" name="csrf" value="${o.csrf}">
${textInput({ name: 'username', label: 'Username', value: o.username, autocomplete: 'username', required: true, hint: 'Letters, digits and . _ @ + -', errors: o.errors })}
${textInput({ name: 'password', label: 'Password', type: 'password', autocomplete: 'new-password', required: true, hint: 'At least 8 characters', errors: o.errors })}
${textInput({ name: 'confirmPassword', label: 'Confirm password', type: 'password', autocomplete: 'new-password', required: true, errors: o.errors })}
<button type="submit">Sign up</button>
</form>
<p class="hint">Already registered? <a href="/devportal/login">Sign in</a></p>
</div>`,
  });
}

/**
 * Sign-in starts a brand-new session and ends any session the browser presented before (P03), so a
 * planted session id never becomes an authenticated one.
 */
async function startSession(router: UiRouter, request: FastifyRequest, reply: FastifyReply, user: User): Promise<string> {
  await router.services.sessions.destroy(readSessionToken(request, router.secure));
  const { token } = await router.services.sessions.create(user.id);
  setSessionCookie(reply, token, router.secure, SESSION_TTL_SECONDS);
  return token;
}

async function signIn(router: UiRouter, ctx: { request: FastifyRequest; reply: FastifyReply; form: FormBody }): Promise<Outcome> {
  const { services } = router;
  const username = field(ctx.form, 'username') ?? '';
  const next = safeNext(field(ctx.form, 'next'));
  const retry = (status: number, errors: FieldErrors) =>
    show(loginPage({ csrf: issuePreAuthToken(ctx.request, ctx.reply, router.secure), next, username, errors, signupEnabled: services.config.signupEnabled }), status);
  // S04: who, from where and how it ended; the JSON logger encodes whatever the username holds.
  const audit = (outcome: string) => ctx.request.log.info({ reqId: ctx.request.id, event: 'portal.sign-in', outcome, username, ip: ctx.request.ip }, 'portal sign-in');
  // P08: back-off per (account, address) and per address; never a lockout of the account as a whole.
  const password = field(ctx.form, 'password') ?? '';
  const outcome = await services.limits.credentials.guard({ kind: 'password', account: username, ip: ctx.request.ip }, () => services.users.authenticate(username, password));
  if (outcome.throttled) {
    audit('throttled');
    ctx.reply.header('retry-after', String(outcome.retryAfterSeconds));
    return retry(429, { _form: `Too many failed sign-in attempts. Try again in ${outcome.retryAfterSeconds} seconds.` });
  }
  const user = outcome.value;
  if (!user) {
    audit('failure');
    // P09: one message for an unknown user, a wrong password and a disabled account.
    return retry(401, { _form: 'Wrong username or password.' });
  }
  audit('success');
  await startSession(router, ctx.request, ctx.reply, user);
  return redirect(next ?? landing(user));
}

async function signUp(router: UiRouter, ctx: { request: FastifyRequest; reply: FastifyReply; form: FormBody }): Promise<Outcome> {
  const { services } = router;
  const username = field(ctx.form, 'username') ?? '';
  const password = field(ctx.form, 'password') ?? '';
  const retry = (errors: FieldErrors, status = 400) =>
    show(signupPage({ csrf: issuePreAuthToken(ctx.request, ctx.reply, router.secure), next: null, username, errors, signupEnabled: true }), status);
  // Every problem at once (issue 15 §7): the person fixes the form in one go.
  const errors: FieldErrors = {};
  const check = (name: string, validate: () => void) => {
    try {
      validate();
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      errors[name] = humanMessage(name, error.publicMessage);
    }
  };
  if (username.trim() === '') errors.username = 'Enter a username.';
  else check('username', () => validateUsername(username));
  check('password', () => validatePassword(password));
  if (!constantTimeEqual(password, field(ctx.form, 'confirmPassword') ?? '')) errors.confirmPassword = 'The passwords do not match.';
  if (Object.keys(errors).length > 0) return retry(errors);
  let user: User;
  try {
    user = await services.users.create({ username, password, roles: ['subscriber'] });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const name = error.code === 'CONFLICT' ? 'username' : (error.field ?? '_form');
    return retry({ [name]: humanMessage(name, error.publicMessage) }, error.code === 'CONFLICT' ? 409 : 400);
  }
  const token = await startSession(router, ctx.request, ctx.reply, user);
  return { ...redirect('/devportal/applications', { notice: `Welcome, ${user.username}. Create an application to get keys.` }), sessionToken: token };
}

export function registerAuth(router: UiRouter): void {
  const { services } = router;
  const signupEnabled = () => services.config.signupEnabled;

  router.publicPage('/devportal/login', async (ctx) => {
    const next = safeNext(one(ctx.query.next));
    if (ctx.viewer) return redirect(next ?? landing(ctx.viewer.user));
    const csrf = issuePreAuthToken(ctx.request, ctx.reply, router.secure);
    return show(loginPage({ csrf, next, errors: {}, signupEnabled: signupEnabled(), signedOut: one(ctx.query.signedOut) === '1' }));
  });
  router.publicAction('/devportal/login', (ctx) => signIn(router, ctx));

  router.publicPage('/devportal/signup', async (ctx) => {
    if (!signupEnabled()) return show(portalPage({ area: 'devportal', viewer: ctx.viewer, title: 'Sign-up is off', narrow: true, body: html`<div class="card"><h1>Sign-up is turned off</h1><p>Ask an administrator for an account.</p></div>` }), 404);
    if (ctx.viewer) return redirect(landing(ctx.viewer.user));
    return show(signupPage({ csrf: issuePreAuthToken(ctx.request, ctx.reply, router.secure), next: null, errors: {}, signupEnabled: true }));
  });
  router.publicAction('/devportal/signup', async (ctx) => {
    if (!signupEnabled()) return show(portalPage({ area: 'devportal', viewer: null, title: 'Sign-up is off', narrow: true, body: html`<div class="card"><h1>Sign-up is turned off</h1></div>` }), 404);
    return signUp(router, ctx);
  });

  // P04: signing out deletes the session on the server, not only the cookie.
  router.app.post<{ Body: FormBody }>('/devportal/logout', (request, reply) =>
    router.run(reply, async () => {
      const viewer = await router.viewer(request);
      if (viewer && !router.trusted(request, viewer)) return show(portalPage({ area: 'devportal', viewer, title: 'Form expired', narrow: true, body: html`<div class="card"><h1>Form expired</h1><p>Reload the page and sign out again.</p></div>` }), 403);
      if (viewer) await services.sessions.destroy(viewer.sessionToken);
      clearSessionCookie(reply, router.secure);
      return redirect('/devportal/login?signedOut=1');
    }),
  );
  router.app.get('/devportal/logout', async (_request, reply) =>
    sendPage(reply.header('allow', 'POST'), 405, messagePage({ title: 'Use the Sign out button', message: 'Signing out needs the Sign out button in the page header.' })),
  );
}
