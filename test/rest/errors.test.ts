import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DomainError, type DomainErrorCode } from '../../src/core/errors.ts';
import { RestError, STATUS_BY_DOMAIN_CODE, fromZodIssues, toRestError } from '../../src/portal/rest/errors.ts';
import { parseMultipart } from '../../src/portal/rest/multipart.ts';
import { paged } from '../../src/portal/rest/pagination.ts';

/** The one table from domain errors to REST statuses, the WSO2 envelope, and the small parsers. */

describe('domain error → WSO2 envelope', () => {
  it('maps every domain code to exactly one status', () => {
    const expected: Record<DomainErrorCode, number> = {
      VALIDATION: 400,
      PRECONDITION: 400,
      UNAUTHENTICATED: 401,
      FORBIDDEN: 403,
      NOT_FOUND: 404,
      CONFLICT: 409,
      UNAVAILABLE: 503,
    };
    expect(STATUS_BY_DOMAIN_CODE).toEqual(expected);
    for (const [code, status] of Object.entries(expected)) {
      const rest = toRestError(new DomainError(code as DomainErrorCode, 'public message', { detail: 'internal detail' }));
      expect(rest.status).toBe(status);
      expect(rest.body).toEqual({ code: status, message: expect.any(String), description: 'public message', moreInfo: '', error: [] });
      expect(JSON.stringify(rest.body)).not.toContain('internal detail');
    }
  });

  it('a validation error names its field in the description and the error list', () => {
    const rest = toRestError(new DomainError('VALIDATION', 'unknown tier', { field: 'throttlingPolicy' }));
    expect(rest.body.description).toBe('throttlingPolicy: unknown tier');
    expect(rest.body.error).toEqual([{ code: '400', message: 'throttlingPolicy', description: 'unknown tier' }]);
    expect(toRestError(new DomainError('VALIDATION', 'name is required', { field: 'name' })).body.description).toBe('name is required');
  });

  it('anything unexpected is a 500 that says nothing internal', () => {
    const rest = toRestError(new Error('SQLITE_CONSTRAINT: secret gcs_abc at /src/store.ts:42'));
    expect(rest.status).toBe(500);
    expect(JSON.stringify(rest.body)).not.toMatch(/SQLITE|gcs_|store\.ts/);
    expect(toRestError(Object.assign(new Error('x'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 })).status).toBe(413);
    expect(toRestError(new SyntaxError('Unexpected token')).status).toBe(400);
    const passthrough = new RestError(418, 'teapot');
    expect(toRestError(passthrough)).toBe(passthrough);
  });

  it('zod issues name each field, unknown keys by their own name, array items with [i]', () => {
    const schema = z.strictObject({ name: z.string(), ops: z.array(z.strictObject({ verb: z.enum(['GET']) })) });
    const result = schema.safeParse({ name: 1, ops: [{ verb: 'PUT', extra: true }], more: 1 });
    const rest = fromZodIssues(result.error!.issues, 'body');
    expect(rest.status).toBe(400);
    expect(rest.body.error.map((e) => e.message)).toEqual(['name', 'ops[0].verb', 'ops[0].extra', 'more']);
    expect(rest.body.description.startsWith('name: ')).toBe(true);
    expect(fromZodIssues(z.object({}).safeParse(5).error!.issues, 'body').body.error[0]!.message).toBe('body');
  });
});

describe('multipart/form-data', () => {
  const boundary = 'XyZ';
  const part = (headers: string, value: string) => `--${boundary}\r\n${headers}\r\n\r\n${value}\r\n`;
  const type = `multipart/form-data; boundary=${boundary}`;

  it('reads text fields, with or without a filename', () => {
    const body = Buffer.from(part('Content-Disposition: form-data; name="file"; filename="a.json"\r\nContent-Type: application/json', '{"a":1}') + part('Content-Disposition: form-data; name="additionalProperties"', '{}') + `--${boundary}--\r\n`);
    expect(parseMultipart(body, type)).toEqual({ file: '{"a":1}', additionalProperties: '{}' });
  });

  it('refuses a missing boundary, duplicate or odd field names, and empty bodies', () => {
    expect(() => parseMultipart(Buffer.from('x'), 'multipart/form-data')).toThrow(RestError);
    const dup = Buffer.from(part('Content-Disposition: form-data; name="file"', '1') + part('Content-Disposition: form-data; name="file"', '2') + `--${boundary}--`);
    expect(() => parseMultipart(dup, type)).toThrow(/twice/);
    const proto = Buffer.from(part('Content-Disposition: form-data; name="__proto__"', '1') + `--${boundary}--`);
    expect(() => parseMultipart(proto, type)).toThrow(RestError);
    expect(() => parseMultipart(Buffer.from(`--${boundary}--`), type)).toThrow(/empty/);
  });
});

describe('pagination', () => {
  it('WSO2 pagination with next and previous links', () => {
    expect(paged(['c'], 3, { limit: 2, offset: 2 }, '/apis', { query: 'x' }).pagination).toEqual({ offset: 2, limit: 2, total: 3, next: '', previous: '/apis?query=x&limit=2&offset=0' });
    expect(paged(['a', 'b'], 3, { limit: 2, offset: 0 }, '/apis').pagination).toMatchObject({ next: '/apis?limit=2&offset=2', previous: '' });
  });
});
