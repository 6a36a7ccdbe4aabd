import { z } from 'zod';
import { invalid } from '../../../core/errors.ts';
import { validatePassword } from '../../../core/users.ts';
import { RestError } from '../errors.ts';
import { defineRoute } from '../route-table.ts';
import { ME_ACCESS } from './access.ts';

/** The caller's own account: WSO2 `POST /me/change-password`. */

export const PasswordChangeRequestSchema = z.strictObject({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(1).max(1024),
});

export const meRoutes = [
  defineRoute({
    method: 'POST',
    path: '/me/change-password',
    operationId: 'changeUserPassword',
    summary: "Change the caller's password; the current one is checked through the sign-in throttle",
    description: 'Sessions and tokens stay valid (as in WSO2); the portal account page can also end other sessions.',
    tag: 'Users',
    access: ME_ACCESS,
    body: PasswordChangeRequestSchema,
    status: 200,
    async handler({ services, user, body, request }) {
      validatePassword(body.newPassword, 'newPassword');
      const attempt = { kind: 'password', account: user.username, ip: request.ip } as const;
      const outcome = await services.limits.credentials.guard(attempt, () => services.users.authenticate(user.username, body.currentPassword));
      if (outcome.throttled) throw new RestError(429, 'too many failed attempts; retry later', { headers: { 'retry-after': String(outcome.retryAfterSeconds) } });
      if (!outcome.value) throw invalid('currentPassword', 'the current password is wrong');
      await services.users.changePassword(user.id, body.newPassword);
    },
  }),
];
