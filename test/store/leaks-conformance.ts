import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuditEvent, Store, WebhookDelivery } from '../../src/store/ports.ts';
import { T0, aClient, aUser } from '../support/factories.ts';
import { migratedStore } from './store-fixture.ts';

const anAuditEvent = (o: Partial<AuditEvent> = {}): AuditEvent => ({
  id: randomUUID(),
  at: T0,
  type: 'credential.revoked',
  actor: 'system',
  sourceIp: '203.0.113.9',
  credentialType: 'apiKeyProduction',
  credentialId: randomUUID(),
  applicationId: null,
  ownerId: null,
  detail: {},
  ...o,
});

/** Leaked credentials, report digests, audit log and webhooks (issue 16) on every backend. */
export function describeLeaksConformance(name: string, open: () => Promise<Store>): void {
  describe(`store leaks, audit and webhooks: ${name}`, () => {
    const fixture = migratedStore(open);

    it('finds a client secret by its stored hash, and nothing for an unknown hash', async () => {
      const owner = aUser();
      await fixture.store.users.create(owner);
      const client = aClient(owner.id, { applicationId: null, keyMappingId: null, keyType: null, kind: 'rest' });
      await fixture.store.clients.create(client);
      const hash = randomUUID();
      await fixture.store.clients.addSecret({ id: randomUUID(), consumerKey: client.consumerKey, hash, start: 'gcs_abcd', description: '', createdAt: T0, expiresAt: null });
      expect(await fixture.store.leaks.findClientSecretByHash(hash)).toMatchObject({ consumerKey: client.consumerKey, hash });
      expect(await fixture.store.leaks.findClientSecretByHash('nope')).toBeNull();
    });

    it('a report digest is accepted once; concurrent duplicates: exactly one wins; old digests are forgotten', async () => {
      const digest = randomUUID();
      const results = await Promise.all(Array.from({ length: 5 }, () => fixture.store.leaks.rememberReport(digest, T0)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await fixture.store.leaks.rememberReport(digest, T0 + 1)).toBe(false);
      expect(await fixture.store.leaks.forgetReports(T0 + 1)).toBeGreaterThanOrEqual(1);
      expect(await fixture.store.leaks.rememberReport(digest, T0 + 2)).toBe(true);
    });

    it('leak records list per application, newest first', async () => {
      const applicationId = randomUUID();
      for (const at of [T0, T0 + 5]) {
        await fixture.store.leaks.record({
          id: randomUUID(), credentialType: 'apiKeyProduction', credentialId: `k${at}`, credentialStart: 'gak_prod_abcd', applicationId, ownerId: 'o',
          url: 'https://github.com/x/y/blob/main/a.env', source: 'github', reportedAt: at, action: 'revoked', revokedAt: at,
        });
      }
      expect((await fixture.store.leaks.listByApplication(applicationId)).map((l) => [l.credentialId, l.revokedAt])).toEqual([[`k${T0 + 5}`, T0 + 5], [`k${T0}`, T0]]);
      expect(await fixture.store.leaks.listByApplication(randomUUID())).toEqual([]);
    });

    it('audit events: appended in a batch, listed newest first, filtered by owner and application, paged with a total', async () => {
      const ownerId = randomUUID();
      const applicationId = randomUUID();
      const mine = [1, 2, 3].map((i) => anAuditEvent({ at: T0 + i, ownerId, applicationId, detail: { n: String(i) } }));
      await fixture.store.audit.append([...mine, anAuditEvent({ ownerId: randomUUID() })]);
      const page = await fixture.store.audit.list({ ownerId, limit: 2, offset: 0 });
      expect(page.total).toBe(3);
      expect(page.items.map((e) => e.detail.n)).toEqual(['3', '2']);
      expect((await fixture.store.audit.list({ applicationId, limit: 10, offset: 2 })).items).toEqual([mine[0]]);
      expect((await fixture.store.audit.list({ limit: 100, offset: 0 })).total).toBeGreaterThanOrEqual(4);
    });

    it('webhooks: global and per-application, matched by event type; deliveries come due and record their outcome', async () => {
      const applicationId = randomUUID();
      const base = { ownerId: 'owner', url: 'https://hooks.example.com/x', secretEnc: 'enc', createdAt: T0 };
      const global = { ...base, id: randomUUID(), applicationId: null, events: ['credential.leaked', 'credential.revoked'] };
      const perApp = { ...base, id: randomUUID(), applicationId, events: ['credential.revoked'] };
      await fixture.store.webhooks.create(global);
      await fixture.store.webhooks.create(perApp);
      expect((await fixture.store.webhooks.listFor(applicationId, 'credential.revoked')).map((w) => w.id).sort()).toEqual([global.id, perApp.id].sort());
      expect((await fixture.store.webhooks.listFor(applicationId, 'credential.leaked')).map((w) => w.id)).toEqual([global.id]);
      expect((await fixture.store.webhooks.listByOwner('owner')).map((w) => w.id)).toEqual([perApp.id]);
      const delivery: WebhookDelivery = {
        id: randomUUID(), webhookId: perApp.id, eventType: 'credential.revoked', payload: '{}', status: 'pending', attempts: 0,
        nextAttemptAt: T0 + 10, lastStatusCode: null, lastError: null, createdAt: T0, deliveredAt: null,
      };
      await fixture.store.webhooks.enqueue(delivery);
      expect(await fixture.store.webhooks.due(T0 + 9, 10)).toEqual([]);
      expect(await fixture.store.webhooks.due(T0 + 10, 10)).toEqual([delivery]);
      const claims = await Promise.all(Array.from({ length: 4 }, () => fixture.store.webhooks.claim(delivery.id, 0, T0 + 10, T0 + 1000)));
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await fixture.store.webhooks.due(T0 + 999, 10)).toEqual([]);
      expect(await fixture.store.webhooks.claim(delivery.id, 0, T0 + 2000, T0 + 3000)).toBe(false);
      await fixture.store.webhooks.updateDelivery(delivery.id, { status: 'delivered', attempts: 1, lastStatusCode: 200, deliveredAt: T0 + 11, nextAttemptAt: null });
      expect(await fixture.store.webhooks.due(T0 + 100, 10)).toEqual([]);
      expect(await fixture.store.webhooks.listDeliveries(perApp.id, 10)).toEqual([{ ...delivery, status: 'delivered', attempts: 1, lastStatusCode: 200, deliveredAt: T0 + 11, nextAttemptAt: null }]);
      expect(await fixture.store.webhooks.delete(perApp.id)).toBe(true);
      expect(await fixture.store.webhooks.findById(perApp.id)).toBeNull();
    });
  });
}
