import { constantTimeEqual } from '../../core/credentials.ts';
import { html } from '../../http/html.ts';
import { setSessionCookie } from '../../http/session-cookie.ts';
import { field } from '../../oauth/form.ts';
import { checkbox, csrfInput, errorSummary, textInput } from './fields.ts';
import { portalPage } from './layout.ts';
import { redirect, show, type FieldErrors, type MemberContext, type UiRouter } from './router.ts';

/** My account: change password, and end the other sessions while at it (P04). */

const SESSION_TTL_SECONDS = 8 * 3600;

function page(ctx: MemberContext, errors: FieldErrors): string {
  return portalPage({
    area: 'devportal',
    viewer: ctx.viewer,
    flash: ctx.flash,
    title: 'My account',
    narrow: true,
    body: html`<h1>My account</h1>
<div class="card"><dl class="kv"><dt>Username</dt><dd>${ctx.viewer.user.username}</dd><dt>Roles</dt><dd>${ctx.viewer.user.roles.join(', ')}</dd></dl></div>
<section class="card" aria-labelledby="pw-title"><h2 id="pw-title">Change password</h2>
${errorSummary(errors)}
<form method="post" action="/devportal/account" novalidate>${csrfInput(ctx.viewer)}
${textInput({ name: 'currentPassword', label: 'Current password', type: 'password', autocomplete: 'current-password', required: true, errors })}
${textInput({ name: 'password', label: 'New password', type: 'password', autocomplete: 'new-password', required: true, hint: 'At least 8 characters', errors })}
${textInput({ name: 'confirmPassword', label: 'Confirm new password', type: 'password', autocomplete: 'new-password', required: true, errors })}
${checkbox({ name: 'endOtherSessions', label: 'Sign out my other sessions', checked: true, hint: 'Every other browser signed in as you must sign in again' })}
<button type="submit">Change password</button>
</form></section>`,
  });
}

export function registerAccount(router: UiRouter): void {
  const { services } = router;
  router.page('/devportal/account', [], async (ctx) => show(page(ctx, {})));
  router.action(
    '/devportal/account',
    [],
    async (ctx) => {
      const { user } = ctx.viewer;
      const password = field(ctx.form, 'password') ?? '';
      if (!constantTimeEqual(password, field(ctx.form, 'confirmPassword') ?? '')) return show(page(ctx, { confirmPassword: 'The passwords do not match.' }), 400);
      const current = field(ctx.form, 'currentPassword') ?? '';
      const attempt = { kind: 'password', account: user.username, ip: ctx.request.ip } as const;
      const outcome = await services.limits.credentials.guard(attempt, () => services.users.authenticate(user.username, current));
      if (outcome.throttled) {
        ctx.reply.header('retry-after', String(outcome.retryAfterSeconds));
        return show(page(ctx, { currentPassword: `Too many failed attempts. Try again in ${outcome.retryAfterSeconds} seconds.` }), 429);
      }
      if (!outcome.value) return show(page(ctx, { currentPassword: 'The current password is wrong.' }), 400);
      await services.users.changePassword(user.id, password);
      if (field(ctx.form, 'endOtherSessions') !== 'true') return redirect('/devportal/account', { notice: 'Password changed.' });
      // Ending every session includes this one; a fresh session keeps this browser signed in.
      await services.store.sessions.deleteByUser(user.id);
      const { token } = await services.sessions.create(user.id);
      setSessionCookie(ctx.reply, token, router.secure, SESSION_TTL_SECONDS);
      return { ...redirect('/devportal/account', { notice: 'Password changed. Your other sessions have ended.' }), sessionToken: token };
    },
    { getAllowed: true, onError: async (ctx, errors) => page(ctx, errors) },
  );
}
