import { z } from 'zod';
import { invalid } from '../../../core/errors.ts';
import type { Services } from '../../../runtime/services.ts';
import { defineRoute } from '../route-table.ts';
import { SETTINGS_ACCESS } from './access.ts';

/**
 * Application attributes the administrator defines (setting `applicationAttributes`), as WSO2's
 * ApplicationConfiguration: listed for clients, and required ones enforced when applications are
 * created or updated over REST. A hidden attribute is not asked of the user: it gets its default.
 */

export const ApplicationAttributeSchema = z.object({
  attribute: z.string(),
  description: z.string(),
  type: z.string(),
  tooltip: z.string(),
  required: z.enum(['true', 'false']).meta({ description: 'A string, as in WSO2' }),
  hidden: z.enum(['true', 'false']),
});

export const ApplicationAttributeListSchema = z.object({ count: z.number().int(), list: z.array(ApplicationAttributeSchema) });

export const APPLICATION_ATTRIBUTE_SCHEMAS = { ApplicationAttribute: ApplicationAttributeSchema, ApplicationAttributeList: ApplicationAttributeListSchema } as const;

/** The attributes an application gets: the caller's, hidden defaults filled in, required ones checked. */
export function withAttributeRules(services: Services, attributes: Record<string, string> | undefined): Record<string, string> | undefined {
  const defined = services.config.applicationAttributes;
  if (defined.length === 0) return attributes;
  const out = { ...attributes };
  for (const a of defined) {
    if (a.hidden && a.default !== undefined && out[a.attribute] === undefined) out[a.attribute] = a.default;
    if (a.required && !out[a.attribute]?.trim()) throw invalid(`attributes.${a.attribute}`, `the application attribute "${a.attribute}" is required`);
  }
  return out;
}

export const applicationAttributeRoutes = [
  defineRoute({
    method: 'GET',
    path: '/settings/application-attributes',
    operationId: 'getAllApplicationAttributes',
    summary: 'Application attributes defined by the administrator (required, optional, hidden)',
    tag: 'Settings',
    access: SETTINGS_ACCESS,
    status: 200,
    response: ApplicationAttributeListSchema,
    async handler({ services }) {
      const list = services.config.applicationAttributes.map((a) => ({
        attribute: a.attribute,
        description: a.description,
        type: a.type,
        tooltip: a.tooltip,
        required: String(a.required) as 'true' | 'false',
        hidden: String(a.hidden) as 'true' | 'false',
      }));
      return { count: list.length, list };
    },
  }),
];
