import { sql, type Kysely } from 'kysely';
import type { ClientSecret } from '../../core/model.ts';
import type { AuditEvent, AuditQuery, AuditRepo, LeakRecord, LeakRepo, Paged, Webhook, WebhookDelivery, WebhookRepo } from '../ports.ts';
import type { Dialect } from './initial-schema.ts';
import type { LeakTables } from './leak-schema.ts';
import { secretFromRow } from './rows.ts';
import type { Database } from './schema.ts';

type Db = Kysely<Database & LeakTables>;
const widen = (db: Kysely<Database>): Db => db.withTables<LeakTables>();

export class KyselyLeakRepo implements LeakRepo {
  private readonly db: Db;
  constructor(
    db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {
    this.db = widen(db);
  }

  async findClientSecretByHash(hash: string): Promise<ClientSecret | null> {
    const row = await this.db.selectFrom('client_secrets').selectAll().where('hash', '=', hash).executeTakeFirst();
    return row ? secretFromRow(row) : null;
  }

  async rememberReport(digest: string, now: number): Promise<boolean> {
    // One guarded insert (no read-then-write): two processes receiving the same report race on the key.
    const insert = this.db.insertInto('leak_report_digests').values({ digest, received_at: now });
    const result = await (this.dialect === 'postgres' ? insert.onConflict((oc) => oc.column('digest').doNothing()) : insert.orIgnore()).executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async forgetReports(before: number): Promise<number> {
    const result = await this.db.deleteFrom('leak_report_digests').where('received_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async record(leak: LeakRecord): Promise<void> {
    await this.db
      .insertInto('leaked_credentials')
      .values({
        id: leak.id,
        credential_type: leak.credentialType,
        credential_id: leak.credentialId,
        credential_start: leak.credentialStart,
        application_id: leak.applicationId,
        owner_id: leak.ownerId,
        url: leak.url,
        source: leak.source,
        reported_at: leak.reportedAt,
        action: leak.action,
        revoked_at: leak.revokedAt,
      })
      .execute();
  }

  async listByApplication(applicationId: string): Promise<LeakRecord[]> {
    const rows = await this.db.selectFrom('leaked_credentials').selectAll().where('application_id', '=', applicationId).orderBy('reported_at', 'desc').limit(100).execute();
    return rows.map((r) => ({
      id: r.id,
      credentialType: r.credential_type,
      credentialId: r.credential_id,
      credentialStart: r.credential_start,
      applicationId: r.application_id,
      ownerId: r.owner_id,
      url: r.url,
      source: r.source,
      reportedAt: Number(r.reported_at),
      action: r.action,
      revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
    }));
  }
}

export class KyselyAuditRepo implements AuditRepo {
  private readonly db: Db;
  constructor(db: Kysely<Database>) {
    this.db = widen(db);
  }

  async append(events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.db
      .insertInto('audit_events')
      .values(
        events.map((e) => ({
          id: e.id,
          at: e.at,
          type: e.type,
          actor: e.actor,
          source_ip: e.sourceIp,
          credential_type: e.credentialType,
          credential_id: e.credentialId,
          application_id: e.applicationId,
          owner_id: e.ownerId,
          detail: JSON.stringify(e.detail),
        })),
      )
      .execute();
  }

  async list(query: AuditQuery): Promise<Paged<AuditEvent>> {
    let q = this.db.selectFrom('audit_events');
    if (query.ownerId !== undefined) q = q.where('owner_id', '=', query.ownerId);
    if (query.applicationId !== undefined) q = q.where('application_id', '=', query.applicationId);
    const [rows, total] = await Promise.all([
      q.selectAll().orderBy('at', 'desc').orderBy('id').limit(query.limit).offset(query.offset).execute(),
      q.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return {
      total: Number(total.n),
      items: rows.map((r) => ({
        id: r.id,
        at: Number(r.at),
        type: r.type,
        actor: r.actor,
        sourceIp: r.source_ip,
        credentialType: r.credential_type,
        credentialId: r.credential_id,
        applicationId: r.application_id,
        ownerId: r.owner_id,
        detail: JSON.parse(r.detail) as Record<string, string>,
      })),
    };
  }
}

type DeliveryRow = LeakTables['webhook_deliveries'];
const deliveryFromRow = (r: DeliveryRow): WebhookDelivery => ({
  id: r.id,
  webhookId: r.webhook_id,
  eventType: r.event_type,
  payload: r.payload,
  status: r.status as WebhookDelivery['status'],
  attempts: Number(r.attempts),
  nextAttemptAt: r.next_attempt_at === null ? null : Number(r.next_attempt_at),
  lastStatusCode: r.last_status_code === null ? null : Number(r.last_status_code),
  lastError: r.last_error,
  createdAt: Number(r.created_at),
  deliveredAt: r.delivered_at === null ? null : Number(r.delivered_at),
});
const webhookFromRow = (r: LeakTables['webhooks']): Webhook => ({
  id: r.id,
  applicationId: r.application_id,
  ownerId: r.owner_id,
  url: r.url,
  secretEnc: r.secret_enc,
  events: JSON.parse(r.events) as string[],
  createdAt: Number(r.created_at),
});

export class KyselyWebhookRepo implements WebhookRepo {
  private readonly db: Db;
  constructor(db: Kysely<Database>) {
    this.db = widen(db);
  }

  async create(w: Webhook): Promise<void> {
    await this.db
      .insertInto('webhooks')
      .values({ id: w.id, application_id: w.applicationId, owner_id: w.ownerId, url: w.url, secret_enc: w.secretEnc, events: JSON.stringify(w.events), created_at: w.createdAt })
      .execute();
  }

  async findById(id: string): Promise<Webhook | null> {
    const row = await this.db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? webhookFromRow(row) : null;
  }

  async delete(id: string): Promise<boolean> {
    await this.db.deleteFrom('webhook_deliveries').where('webhook_id', '=', id).execute();
    const result = await this.db.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async listFor(applicationId: string | null, eventType: string): Promise<Webhook[]> {
    const rows = await this.db
      .selectFrom('webhooks')
      .selectAll()
      .where((eb) => (applicationId === null ? eb('application_id', 'is', null) : eb.or([eb('application_id', 'is', null), eb('application_id', '=', applicationId)])))
      .execute();
    return rows.map(webhookFromRow).filter((w) => w.events.includes(eventType));
  }

  async listByOwner(ownerId: string): Promise<Webhook[]> {
    const rows = await this.db.selectFrom('webhooks').selectAll().where('owner_id', '=', ownerId).where('application_id', 'is not', null).orderBy('created_at').execute();
    return rows.map(webhookFromRow);
  }

  async listGlobal(): Promise<Webhook[]> {
    const rows = await this.db.selectFrom('webhooks').selectAll().where('application_id', 'is', null).orderBy('created_at').execute();
    return rows.map(webhookFromRow);
  }

  async enqueue(d: WebhookDelivery): Promise<void> {
    await this.db
      .insertInto('webhook_deliveries')
      .values({
        id: d.id,
        webhook_id: d.webhookId,
        event_type: d.eventType,
        payload: d.payload,
        status: d.status,
        attempts: d.attempts,
        next_attempt_at: d.nextAttemptAt,
        last_status_code: d.lastStatusCode,
        last_error: d.lastError,
        created_at: d.createdAt,
        delivered_at: d.deliveredAt,
      })
      .execute();
  }

  async due(now: number, limit: number): Promise<WebhookDelivery[]> {
    const rows = await this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .limit(limit)
      .execute();
    return rows.map(deliveryFromRow);
  }

  async claim(id: string, attempts: number, now: number, leaseUntil: number): Promise<boolean> {
    const result = await this.db
      .updateTable('webhook_deliveries')
      .set({ attempts: attempts + 1, next_attempt_at: leaseUntil })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('attempts', '=', attempts)
      .where('next_attempt_at', '<=', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async updateDelivery(id: string, patch: Partial<Pick<WebhookDelivery, 'status' | 'attempts' | 'nextAttemptAt' | 'lastStatusCode' | 'lastError' | 'deliveredAt'>>): Promise<void> {
    const set: Partial<DeliveryRow> = {};
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.attempts !== undefined) set.attempts = patch.attempts;
    if (patch.nextAttemptAt !== undefined) set.next_attempt_at = patch.nextAttemptAt;
    if (patch.lastStatusCode !== undefined) set.last_status_code = patch.lastStatusCode;
    if (patch.lastError !== undefined) set.last_error = patch.lastError;
    if (patch.deliveredAt !== undefined) set.delivered_at = patch.deliveredAt;
    await this.db.updateTable('webhook_deliveries').set(set).where('id', '=', id).execute();
  }

  async listDeliveries(webhookId: string, limit: number): Promise<WebhookDelivery[]> {
    const rows = await this.db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId).orderBy('created_at', 'desc').limit(limit).execute();
    return rows.map(deliveryFromRow);
  }
}
