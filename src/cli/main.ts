import { Command } from 'commander';
import { ConfigError, describeConfig } from '../config/load.ts';
import { DomainError } from '../core/errors.ts';
import { apisCommand } from './commands/apis.ts';
import { keysCommand } from './commands/keys.ts';
import { scanCommand } from './commands/scan.ts';
import { usersCommand } from './commands/users.ts';
import { CliError, printTable, withServices } from './context.ts';
import { STORE_SETTINGS, configFrom, withSettings } from './options.ts';

const program = new Command('gatehouse')
  .description('API-management key service: Developer Portal, OAuth2 Key Manager and Gateway')
  .showHelpAfterError();

withSettings(program.command('start').description('run the server (control plane, gateway, or both)')).action(async (_opts: unknown, command: Command) => {
  // Loaded only here: the other commands start faster without the HTTP stack.
  const { startServer } = await import('../runtime/start.ts');
  const server = await startServer(configFrom(command));
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
});

withSettings(program.command('migrate').description('apply pending store migrations'), STORE_SETTINGS).action(async (_opts: unknown, command: Command) => {
  await withServices(configFrom(command), async () => undefined);
  process.stdout.write('store is up to date\n');
});

withSettings(program.command('config').description('print the effective settings (secrets hidden)')).action((_opts: unknown, command: Command) => {
  printTable(describeConfig(configFrom(command)).map(({ key, env, value }) => ({ setting: key, env, value })));
});

program.addCommand(usersCommand());
program.addCommand(keysCommand());
program.addCommand(apisCommand());
program.addCommand(scanCommand());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CliError || error instanceof ConfigError) {
    process.stderr.write(`gatehouse: ${error.message}\n`);
  } else if (error instanceof DomainError) {
    process.stderr.write(`gatehouse: ${error.publicMessage}\n`);
  } else {
    process.stderr.write(`gatehouse: ${(error as Error).message}\n`);
  }
  process.exit(1);
}
