import type { z } from 'zod';
import type { PolicyInput } from '../../../core/policy-service.ts';
import type { ThrottlePolicy, User } from '../../../core/model.ts';
import { msString } from '../common-schemas.ts';
import { UNLIMITED_REQUESTS } from '../devportal/mappers.ts';
import type { ThrottlePolicyRequestSchema, ThrottlePolicySchema, UserSchema } from './schemas.ts';

/** Admin v4 shapes. Users never carry their password hash. */

const POLICY_TYPES = { application: 'ApplicationThrottlePolicy', subscription: 'SubscriptionThrottlePolicy', api: 'AdvancedThrottlePolicy' } as const;

export function adminPolicy(policy: ThrottlePolicy): z.input<typeof ThrottlePolicySchema> {
  return {
    policyId: policy.id,
    policyName: policy.name,
    displayName: policy.displayName,
    description: policy.description,
    isDeployed: true,
    type: POLICY_TYPES[policy.level],
    defaultLimit: {
      type: 'REQUESTCOUNTLIMIT',
      requestCount: { timeUnit: policy.timeUnit, unitTime: policy.unitTime, requestCount: policy.requestCount ?? UNLIMITED_REQUESTS },
    },
    stopOnQuotaReach: policy.stopOnQuotaReach,
    billingPlan: 'FREE',
  };
}

export function policyInput(body: z.output<typeof ThrottlePolicyRequestSchema>): PolicyInput {
  const { requestCount } = body.defaultLimit;
  return {
    name: body.policyName,
    displayName: body.displayName,
    description: body.description,
    requestCount: requestCount.requestCount === UNLIMITED_REQUESTS ? null : requestCount.requestCount,
    unitTime: requestCount.unitTime,
    timeUnit: requestCount.timeUnit,
    stopOnQuotaReach: body.stopOnQuotaReach,
  };
}

export const adminUser = (user: User): z.input<typeof UserSchema> => ({
  userId: user.id,
  username: user.username,
  roles: user.roles,
  disabled: user.disabled,
  createdTime: msString(user.createdAt),
});
