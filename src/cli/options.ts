import type { Command } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config/load.ts';
import { SETTINGS, type SettingKey } from '../config/settings.ts';

/** Which settings each command accepts as flags (a command's own options may reuse a name, e.g. `users add --role`). */
const settingFlags = new WeakMap<Command, SettingKey[]>();

/** Adds `--config` and the flags of the given settings (or all that have flags) to a command. */
export function withSettings(command: Command, keys: readonly SettingKey[] = Object.keys(SETTINGS) as SettingKey[]): Command {
  command.option('--config <file>', 'JSON config file (also GATEHOUSE_CONFIG)');
  settingFlags.set(command, [...keys]);
  for (const key of keys) {
    const spec = SETTINGS[key] as { flag?: string; env: string; doc: string };
    if (!spec.flag) continue;
    command.option(`${spec.flag} <value>`, `${spec.doc} [${spec.env}]`);
  }
  return command;
}

/** commander's attribute name for a flag: `--control-port` → `controlPort`. */
const attributeOf = (flag: string): string => flag.replace(/^--/, '').replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

/** Loads the configuration from file, environment and the command's flags; exits with a clear message if invalid. */
export function configFrom(command: Command): Config {
  const opts = command.opts<Record<string, unknown>>();
  const flags: Partial<Record<SettingKey, unknown>> = {};
  for (const key of settingFlags.get(command) ?? []) {
    const spec = SETTINGS[key] as { flag?: string };
    const value = spec.flag ? opts[attributeOf(spec.flag)] : undefined;
    if (value !== undefined) flags[key] = value;
  }
  try {
    return loadConfig({ flags, ...(typeof opts.config === 'string' && { file: opts.config }) });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`gatehouse: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

export const STORE_SETTINGS: readonly SettingKey[] = ['store', 'dataDir', 'logLevel'];
