import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restUser, type RestUser } from '../support/rest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { exampleOf, loadWso2Document } from './wso2-contract.ts';

/** Request bodies taken from WSO2's own documents are accepted as sent. */

let server: TestServer;
let publisher: RestUser;

beforeAll(async () => {
  server = await startTestServer();
  publisher = await restUser(server, ['publisher']);
});
afterAll(async () => server?.close());

const publisherDoc = loadWso2Document('publisher').doc;

describe("WSO2's own request examples", () => {
  it("publisher: WSO2's API example, every field of its schema, is accepted; unknown fields are still refused", async () => {
    const body = exampleOf(publisherDoc, { $ref: '#/components/schemas/API' }) as Record<string, unknown>;
    expect(Object.keys(body).length).toBeGreaterThan(40);
    // The one deliberate refusal: WSO2's example defines `apim:api_view`, and apim:* names are the
    // REST APIs' own scopes, which an API may not define (a 400 naming scopes[0].name).
    const reserved = await publisher.publisher.post('/apis', body);
    expect(reserved.status).toBe(400);
    expect(reserved.body.error[0]!.message).toBe('scopes[0].name');
    const scopes = body.scopes as Array<{ scope: Record<string, unknown> }>;
    body.scopes = scopes.map((s) => ({ ...s, scope: { ...s.scope, name: 'order_pizza' } }));
    const created = await publisher.publisher.post('/apis', body);
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ name: body.name, context: '/pizza', version: body.version });

    const updated = await publisher.publisher.put(`/apis/${String(created.body.id)}`, { ...body, description: 'changed' });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body).toMatchObject({ context: '/pizza', description: 'changed' });

    const slashless = await publisher.publisher.post('/apis', { ...body, name: 'PizzaShackAPI2', context: 'pizza2', scopes: [], operations: [] });
    expect(slashless.status, slashless.text).toBe(201);
    expect(slashless.body.context).toBe('/pizza2'); // WSO2 adds the leading slash

    const unknown = await publisher.publisher.post('/apis', { ...body, context: '/other', notAWso2Field: 1 });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('notAWso2Field');
  });
});
