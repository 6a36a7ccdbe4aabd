import { describe, expect, it } from 'vitest';
import type { ChangeEvent, StoredEvent } from '../../src/core/events.ts';
import { GatewayState } from '../../src/gateway/state.ts';
import { T0, aUser, anApi } from '../support/factories.ts';

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

  it('a snapshot restores routes, applications, key mappings, subscriptions, tiers and signing keys, and events after its mark still apply', () => {
    const state = new GatewayState();
    const api = { ...anApi(aUser().id), lifeCycleStatus: 'PUBLISHED' as const };
    const subscription = { id: 's1', applicationId: 'a1', apiId: api.id, throttlingPolicy: 'Gold', status: 'UNBLOCKED' as const, createdAt: T0, updatedAt: T0 };
    state.apply([at(1, { type: 'api.saved', api }), at(2, { type: 'subscription.saved', subscription })]);
    state.clients.set('ck', { applicationId: 'a1', keyType: 'PRODUCTION' });

    const copy = new GatewayState();
    copy.restore(JSON.parse(JSON.stringify(state.toSnapshot(T0))));
    expect(copy.routes.match('GET', `${api.context}/${api.version}/menu`).found).toBe(true);
    expect(copy.subscription('a1', api.id)?.id).toBe('s1');
    expect(copy.clients.get('ck')).toEqual({ applicationId: 'a1', keyType: 'PRODUCTION' });

    copy.apply([at(3, { type: 'subscription.deleted', subscriptionId: 's1' })]);
    expect(copy.subscription('a1', api.id)).toBeUndefined();
  });
});
