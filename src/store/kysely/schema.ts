import type { Generated } from 'kysely';

/**
 * Table shapes shared by every Kysely backend. Timestamps are epoch milliseconds (BIGINT in
 * PostgreSQL, parsed back to numbers by the backend); flags are 0/1 integers; lists and maps are JSON
 * text, so one set of repositories serves SQLite and PostgreSQL alike.
 */
export interface Database {
  users: UsersTable;
  applications: ApplicationsTable;
  clients: ClientsTable;
  client_secrets: ClientSecretsTable;
  apis: ApisTable;
  subscriptions: SubscriptionsTable;
  throttle_policies: ThrottlePoliciesTable;
  signing_keys: SigningKeysTable;
  access_tokens: AccessTokensTable;
  refresh_tokens: RefreshTokensTable;
  authorization_codes: AuthorizationCodesTable;
  api_keys: ApiKeysTable;
  sessions: SessionsTable;
  change_events: ChangeEventsTable;
  event_consumers: EventConsumersTable;
}

export interface UsersTable {
  id: string;
  username: string;
  password_hash: string;
  roles: string;
  disabled: number;
  created_at: number;
}

export interface ApplicationsTable {
  id: string;
  name: string;
  owner_id: string;
  throttling_policy: string;
  description: string;
  token_type: string;
  attributes: string;
  status: string;
  created_at: number;
  updated_at: number;
}

export interface ClientsTable {
  consumer_key: string;
  kind: string;
  key_mapping_id: string | null;
  application_id: string | null;
  key_type: string | null;
  owner_id: string;
  name: string;
  grant_types: string;
  callback_url: string | null;
  app_token_ttl: number;
  user_token_ttl: number;
  refresh_token_ttl: number;
  pkce_mandatory: number;
  created_at: number;
  updated_at: number;
}

export interface ClientSecretsTable {
  id: string;
  consumer_key: string;
  hash: string;
  start: string;
  description: string;
  created_at: number;
  expires_at: number | null;
}

export interface ApisTable {
  id: string;
  name: string;
  context: string;
  version: string;
  description: string;
  provider_id: string;
  lifecycle_status: string;
  production_url: string | null;
  sandbox_url: string | null;
  operations: string;
  scopes: string;
  policies: string;
  security_scheme: string;
  api_throttling_policy: string | null;
  backend_jwt: number;
  created_at: number;
  updated_at: number;
}

export interface SubscriptionsTable {
  id: string;
  application_id: string;
  api_id: string;
  throttling_policy: string;
  status: string;
  created_at: number;
  updated_at: number;
}

export interface ThrottlePoliciesTable {
  id: string;
  level: string;
  name: string;
  display_name: string;
  description: string;
  request_count: number | null;
  unit_time: number;
  time_unit: string;
  stop_on_quota_reach: number;
  created_at: number;
  updated_at: number;
}

export interface SigningKeysTable {
  kid: string;
  purpose: string;
  alg: string;
  public_jwk: string;
  private_key_enc: string;
  status: string;
  created_at: number;
  retired_at: number | null;
}

export interface AccessTokensTable {
  jti: string;
  hash: string | null;
  format: string;
  consumer_key: string;
  application_id: string | null;
  key_type: string | null;
  user_id: string | null;
  aut: string;
  scopes: string;
  grant_id: string;
  kid: string | null;
  issued_at: number;
  expires_at: number | null;
  revoked_at: number | null;
}

export interface RefreshTokensTable {
  id: string;
  hash: string;
  consumer_key: string;
  grant_id: string;
  user_id: string | null;
  scopes: string;
  issued_at: number;
  expires_at: number | null;
  consumed_at: number | null;
  revoked_at: number | null;
}

export interface AuthorizationCodesTable {
  hash: string;
  consumer_key: string;
  user_id: string;
  redirect_uri: string;
  scopes: string;
  code_challenge: string;
  grant_id: string;
  issued_at: number;
  expires_at: number;
  consumed_at: number | null;
}

export interface ApiKeysTable {
  id: string;
  application_id: string;
  key_type: string;
  name: string;
  hash: string;
  start: string;
  permitted_ips: string;
  permitted_referers: string;
  issued_at: number;
  validity_period: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
  /** Migration 0006: WSO2's per-API keys. */
  origin: string;
  api_id: string | null;
  owner_id: string | null;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

export interface ChangeEventsTable {
  id: Generated<number>;
  type: string;
  payload: string;
  created_at: number;
}

/** One reader of change_events: it has read every event with id ≤ cursor, as of seen_at. */
export interface EventConsumersTable {
  id: string;
  cursor: number;
  seen_at: number;
}
