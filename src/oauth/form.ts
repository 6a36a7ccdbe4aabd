import type { FastifyRequest } from 'fastify';
import { invalidRequest } from './errors.ts';

/** Body limit for OAuth endpoints (panva caps at 56 KiB; T17). */
export const FORM_BODY_LIMIT = 56 * 1024;

export type Form = ReadonlyMap<string, string>;

/** What the server's form parser (node:querystring) produces: a repeated name becomes an array. */
export type FormBody = Record<string, string | string[] | undefined>;

/** One value of a parsed form body, only when given exactly once. */
export const field = (body: FormBody | undefined, name: string): string | undefined => {
  const value = body?.[name];
  return typeof value === 'string' ? value : undefined;
};

export function mediaType(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Parses an `application/x-www-form-urlencoded` body strictly (RFC 6749 §3.2): no other media type,
 * no parameter twice, empty values treated as omitted, no qs "magic" (values are always strings),
 * and nothing in the query string, where credentials would end up in logs (T08, T15, T16).
 */
export function readForm(request: FastifyRequest): Form {
  if (mediaType(request) !== 'application/x-www-form-urlencoded') {
    throw invalidRequest('only application/x-www-form-urlencoded content is accepted');
  }
  if (request.url.includes('?')) throw invalidRequest('parameters must be sent in the request body, not the query string');
  const form = new Map<string, string>();
  for (const [name, value] of Object.entries((request.body ?? {}) as FormBody)) {
    if (Array.isArray(value)) throw invalidRequest(`'${name}' parameter must not be provided twice`);
    if (value !== undefined && value !== '') form.set(name, value);
  }
  return form;
}

export function required(form: Form, name: string): string {
  const value = form.get(name);
  if (value === undefined) throw invalidRequest(`missing required parameter '${name}'`);
  return value;
}
