import { z } from 'zod';
import { invalid, notFound } from '../../../core/errors.ts';
import { ROLES } from '../../../core/model.ts';
import { restScopesFor } from '../../../core/scopes.ts';
import { validatePassword } from '../../../core/users.ts';
import { id } from '../common-schemas.ts';
import { pageOf, pageQuery, paged } from '../pagination.ts';
import { defineRoute } from '../route-table.ts';
import { ADMIN_ACCESS } from './access.ts';
import { adminUser } from './mappers.ts';
import { RoleListSchema, UserListSchema, UserRequestSchema, UserSchema, UserUpdateRequestSchema } from './schemas.ts';

/** Admin v4 users and roles (SPEC §2). Passwords go in, never come out; hashes are never returned. */

const tag = 'Users';
const userParams = z.object({ userId: id });

const ROLE_DESCRIPTIONS = {
  admin: 'Everything: users, throttling policies, and all publisher and subscriber operations',
  publisher: 'Create, publish and retire APIs, resources and scopes',
  subscriber: 'Applications, keys, tokens, API keys and subscriptions',
} as const;

export const adminUserRoutes = [
  defineRoute({
    method: 'GET',
    path: '/users',
    operationId: 'getUsers',
    summary: 'List users',
    tag,
    access: ADMIN_ACCESS,
    query: pageQuery,
    status: 200,
    response: UserListSchema,
    async handler({ services, query }) {
      const page = pageOf(query);
      const result = await services.users.list(page);
      return paged(result.items.map(adminUser), result.total, page, '/users');
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/users',
    operationId: 'addUser',
    summary: 'Create a user with a password and roles (409 if the username is taken)',
    tag,
    access: ADMIN_ACCESS,
    body: UserRequestSchema,
    status: 201,
    response: UserSchema,
    async handler({ services, body, reply, request }) {
      const user = await services.users.create(body);
      reply.header('location', `${request.url.split('?')[0]}/${user.id}`);
      return adminUser(user);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/users/{userId}',
    operationId: 'getUser',
    summary: 'Get a user',
    tag,
    access: ADMIN_ACCESS,
    params: userParams,
    status: 200,
    response: UserSchema,
    async handler({ services, params }) {
      const user = await services.users.findById(params.userId);
      if (!user) throw notFound('user');
      return adminUser(user);
    },
  }),
  defineRoute({
    method: 'PUT',
    path: '/users/{userId}',
    operationId: 'updateUser',
    summary: "Change a user's roles, password, or disable them (which ends their sessions and revokes their tokens)",
    tag,
    access: ADMIN_ACCESS,
    params: userParams,
    body: UserUpdateRequestSchema,
    status: 200,
    response: UserSchema,
    async handler({ services, user: caller, params, body }) {
      let user = await services.users.findById(params.userId);
      if (!user) throw notFound('user');
      if (user.id === caller.id && (body.disabled === true || (body.roles && !body.roles.includes('admin')))) {
        throw invalid(body.disabled ? 'disabled' : 'roles', 'you cannot disable yourself or remove your own admin role');
      }
      // Validate everything first so a bad password does not leave the roles half-changed.
      if (body.password !== undefined) validatePassword(body.password);
      if (body.roles) user = await services.users.setRoles(user.id, body.roles);
      if (body.disabled !== undefined && body.disabled !== user.disabled) user = await services.users.setDisabled(user.id, body.disabled);
      if (body.password !== undefined) await services.users.changePassword(user.id, body.password, { signOut: true });
      return adminUser(user);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/roles',
    operationId: 'getRoles',
    summary: 'The roles and the REST API scopes each one can obtain',
    tag: 'Roles',
    access: ADMIN_ACCESS,
    status: 200,
    response: RoleListSchema,
    async handler() {
      const list = ROLES.map((name) => ({ name, description: ROLE_DESCRIPTIONS[name], scopes: [...restScopesFor([name])] }));
      return { count: list.length, list };
    },
  }),
];
