import { invalid, notFound } from '../../../core/errors.ts';
import type { OAuthClient } from '../../../core/model.ts';
import { integer, text } from '../../../core/validate.ts';
import { field } from '../../../oauth/form.ts';
import { many } from '../layout.ts';
import { redirect, redirectHolding, redirectReleasing, show, type ActionContext, type FieldErrors, type MemberContext, type UiRouter } from '../router.ts';
import { SUBSCRIBER, appBase, clientOf, keyTypeOf, loadApplication, segmentOf } from './app-shell.ts';
import { defaultKeySettings, parseKeySettings, settingsOfClient, settingsOfForm, type KeySettingsValues } from './key-settings.ts';
import { keysPage, newestSecretId, type KeysView } from './oauth-keys-view.ts';
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
      const scopes = many(ctx.form.scopes);
      if (scopes.length > 100) throw invalid('scopes', 'Choose at most 100 scopes.');
      const { client, secret } = await services.clients.generateKeys(application, keyType, settings);
      // The seed: "The access token will be generated along with application consumer key and secret".
      const token = client.grantTypes.includes('client_credentials')
        ? await issueAccessToken(services, { application, client, validityPeriod: undefined, scopes })
        : null;
      return redirectHolding(base, {
        kind: 'keys',
        consumerKey: client.consumerKey,
        consumerSecret: secret,
        ...(token && { token: { accessToken: token.accessToken, expiresIn: token.expiresIn, scopes: token.scopes } }),
      });
    },
    { onError: (ctx, errors) => view(ctx, { errors, settings: settingsOfForm(ctx.form), token: { validityPeriod: '', scopes: many(ctx.form.scopes) } }) },
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
    // A second Regenerate sent from a page that no longer shows the newest secret (a double click,
    // a slow response, another tab) must not silently replace the secret just shown (issue 15 §6).
    const seen = field(ctx.form, 'currentSecret');
    if (seen !== undefined && seen !== newestSecretId(await services.clients.listSecrets(client))) {
      return redirect(base, { notice: 'The consumer secret was already regenerated a moment ago; it was not replaced again. The secret shown is the current one.' });
    }
    const value = await services.clients.regenerateSecret(client);
    return redirectHolding(base, { kind: 'secret', value, regenerated: true }, { notice: 'Consumer secret regenerated. The old secrets and every token of these keys no longer work.' });
  });

  router.action(`${PATH}/copied`, SUBSCRIBER, async (ctx) => {
    const { base } = await load(ctx);
    return redirectReleasing(base, { notice: 'The new secret is now hidden. Gatehouse keeps only a hash of it.' });
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
      return redirectHolding(base, { kind: 'secret', value, regenerated: false }, { notice: 'Additional consumer secret generated; the other secrets keep working.' });
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
    return redirectReleasing(base, { notice: 'Keys removed. Their tokens no longer work.' });
  });
}
