import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { apiFromOpenApi, parseOpenApiText } from '../../core/openapi-import.ts';
import { CliError, printTable, withServices } from '../context.ts';
import { STORE_SETTINGS, configFrom, withSettings } from '../options.ts';

interface ImportOptions {
  provider: string;
  name?: string;
  context?: string;
  apiVersion?: string;
  production?: string;
  sandbox?: string;
  publish?: boolean;
}

function readDefinition(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

/** `gatehouse apis …`: the publisher's OpenAPI import (same parser as POST /api/am/publisher/v4/apis/import-openapi). */
export function apisCommand(): Command {
  const apis = new Command('apis').description('manage APIs (publisher)');

  withSettings(
    apis
      .command('import <file>')
      .description('create an API from an OpenAPI 3 document (JSON): paths → operations, OAuth2 scopes and `security` → resource scopes')
      .option('--provider <username>', 'the publisher who owns the API', 'admin')
      .option('--name <name>', 'API name (default: info.title)')
      .option('--context <context>', 'gateway context, e.g. /pizza (default: x-wso2-basePath, the server path, or the title)')
      .option('--api-version <version>', 'API version (default: info.version)')
      .option('--production <url>', 'production endpoint URL (default: the first absolute server URL)')
      .option('--sandbox <url>', 'sandbox endpoint URL')
      .option('--publish', 'publish the API right away'),
    STORE_SETTINGS,
  ).action(async (file: string, opts: ImportOptions, command: Command) => {
    const { input, warnings } = apiFromOpenApi(parseOpenApiText(readDefinition(file)));
    await withServices(configFrom(command), async (services) => {
      const provider = await services.users.findByUsername(opts.provider);
      if (!provider) throw new CliError(`no user named ${opts.provider}; create one with "gatehouse users add" or pass --provider`);
      if (!provider.roles.includes('publisher') && !provider.roles.includes('admin')) throw new CliError(`${opts.provider} is not a publisher`);
      await services.policies.seedDefaults();
      let api = await services.apis.create(provider.id, {
        ...input,
        ...(opts.name && { name: opts.name }),
        ...(opts.context && { context: opts.context }),
        ...(opts.apiVersion && { version: opts.apiVersion }),
        ...(opts.production && { productionUrl: opts.production }),
        ...(opts.sandbox && { sandboxUrl: opts.sandbox }),
      });
      if (opts.publish) api = await services.apis.changeLifecycle(api.id, 'Publish');
      for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
      process.stdout.write(
        `imported API ${api.name} ${api.version} at ${api.context} with ${api.operations.length} operations and ${api.scopes.length} scopes (${api.lifeCycleStatus}) id ${api.id}\n`,
      );
    });
  });

  withSettings(apis.command('list').description('list APIs'), STORE_SETTINGS).action(async (_opts: unknown, command: Command) => {
    await withServices(configFrom(command), async (services) => {
      const page = await services.apis.list({ limit: 10_000, offset: 0 });
      printTable(page.items.map((a) => ({ name: a.name, version: a.version, context: a.context, status: a.lifeCycleStatus, id: a.id })));
    });
  });
  return apis;
}
