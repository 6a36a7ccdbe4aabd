import { describe, expect, it } from 'vitest';
import type { ChangeEvent, StoredEvent } from '../../src/core/events.ts';
import { GatewayState } from '../../src/gateway/state.ts';
import { T0, aUser, anAccessToken, anApi, anApiKey } from '../support/factories.ts';

/** The gateway state is order-insensitive: events from several control nodes may arrive out of id order. */

const at = (id: number, event: ChangeEvent): StoredEvent => ({ id, at: T0, event });

describe('gateway state', () => {
  it('an older event for an entity never overwrites a newer one, deletions included', () => {
    const state = new GatewayState();
    const api = { ...anApi(aUser().id), lifeCycleStatus: 'PUBLISHED' as const };
    const subscription = { id: 's1', applicationId: 'a1', apiId: api.id, throttlingPolicy: 'Gold', status: 'UNBLOCKED' as const, createdAt: T0, updatedAt: T0 };
    state.apply([at(3, { type: 'subscription.deleted', subscriptionId: 's1' })]);
    state.apply([at(2, { type: 'subscription.saved', subscription })]);
    expect(state.subscription('a1', api.id)).toBeUndefined();

    state.apply([at(5, { type: 'api.saved', api: { ...api, name: 'newer' } }), at(4, { type: 'api.saved', api: { ...api, name: 'older' } })]);
    expect(state.apis.get(api.id)?.name).toBe('newer');
    expect(state.routes.match('GET', `${api.context}/${api.version}/menu`).found).toBe(true);
  });

  it('a token issued event arriving after its revocation does not resurrect the token; nor an API key', () => {
    const state = new GatewayState();
    const token = anAccessToken({ format: 'OPAQUE', hash: 'h1', applicationId: 'a1' });
    state.apply([at(8, { type: 'tokens.revoked', tokens: [{ jti: token.jti, hash: 'h1', expiresAt: token.expiresAt }] })]);
    state.apply([at(7, { type: 'token.issued', token })]);
    expect(state.opaqueTokens.has('h1')).toBe(false);

    const key = anApiKey('a1', { hash: 'k1' });
    state.apply([at(10, { type: 'api-key.revoked', keyId: key.id, hash: 'k1' }), at(9, { type: 'api-key.saved', key })]);
    expect(state.apiKeys.has('k1')).toBe(false);
  });

  it('sweeps expired tokens, keys and deny-list entries, but keeps never-expiring ones', () => {
    const state = new GatewayState();
    state.apply([
      at(1, { type: 'token.issued', token: anAccessToken({ format: 'OPAQUE', hash: 'old', expiresAt: T0 }) }),
      at(2, { type: 'token.issued', token: anAccessToken({ format: 'OPAQUE', hash: 'forever', expiresAt: null }) }),
      at(3, { type: 'tokens.revoked', tokens: [{ jti: 'j1', hash: null, expiresAt: T0 }, { jti: 'j2', hash: null, expiresAt: null }] }),
    ]);
    state.sweep(T0 + 1);
    expect([...state.opaqueTokens.keys()]).toEqual(['forever']);
    expect([...state.revokedJtis.keys()]).toEqual(['j2']);
  });
});
