import { z } from 'zod';
import type { Page } from '../../store/ports.ts';

/** WSO2 list paging: `limit` (default 25) and `offset` query parameters on every list. */
export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 1000;

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).optional().meta({ description: `Maximum size of the result list (default ${DEFAULT_LIMIT})` }),
  offset: z.coerce.number().int().min(0).optional().meta({ description: 'Starting point within the complete list (default 0)' }),
});

export const pageOf = (query: { limit?: number | undefined; offset?: number | undefined }): Page => ({
  limit: query.limit ?? DEFAULT_LIMIT,
  offset: query.offset ?? 0,
});

export const PaginationSchema = z.object({
  offset: z.number().int(),
  limit: z.number().int(),
  total: z.number().int(),
  next: z.string().meta({ description: 'Link to the next page, relative to the API base path; empty on the last page' }),
  previous: z.string().meta({ description: 'Link to the previous page; empty on the first page' }),
});

export type Pagination = z.infer<typeof PaginationSchema>;

function link(path: string, page: Page, extra: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) params.set(k, v);
  params.set('limit', String(page.limit));
  params.set('offset', String(page.offset));
  return `${path}?${params.toString()}`;
}

/** WSO2 `{count, list, pagination{offset, limit, total, next, previous}}`. */
export function paged<T>(items: T[], total: number, page: Page, path: string, extra: Record<string, string | undefined> = {}) {
  const nextOffset = page.offset + page.limit;
  const previousOffset = Math.max(0, page.offset - page.limit);
  return {
    count: items.length,
    list: items,
    pagination: {
      offset: page.offset,
      limit: page.limit,
      total,
      next: nextOffset < total ? link(path, { ...page, offset: nextOffset }, extra) : '',
      previous: page.offset > 0 ? link(path, { ...page, offset: previousOffset }, extra) : '',
    },
  };
}

/** Pages a list that is already in memory (small catalogues such as throttling policies). */
export function pageInMemory<T>(all: readonly T[], page: Page): T[] {
  return all.slice(page.offset, page.offset + page.limit);
}
