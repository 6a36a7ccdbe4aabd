import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { User } from '../../core/model.ts';
import type { Services } from '../../runtime/services.ts';
import type { Access, Principal } from './auth.ts';

/**
 * One route of a REST API, declared as data: the OpenAPI document, authentication, request
 * validation and response validation are all derived from these entries (route-mount.ts, openapi.ts).
 */

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteContext<P, Q, B> {
  services: Services;
  params: P;
  query: Q;
  body: B;
  principal: Principal | null;
  /** The calling user; reading it on an anonymous call throws 401. */
  user: User;
  request: FastifyRequest;
  reply: FastifyReply;
}

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType> {
  method: Method;
  /** OpenAPI-style path relative to the API base, e.g. `/applications/{applicationId}`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  access: Access;
  params?: P;
  query?: Q;
  /** A named schema (listed in the API's `schemas`), so the document can reference it. */
  body?: B;
  /** Also accept multipart/form-data text fields (WSO2 import-openapi). */
  multipart?: boolean;
  bodyLimit?: number;
  status: number;
  /** A named schema; absent = no response body. */
  response?: R;
  deprecated?: boolean;
  description?: string;
  handler(context: RouteContext<z.output<P>, z.output<Q>, z.output<B>>): Promise<z.input<R>>;
}

export type AnyRoute = RouteSpec<z.ZodType, z.ZodType, z.ZodType, z.ZodType>;

/** Keeps the handler typed against its own schemas, then erases the types for the route table. */
export function defineRoute<
  P extends z.ZodType = z.ZodObject<Record<string, never>>,
  Q extends z.ZodType = z.ZodObject<Record<string, never>>,
  B extends z.ZodType = z.ZodUndefined,
  R extends z.ZodType = z.ZodVoid,
>(spec: RouteSpec<P, Q, B, R>): AnyRoute {
  return spec as unknown as AnyRoute;
}

/** One REST API: its base path, routes, named schemas (OpenAPI components) and scope catalogue. */
export interface RestApi {
  title: string;
  version: string;
  description: string;
  basePath: string;
  routes: readonly AnyRoute[];
  schemas: Readonly<Record<string, z.ZodType>>;
  scopes: Readonly<Record<string, string>>;
}
