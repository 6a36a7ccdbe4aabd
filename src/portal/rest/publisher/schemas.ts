import { z } from 'zod';
import { AUTH_TYPES, HTTP_VERBS } from '../../../core/model.ts';
import { OperationSchema, epochMs, ignored, readOnly } from '../common-schemas.ts';
import { PaginationSchema } from '../pagination.ts';

/** Publisher v4 schemas (WSO2 publisher-api.yaml), limited to what Gatehouse models; other WSO2 fields are accepted and ignored. */

const endpoint = z.strictObject({ url: z.string().max(2000), config: ignored('endpoint tuning'), template_not_supported: ignored('URL templates') });

export const EndpointConfigSchema = z.strictObject({
  endpoint_type: z.enum(['http', 'address']).optional(),
  production_endpoints: endpoint.optional(),
  sandbox_endpoints: endpoint.optional(),
  endpoint_security: ignored('backend authentication'),
  failOver: ignored('fail-over endpoints'),
  algoCombo: ignored('load balancing'),
});

export const OperationInputSchema = z.strictObject({
  id: readOnly(),
  target: z.string().max(500),
  verb: z.string().max(10).meta({ description: HTTP_VERBS.join(', ') }),
  authType: z.enum([...AUTH_TYPES, 'Any']).optional(),
  throttlingPolicy: z.string().max(100).optional().meta({ description: 'A resource-level (api) tier; default Unlimited' }),
  scopes: z.array(z.string().max(255)).max(20).optional(),
  usagePlan: ignored('monetization'),
  amznResourceName: ignored('AWS Lambda'),
  amznResourceTimeout: ignored('AWS Lambda'),
  amznResourceContentEncode: ignored('AWS Lambda'),
  payloadSchema: ignored('schema validation'),
  uriMapping: ignored('URI mapping'),
  operationPolicies: ignored('operation policies'),
  operationHubPolicies: ignored('operation policies'),
  usedProductIds: readOnly(),
});

export const ScopeInputSchema = z.strictObject({
  scope: z.strictObject({
    id: readOnly(),
    name: z.string().max(255),
    displayName: z.string().max(255).optional(),
    description: z.string().max(1000).optional(),
    bindings: z.array(z.string().max(100)).max(10).optional().meta({ description: 'Roles: admin, publisher, subscriber (WSO2 "Internal/…" names are mapped)' }),
    usageCount: readOnly(),
  }),
  shared: ignored('shared scopes are not supported'),
});

const WSO2_IGNORED = [
  'isDefaultVersion', 'isRevision', 'revisionedApiId', 'revisionId', 'enableSchemaValidation', 'enableStore', 'transport', 'tags', 'visibility',
  'visibleRoles', 'visibleTenants', 'type', 'audience', 'audiences', 'gatewayVendor', 'gatewayType', 'businessInformation', 'corsConfiguration',
  'additionalProperties', 'additionalPropertiesMap', 'categories', 'keyManagers', 'subscriptionAvailability', 'subscriptionAvailableTenants',
  'accessControl', 'accessControlRoles', 'mediationPolicies', 'responseCachingEnabled', 'cacheTimeout', 'authorizationHeader', 'apiKeyHeader',
  'hasThumbnail', 'monetization', 'wsdlInfo', 'wsdlUrl', 'testKey', 'serviceInfo', 'advertiseInfo', 'apiPolicies', 'endpointImplementationType',
  'asyncTransportProtocols', 'initiatedFromGateway', 'isSubscriptionAvailable', 'egress', 'subtypeConfiguration', 'workflowStatus', 'threatProtectionPolicies',
  'displayName', 'enableSubscriberVerification', 'organizationPolicies', 'maxTps', 'visibleOrganizations', 'apiHubPolicies', 'websubSubscriptionConfiguration',
  'lastUpdatedTimestamp', 'primaryProductionEndpointId', 'primarySandboxEndpointId',
] as const;

const apiFields = {
  name: z.string().max(60),
  context: z.string().min(1).max(200).meta({ description: 'A leading / is added when missing, as WSO2 does' }),
  version: z.string().max(30),
  description: z.string().max(2000).nullable().optional(),
  endpointConfig: EndpointConfigSchema.nullable().optional(),
  operations: z.array(OperationInputSchema).max(200).optional(),
  scopes: z.array(ScopeInputSchema).max(100).optional(),
  policies: z.array(z.string().max(100)).max(20).optional().meta({ description: 'Subscription tiers offered (default Unlimited)' }),
  securityScheme: z.array(z.string().max(60)).max(5).optional().meta({ description: 'oauth2 and/or api_key' }),
  apiThrottlingPolicy: z.string().max(100).nullable().optional(),
  backendJwt: z.boolean().optional().meta({ description: 'Gatehouse: send a signed X-JWT-Assertion to the backend' }),
  id: readOnly(),
  provider: readOnly(),
  lifeCycleStatus: readOnly('Ignored: use POST /apis/change-lifecycle'),
  createdTime: readOnly(),
  lastUpdatedTime: readOnly(),
  ...Object.fromEntries(WSO2_IGNORED.map((k) => [k, ignored(k)])),
};

