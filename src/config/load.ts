import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { SETTINGS, type SettingKey } from './settings.ts';

type Settings = typeof SETTINGS;
type Value<K extends SettingKey> = z.output<Settings[K]['schema']>;

/** The effective configuration: loaded once at start-up, validated, frozen. */
export type Config = Readonly<{
  [K in SettingKey]: Settings[K] extends { default: unknown } ? Value<K> : Value<K> | undefined;
}>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface ConfigSources {
  /** Flag values by setting key, as commander parsed them (undefined = not given). */
  flags?: Partial<Record<SettingKey, unknown>>;
  env?: NodeJS.ProcessEnv;
  /** Path of a JSON config file (else GATEHOUSE_CONFIG, else none). */
  file?: string;
}

function readFile(path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${path} must hold a JSON object`);
  }
  for (const key of Object.keys(parsed)) {
    if (!(key in SETTINGS)) throw new ConfigError(`config file ${path}: unknown setting "${key}"`);
  }
  return parsed as Record<string, unknown>;
}

function describe(key: SettingKey): string {
  const s: { env: string; flag?: string } = SETTINGS[key];
  return [key, s.env, s.flag].filter(Boolean).join(' / ');
}

export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? process.env;
  const filePath = sources.file ?? env.GATEHOUSE_CONFIG;
  const file = filePath ? readFile(filePath) : {};
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(SETTINGS) as SettingKey[]) {
    const spec: { env: string; schema: z.ZodType; default?: unknown; secret?: boolean } = SETTINGS[key];
    const envValue = env[spec.env] === '' ? undefined : env[spec.env];
    const raw = sources.flags?.[key] ?? envValue ?? file[key];
    if (raw === undefined) {
      out[key] = spec.default;
      continue;
    }
    const result = spec.schema.safeParse(raw);
    if (!result.success) {
      const shown = spec.secret ? '(hidden)' : JSON.stringify(raw);
      const reason = result.error.issues[0]?.message ?? 'invalid value';
      throw new ConfigError(`invalid setting ${describe(key)}: ${reason} (got ${shown})`);
    }
    out[key] = result.data;
  }
  if ((out.tlsCert === undefined) !== (out.tlsKey === undefined)) {
    throw new ConfigError('invalid setting tlsCert / tlsKey: set both GATEHOUSE_TLS_CERT and GATEHOUSE_TLS_KEY, or neither');
  }
  return Object.freeze(out) as Config;
}

/** The effective settings with secrets masked, for `gatehouse config`. */
export function describeConfig(config: Config): Array<{ key: SettingKey; env: string; value: string; doc: string }> {
  return (Object.keys(SETTINGS) as SettingKey[]).map((key) => {
    const spec: { env: string; doc: string; secret?: boolean } = SETTINGS[key];
    const value = config[key];
    const shown = value === undefined ? '(unset)' : spec.secret ? '(set, hidden)' : JSON.stringify(value);
    return { key, env: spec.env, value: shown, doc: spec.doc };
  });
}
