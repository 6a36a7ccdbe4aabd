import { invalid, notFound } from '../../../core/errors.ts';
import type { OAuthClient } from '../../../core/model.ts';
import { integer, text } from '../../../core/validate.ts';
import { field } from '../../../oauth/form.ts';
import { many } from '../layout.ts';
import { redirect, show, type ActionContext, type FieldErrors, type MemberContext, type UiRouter } from '../router.ts';
import { SUBSCRIBER, appBase, clientOf, keyTypeOf, loadApplication, segmentOf } from './app-shell.ts';
import { defaultKeySettings, parseKeySettings, settingsOfClient, settingsOfForm, type KeySettingsValues } from './key-settings.ts';
import { keysPage, type KeysView } from './oauth-keys-view.ts';
import { issueAccessToken, subscribedApis } from './tokens.ts';

const PATH = '/devportal/applications/:appId/keys/:keyType';

async function load(ctx: MemberContext) {
  const application = await loadApplication(ctx);
  const keyType = keyTypeOf(ctx.params.keyType);
  const client = await clientOf(ctx.services, application, keyType);
  return { application, keyType, client, base: `${appBase(application)}/keys/${segmentOf(keyType)}` };
}

async function view(ctx: MemberContext, extra: { errors?: FieldErrors; settings?: KeySettingsValues; openDialog?: string; token?: KeysView['token'] } = {}): Promise<string> {
  const { application, keyType, client } = await load(ctx);
  const [secrets, apis] = await Promise.all([client ? ctx.services.clients.listSecrets(client) : [], subscribedApis(ctx.services, application)]);
  return keysPage({
    ctx,
    application,
    keyType,
    client,
    secrets,
    apis,
    settings: extra.settings ?? (client ? settingsOfClient(client) : defaultKeySettings(ctx.services)),
    errors: extra.errors ?? {},
    ...(extra.openDialog && { openDialog: extra.openDialog }),
    ...(extra.token && { token: extra.token }),
  });
}

async function requireClient(ctx: ActionContext): Promise<{ client: OAuthClient; base: string; application: Awaited<ReturnType<typeof loadApplication>> }> {
  const loaded = await load(ctx);
  if (!loaded.client) throw notFound('keys');
  return { ...loaded, client: loaded.client };
}

const reRender = (ctx: ActionContext, errors: FieldErrors) => view(ctx, { errors });

export function registerOAuthKeys(router: UiRouter): void {
  const { services } = router;

  router.page(PATH, SUBSCRIBER, async (ctx) => show(await view(ctx)));

  router.action(
    `${PATH}/generate`,
    SUBSCRIBER,
    async (ctx) => {
      const { application, keyType, base } = await load(ctx);
      const settings = parseKeySettings(settingsOfForm(ctx.form), defaultKeySettings(services));
      const { client, secret } = await services.clients.generateKeys(application, keyType, settings);
      return redirect(base, { reveal: { kind: 'keys', consumerKey: client.consumerKey, consumerSecret: secret } });
    },
    { onError: (ctx, errors) => view(ctx, { errors, settings: settingsOfForm(ctx.form) }) },
  );

  router.action(
    `${PATH}/update`,
    SUBSCRIBER,
    async (ctx) => {
      const { client, base } = await requireClient(ctx);
      await services.clients.update(client, parseKeySettings(settingsOfForm(ctx.form), settingsOfClient(client)));
      return redirect(base, { notice: 'Key configuration updated.' });
    },
    { onError: (ctx, errors) => view(ctx, { errors, settings: settingsOfForm(ctx.form) }) },
  );

  router.action(`${PATH}/regenerate-secret`, SUBSCRIBER, async (ctx) => {
    const { client, base } = await requireClient(ctx);
    const value = await services.clients.regenerateSecret(client);
    return redirect(base, { reveal: { kind: 'secret', value, regenerated: true }, notice: 'Consumer secret regenerated. The old secrets and every token of these keys no longer work.' });
  });

  router.action(
    `${PATH}/generate-secret`,
    SUBSCRIBER,
    async (ctx) => {
      const { client, base } = await requireClient(ctx);
      const description = text('description', field(ctx.form, 'description') || 'additional secret', { min: 1, max: 200 });
      const expiresRaw = field(ctx.form, 'expiresIn')?.trim() ?? '';
      const expiresInSeconds = expiresRaw === '' ? null : integer('expiresIn', expiresRaw, { min: 0 });
      const { value } = await services.clients.generateSecret(client, { description, expiresInSeconds: expiresInSeconds || null });
      return redirect(base, { reveal: { kind: 'secret', value, regenerated: false }, notice: 'Additional consumer secret generated; the other secrets keep working.' });
    },
    { onError: reRender },
  );

  router.action(
    `${PATH}/revoke-secret`,
    SUBSCRIBER,
    async (ctx) => {
      const { client, base } = await requireClient(ctx);
      const secretId = field(ctx.form, 'secretId');
      if (!secretId) throw invalid('secretId', 'secretId is required');
      await services.clients.revokeSecret(client, secretId);
      return redirect(base, { notice: 'Consumer secret revoked.' });
    },
    { onError: reRender },
  );

  router.action(
    `${PATH}/token`,
    SUBSCRIBER,
    async (ctx) => {
      const { application, client, base } = await requireClient(ctx);
      const issued = await issueAccessToken(services, { application, client, validityPeriod: field(ctx.form, 'validityPeriod'), scopes: many(ctx.form.scopes) });
      return redirect(`${base}#token-title`, { reveal: { kind: 'token', accessToken: issued.accessToken, expiresIn: issued.expiresIn, scopes: issued.scopes } });
    },
    {
      onError: (ctx, errors) =>
        view(ctx, { errors, openDialog: 'token', token: { validityPeriod: field(ctx.form, 'validityPeriod') ?? '', scopes: many(ctx.form.scopes) } }),
    },
  );

  router.action(`${PATH}/delete`, SUBSCRIBER, async (ctx) => {
    const { client, base } = await requireClient(ctx);
    await services.clients.delete(client);
    return redirect(base, { notice: 'Keys removed. Their tokens no longer work.' });
  });
}
