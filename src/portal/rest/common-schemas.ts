import { z } from 'zod';
import { PaginationSchema } from './pagination.ts';

/** Schemas every REST API shares: the WSO2 error envelope, pagination, and field helpers. */

export const ErrorListItemSchema = z.object({
  code: z.string(),
  message: z.string().meta({ description: 'The field the problem concerns' }),
  description: z.string(),
});

export const ErrorSchema = z.object({
  code: z.number().int(),
  message: z.string(),
  description: z.string(),
  moreInfo: z.string(),
  error: z.array(ErrorListItemSchema),
});

/** An API resource (WSO2 `APIOperations`), the same in the Developer Portal and the Publisher. */
export const OperationSchema = z.object({
  id: z.string(),
  target: z.string(),
  verb: z.string(),
  authType: z.string(),
  throttlingPolicy: z.string(),
  scopes: z.array(z.string()),
});

export const COMMON_SCHEMAS = { Error: ErrorSchema, ErrorListItem: ErrorListItemSchema, Pagination: PaginationSchema } as const;

/**
 * A WSO2 read-only field: accepted in a request body (scripts send back what they read) and ignored,
 * so mass assignment of e.g. `owner`, `status` or `consumerKey` never takes effect (P06).
 */
export const readOnly = (description = 'Read-only: ignored in requests') => z.unknown().optional().meta({ readOnly: true, description });

/** A WSO2 field Gatehouse accepts for compatibility and ignores. */
export const ignored = (description: string) => z.unknown().optional().meta({ description: `Accepted for WSO2 compatibility and ignored: ${description}` });

/** WSO2 clients send numbers as JSON numbers or as numeric strings. */
export const intLike = z.union([z.number().int(), z.string().regex(/^-?\d{1,15}$/, 'expected a whole number')]);

export const toInt = (value: number | string): number => (typeof value === 'number' ? value : Number(value));

export const id = z.string().min(1).max(100);

/** Epoch milliseconds as a string (WSO2 `createdTime`, `updatedTime`). */
export const epochMs = z.string().meta({ description: 'Epoch milliseconds, as a string' });

export const msString = (ms: number): string => String(ms);
