import { invalid } from '../../../core/errors.ts';
import { ROLES, type User } from '../../../core/model.ts';
import { html } from '../../../http/html.ts';
import { field, type FormBody } from '../../../oauth/form.ts';
import { checkboxGroup, confirmAction, csrfInput, errorSummary, fieldId, postButton, textInput } from '../fields.ts';
import { formatTime, many, one, portalPage } from '../layout.ts';
import { redirect, show, type FieldErrors, type MemberContext, type UiRouter } from '../router.ts';

/** Admin → Users and roles: create accounts, change roles, disable (ends sessions, revokes tokens) and enable. */

const ADMIN = ['admin'] as const;
const ROLE_OPTIONS = ROLES.map((r) => ({ value: r, label: r }));

interface NewUserValues {
  username: string;
  roles: string[];
}

function roleEditor(ctx: MemberContext, user: User, errors: FieldErrors) {
  const name = `roles-${user.id}`;
  const error = errors[name];
  return html`<form method="post" action="/admin/users/${user.id}/roles" class="row-form">${csrfInput(ctx.viewer)}
<fieldset class="cell" id="${fieldId(name)}"${error ? html` aria-describedby="${fieldId(name)}-error"` : ''}><legend class="visually-hidden">Roles of ${user.username}</legend>
${ROLES.map((r) => html`<label><input type="checkbox" name="roles" value="${r}"${user.roles.includes(r) ? html` checked` : ''}> ${r}</label>`)}
</fieldset><button type="submit" class="secondary">Save roles</button>
${error ? html`<span class="error" id="${fieldId(name)}-error">${error}</span>` : ''}</form>`;
}

/** `errors` concern the add-user form; `rowErrors` the row actions (roles, disable), keyed `roles-<userId>` or `_form`. */
async function page(ctx: MemberContext, values: NewUserValues, errors: FieldErrors, rowErrors: FieldErrors = {}): Promise<string> {
  const { items, total } = await ctx.services.users.list({ limit: 500, offset: 0 });
  const rows = items.map(
    (u) => html`<tr>
<td data-label="Username">${u.username}${u.id === ctx.viewer.user.id ? html` <span class="hint">(you)</span>` : ''}</td>
<td data-label="Roles">${roleEditor(ctx, u, rowErrors)}</td>
<td data-label="Status">${u.disabled ? html`<span class="badge bad">disabled</span>` : html`<span class="badge ok">active</span>`}</td>
<td data-label="Created">${formatTime(u.createdAt)}</td>
<td>${u.id === ctx.viewer.user.id
      ? ''
      : u.disabled
        ? postButton({ viewer: ctx.viewer, action: `/admin/users/${u.id}/enable`, label: 'Enable', secondary: true })
        : confirmAction({
            viewer: ctx.viewer,
            id: `disable-${u.id}`,
            trigger: 'Disable',
            title: `Disable ${u.username}?`,
            consequence: `${u.username} is signed out everywhere and cannot sign in; every access and refresh token issued to them is revoked, so their applications' user tokens stop working at once. Enabling the account later does not bring those tokens back.`,
            action: `/admin/users/${u.id}/disable`,
            confirm: 'Disable account',
            open: one(ctx.query.dialog) === `disable-${u.id}`,
            closeHref: '/admin/users',
          })}</td>
</tr>`,
  );
  return portalPage({
    area: 'admin',
    viewer: ctx.viewer,
    flash: ctx.flash,
    nav: 'users',
    title: 'Users and roles',
    body: html`<h1>Users and roles</h1>
${errorSummary(rowErrors)}
<section class="card" aria-labelledby="users-title"><h2 id="users-title">Users <span class="badge">${total}</span></h2>
<p class="hint">Disabling an account ends its sessions and revokes every token issued to it.</p>
<table><thead><tr><th scope="col">Username</th><th scope="col">Roles</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead><tbody>${rows}</tbody></table></section>
<section class="card" aria-labelledby="add-user-title"><h2 id="add-user-title">Add a user</h2>
${errorSummary(errors)}
<form method="post" action="/admin/users" novalidate>${csrfInput(ctx.viewer)}
<div class="grid-2">
${textInput({ name: 'username', label: 'Username', value: values.username, autocomplete: 'off', required: true, errors })}
${textInput({ name: 'password', label: 'Initial password', type: 'password', autocomplete: 'new-password', required: true, hint: 'At least 8 characters', errors })}
</div>
${checkboxGroup({ name: 'roles', label: 'Roles', values: values.roles, options: ROLE_OPTIONS, hint: 'admin: everything; publisher: APIs and scopes; subscriber: applications, keys and subscriptions', errors })}
<button type="submit">Add user</button>
</form></section>`,
  });
}

const valuesOf = (form: FormBody): NewUserValues => ({ username: field(form, 'username') ?? '', roles: many(form.roles) });

export function registerUsers(router: UiRouter): void {
  const { services } = router;

  router.page('/admin/users', ADMIN, async (ctx) => show(await page(ctx, { username: '', roles: ['subscriber'] }, {})));
  router.action(
    '/admin/users',
    ADMIN,
    async (ctx) => {
      const v = valuesOf(ctx.form);
      const user = await services.users.create({ username: v.username, password: field(ctx.form, 'password') ?? '', roles: v.roles });
      return redirect('/admin/users', { notice: `User ${user.username} added.` });
    },
    {
      getAllowed: true,
      onError: (ctx, errors) => page(ctx, valuesOf(ctx.form), errors._form && !errors.username ? { username: errors._form } : errors),
    },
  );

  router.action(
    '/admin/users/:userId/roles',
    ADMIN,
    async (ctx) => {
      const userId = ctx.params.userId ?? '';
      const roles = many(ctx.form.roles);
      // An admin cannot take the admin role from themselves: that would lock the last admin out.
      if (userId === ctx.viewer.user.id && !roles.includes('admin')) throw invalid('roles', 'You cannot remove your own admin role.');
      const user = await services.users.setRoles(userId, roles);
      return redirect('/admin/users', { notice: `Roles of ${user.username} saved: ${user.roles.join(', ')}.` });
    },
    { onError: (ctx, errors) => page(ctx, { username: '', roles: ['subscriber'] }, {}, { [`roles-${ctx.params.userId}`]: errors.roles ?? Object.values(errors)[0] ?? '' }) },
  );

  for (const [action, disabled] of [['disable', true], ['enable', false]] as const) {
    router.action(
      `/admin/users/:userId/${action}`,
      ADMIN,
      async (ctx) => {
        const userId = ctx.params.userId ?? '';
        if (userId === ctx.viewer.user.id) throw invalid('_form', 'You cannot disable your own account.');
        const user = await services.users.setDisabled(userId, disabled);
        return redirect('/admin/users', { notice: disabled ? `User ${user.username} disabled; their sessions and tokens are revoked.` : `User ${user.username} enabled.` });
      },
      { onError: (ctx, errors) => page(ctx, { username: '', roles: ['subscriber'] }, {}, errors) },
    );
  }
}
