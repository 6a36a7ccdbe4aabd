import type { Api } from '../../core/model.ts';
import type { Services } from '../../runtime/services.ts';
import type { Page, Paged } from '../../store/ports.ts';
import { pageInMemory } from './pagination.ts';

/**
 * WSO2's API `query` parameter: "name:foo", "context:/foo" or free text, matched case-insensitively
 * against name and context. Catalogues are small, so matching happens over the full list.
 */
export async function searchApis(services: Services, page: Page, query: string | undefined, publishedOnly: boolean): Promise<Paged<Api>> {
  if (!query) return services.apis.list({ ...page, publishedOnly });
  const needle = query.replace(/^(name|context):/i, '').trim().toLowerCase();
  const all = (await services.apis.list({ limit: 100_000, offset: 0, publishedOnly })).items;
  const matching = all.filter((api) => api.name.toLowerCase().includes(needle) || api.context.toLowerCase().includes(needle));
  return { items: pageInMemory(matching, page), total: matching.length };
}