export const ApiRequestSchema = z.strictObject(apiFields);

/** `additionalProperties` of import-openapi: the same fields, all optional, overriding the document. */
export const ApiOverridesSchema = z.strictObject({ ...apiFields, name: apiFields.name.optional(), context: apiFields.context.optional(), version: apiFields.version.optional() });

export const ImportOpenApiRequestSchema = z.strictObject({
  file: z.string().max(4_000_000).optional().meta({ description: 'The OpenAPI 3 document (JSON) as text' }),
  inlineAPIDefinition: z.union([z.string().max(4_000_000), z.record(z.string(), z.unknown())]).optional(),
  url: z.string().max(2000).optional().meta({ description: 'Not supported: the server does not fetch URLs' }),
  additionalProperties: z.union([z.string().max(1_000_000), z.record(z.string(), z.unknown())]).optional().meta({ description: 'API fields (JSON) that override the document: name, context, version, endpointConfig, policies…' }),
});


export const PublisherScopeSchema = z.object({
  scope: z.object({ id: z.string(), name: z.string(), displayName: z.string(), description: z.string(), bindings: z.array(z.string()), usageCount: z.number().int() }),
  shared: z.boolean(),
});

export const PublisherApiSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  context: z.string(),
  version: z.string(),
  provider: z.string(),
  lifeCycleStatus: z.string(),
  type: z.string(),
  transport: z.array(z.string()),
  endpointConfig: z.object({
    endpoint_type: z.string(),
    production_endpoints: z.object({ url: z.string() }).optional(),
    sandbox_endpoints: z.object({ url: z.string() }).optional(),
  }),
  operations: z.array(OperationSchema),
  scopes: z.array(PublisherScopeSchema),
  policies: z.array(z.string()),
  securityScheme: z.array(z.string()),
  apiThrottlingPolicy: z.string().optional().meta({ description: 'Absent when the API has no API-level tier' }),
  backendJwt: z.boolean(),
  createdTime: epochMs,
  lastUpdatedTime: epochMs,
});

export const PublisherApiInfoSchema = PublisherApiSchema.pick({
  id: true, name: true, description: true, context: true, version: true, provider: true, lifeCycleStatus: true, type: true, securityScheme: true, createdTime: true, lastUpdatedTime: true,
});

export const PublisherApiListSchema = z.object({ count: z.number().int(), list: z.array(PublisherApiInfoSchema), pagination: PaginationSchema });

export const LifecycleStateSchema = z.object({
  state: z.string(),
  checkItems: z.array(z.object({ name: z.string(), value: z.boolean() })),
  availableTransitions: z.array(z.object({ event: z.string(), targetState: z.string() })),
});

export const WorkflowResponseSchema = z.object({ workflowStatus: z.string(), jsonPayload: z.string(), lifecycleState: LifecycleStateSchema });

export const PublisherThrottlingPolicySchema = z.object({
  name: z.string(),
  displayName: z.string(),
  description: z.string(),
  policyLevel: z.string(),
  requestCount: z.number().int(),
  unitTime: z.number().int(),
  timeUnit: z.string(),
  tierPlan: z.string(),
  stopOnQuotaReach: z.boolean(),
});

export const PublisherThrottlingPolicyListSchema = z.object({ count: z.number().int(), list: z.array(PublisherThrottlingPolicySchema), pagination: PaginationSchema });

export const PUBLISHER_SCHEMAS = {
  EndpointConfig: EndpointConfigSchema,
  APIOperationsInput: OperationInputSchema,
  APIScopeInput: ScopeInputSchema,
  APIRequest: ApiRequestSchema,
  APIOverrides: ApiOverridesSchema,
  ImportOpenAPIRequest: ImportOpenApiRequestSchema,
  APIOperations: OperationSchema,
  APIScope: PublisherScopeSchema,
  API: PublisherApiSchema,
  APIInfo: PublisherApiInfoSchema,
  APIList: PublisherApiListSchema,
  LifecycleState: LifecycleStateSchema,
  WorkflowResponse: WorkflowResponseSchema,
  ThrottlingPolicy: PublisherThrottlingPolicySchema,
  ThrottlingPolicyList: PublisherThrottlingPolicyListSchema,
} as const;
