import type { UiRouter } from '../router.ts';
import { registerAudit } from './audit.ts';
import { registerTiers } from './tiers.ts';
import { registerUsers } from './users.ts';

/** The Admin portal: throttling policies, users and roles. */
export function registerAdmin(router: UiRouter): void {
  registerTiers(router);
  registerUsers(router);
  registerAudit(router);
}
