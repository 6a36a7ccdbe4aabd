import { Command } from 'commander';
import { printTable, withServices } from '../context.ts';
import { STORE_SETTINGS, configFrom, withSettings } from '../options.ts';

const KEY_SETTINGS = [...STORE_SETTINGS, 'jwtAlgorithm'] as const;

export function keysCommand(): Command {
  const keys = new Command('keys').description('manage the Key Manager signing keys');

  withSettings(keys.command('rotate').description('generate a new active signing key; old keys keep verifying until their tokens expire'), KEY_SETTINGS).action(
    async (_opts: unknown, command: Command) => {
      await withServices(configFrom(command), async ({ keyRing }) => {
        await keyRing.ensureLoaded();
        const key = await keyRing.rotate();
        process.stdout.write(`new active signing key ${key.kid} (${key.alg})\n`);
      });
    },
  );

  withSettings(keys.command('list').description('list signing keys'), KEY_SETTINGS).action(async (_opts: unknown, command: Command) => {
    await withServices(configFrom(command), async ({ store }) => {
      printTable(
        (await store.signingKeys.list('access-token')).map((k) => ({
          kid: k.kid,
          alg: k.alg,
          status: k.status,
          created: new Date(k.createdAt).toISOString(),
          retired: k.retiredAt ? new Date(k.retiredAt).toISOString() : '',
        })),
      );
    });
  });

  withSettings(keys.command('prune').description('remove retired keys that no live token needs'), KEY_SETTINGS).action(async (_opts: unknown, command: Command) => {
    await withServices(configFrom(command), async ({ keyRing }) => {
      const removed = await keyRing.prune();
      process.stdout.write(removed.length ? `removed ${removed.join(', ')}\n` : 'nothing to remove\n');
    });
  });

  withSettings(keys.command('remove <kid>').description('remove a retired key now: tokens it signed stop verifying'), KEY_SETTINGS).action(
    async (kid: string, _opts: unknown, command: Command) => {
      await withServices(configFrom(command), async ({ keyRing }) => {
        process.stdout.write((await keyRing.remove(kid)) ? `removed ${kid}\n` : `no key ${kid}\n`);
      });
    },
  );
  return keys;
}
