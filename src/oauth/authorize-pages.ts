import { html } from '../http/html.ts';
import { page } from '../http/page.ts';

export function loginPage(options: { params: URLSearchParams; csrf: string; clientName: string; error?: string; username?: string }): string {
  return page({
    title: 'Sign in',
    narrow: true,
    body: html`<div class="card">
<h1>Sign in</h1>
<p class="hint">to continue to <strong>${options.clientName}</strong></p>
${options.error ? html`<div class="alert error" role="alert">${options.error}</div>` : ''}
<form method="post" action="/oauth2/authorize/login">
<input type="hidden" name="csrf" value="${options.csrf}">
<input type="hidden" name="request" value="${options.params.toString()}">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" required value="${options.username ?? ''}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
</div>`,
  });
}

export function consentPage(options: { params: URLSearchParams; csrf: string; clientName: string; username: string; scopes: string[] }): string {
  return page({
    title: 'Authorize access',
    narrow: true,
    body: html`<div class="card">
<h1>Authorize access</h1>
<p><strong>${options.clientName}</strong> asks to act as <strong>${options.username}</strong> with these scopes:</p>
<ul>${options.scopes.map((s) => html`<li><code>${s}</code></li>`)}</ul>
<form method="post" action="/oauth2/authorize/decision">
<input type="hidden" name="csrf" value="${options.csrf}">
<input type="hidden" name="request" value="${options.params.toString()}">
<button type="submit" name="decision" value="approve">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</form>
</div>`,
  });
}

export function errorPage(error: string, description: string): string {
  return page({
    title: 'Authorization error',
    narrow: true,
    body: html`<div class="card"><h1>Authorization error</h1>
<div class="alert error" role="alert"><code>${error}</code>: ${description}</div>
<p class="hint">Nothing was sent back to the application.</p></div>`,
  });
}
