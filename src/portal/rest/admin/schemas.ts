import { z } from 'zod';
import { ROLES, TIME_UNITS } from '../../../core/model.ts';
import { epochMs, ignored, readOnly } from '../common-schemas.ts';
import { PaginationSchema } from '../pagination.ts';

/** Admin v4 schemas (WSO2 admin-api.yaml) for throttling policies, users and roles. */

const RequestCountSchema = z.object({
  timeUnit: z.enum(TIME_UNITS),
  unitTime: z.number().int(),
  requestCount: z.number().int().meta({ description: '2147483647 = unlimited' }),
});

export const ThrottleLimitSchema = z.object({ type: z.literal('REQUESTCOUNTLIMIT'), requestCount: RequestCountSchema });

export const ThrottlePolicySchema = z.object({
  policyId: z.string(),
  policyName: z.string(),
  displayName: z.string(),
  description: z.string(),
  isDeployed: z.boolean(),
  type: z.string(),
  defaultLimit: ThrottleLimitSchema,
  stopOnQuotaReach: z.boolean(),
  billingPlan: z.string(),
});

export const ThrottlePolicyListSchema = z.object({ count: z.number().int(), list: z.array(ThrottlePolicySchema), pagination: PaginationSchema });

export const ThrottlePolicyRequestSchema = z.strictObject({
  policyName: z.string().max(60),
  displayName: z.string().max(100).optional(),
  description: z.string().max(1000).optional(),
  defaultLimit: z.strictObject({
    type: z.literal('REQUESTCOUNTLIMIT').meta({ description: 'Only request-count limits are supported' }),
    requestCount: z.strictObject({
      timeUnit: z.enum(TIME_UNITS),
      unitTime: z.number().int().min(1).max(1000),
      requestCount: z.number().int().min(1).max(2_147_483_647).meta({ description: '2147483647 = unlimited' }),
    }),
    bandwidth: ignored('bandwidth limits are not supported'),
  }),
  stopOnQuotaReach: z.boolean().optional(),
  billingPlan: ignored('monetization'),
  rateLimitCount: ignored('burst control'),
  rateLimitTimeUnit: ignored('burst control'),
  customAttributes: ignored('custom attributes'),
  permissions: ignored('tier permissions'),
  graphQLMaxComplexity: ignored('GraphQL'),
  graphQLMaxDepth: ignored('GraphQL'),
  subscriberCount: ignored('subscriber limits'),
  policyId: readOnly(),
  isDeployed: readOnly(),
  type: readOnly(),
});

export const UserSchema = z.object({
  userId: z.string(),
  username: z.string(),
  roles: z.array(z.string()),
  disabled: z.boolean(),
  createdTime: epochMs,
});

export const UserListSchema = z.object({ count: z.number().int(), list: z.array(UserSchema), pagination: PaginationSchema });

export const UserRequestSchema = z.strictObject({
  username: z.string().max(100),
  password: z.string().max(1024),
  roles: z.array(z.enum(ROLES)).min(1).max(3),
});

export const UserUpdateRequestSchema = z.strictObject({
  roles: z.array(z.enum(ROLES)).min(1).max(3).optional(),
  disabled: z.boolean().optional().meta({ description: 'Disabling ends the user\'s sessions and revokes their tokens' }),
  password: z.string().max(1024).optional(),
  userId: readOnly(),
  username: readOnly('Ignored: usernames cannot change'),
  createdTime: readOnly(),
});

export const RoleSchema = z.object({ name: z.string(), description: z.string(), scopes: z.array(z.string()) });
export const RoleListSchema = z.object({ count: z.number().int(), list: z.array(RoleSchema) });

export const ADMIN_SCHEMAS = {
  ThrottleLimit: ThrottleLimitSchema,
  ThrottlePolicy: ThrottlePolicySchema,
  ThrottlePolicyList: ThrottlePolicyListSchema,
  ThrottlePolicyRequest: ThrottlePolicyRequestSchema,
  User: UserSchema,
  UserList: UserListSchema,
  UserRequest: UserRequestSchema,
  UserUpdateRequest: UserUpdateRequestSchema,
  Role: RoleSchema,
  RoleList: RoleListSchema,
} as const;
