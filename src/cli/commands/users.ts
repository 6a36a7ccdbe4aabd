import { Command, Option } from 'commander';
import { ROLES } from '../../core/model.ts';
import { CliError, printTable, readStdin, withServices } from '../context.ts';
import { STORE_SETTINGS, configFrom, withSettings } from '../options.ts';

export function usersCommand(): Command {
  const users = new Command('users').description('manage portal users and their roles');

  withSettings(
    users
      .command('add <username>')
      .description('create a user (password read from stdin)')
      .addOption(new Option('--role <role...>', 'one or more roles').choices(ROLES).default(['subscriber']))
      .requiredOption('--password-stdin', 'read the password from standard input'),
    STORE_SETTINGS,
  ).action(async (username: string, opts: { role: string[] }, command: Command) => {
    const password = await readStdin();
    await withServices(configFrom(command), async ({ users: service }) => {
      const user = await service.create({ username, password, roles: opts.role });
      process.stdout.write(`created user ${user.username} (${user.roles.join(', ')}) id ${user.id}\n`);
    });
  });

  withSettings(users.command('list').description('list users'), STORE_SETTINGS).action(async (_opts: unknown, command: Command) => {
    await withServices(configFrom(command), async ({ users: service }) => {
      const page = await service.list({ limit: 10_000, offset: 0 });
      printTable(page.items.map((u) => ({ username: u.username, roles: u.roles.join(','), status: u.disabled ? 'disabled' : 'active', id: u.id })));
    });
  });

  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    withSettings(
      users.command(`${name} <username>`).description(disabled ? 'disable a user: ends their sessions and revokes their tokens' : 'enable a disabled user'),
      STORE_SETTINGS,
    ).action(async (username: string, _opts: unknown, command: Command) => {
      await withServices(configFrom(command), async ({ users: service }) => {
        const user = await service.findByUsername(username);
        if (!user) throw new CliError(`no user named ${username}`);
        await service.setDisabled(user.id, disabled);
        process.stdout.write(`${disabled ? 'disabled' : 'enabled'} ${username}\n`);
      });
    });
  }
  return users;
}
