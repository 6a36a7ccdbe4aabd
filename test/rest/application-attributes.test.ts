import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymous, restUser, type RestUser } from '../support/rest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** Administrator-defined application attributes (GATEHOUSE_APPLICATION_ATTRIBUTES): listed, required ones enforced, hidden ones defaulted. */

let server: TestServer;
let alice: RestUser;

const ATTRIBUTES = [
  { attribute: 'External Reference Id', description: 'Your billing reference', required: true },
  { attribute: 'Team', tooltip: 'Owning team' },
  { attribute: 'Tier source', hidden: true, default: 'portal' },
];

beforeAll(async () => {
  server = await startTestServer({ GATEHOUSE_APPLICATION_ATTRIBUTES: JSON.stringify(ATTRIBUTES) });
  alice = await restUser(server);
});
afterAll(async () => server?.close());

describe('GET /settings/application-attributes', () => {
  it('lists the defined attributes in WSO2 shape (required and hidden as strings)', async () => {
    const res = await alice.devportal.get('/settings/application-attributes');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      count: 3,
      list: [
        { attribute: 'External Reference Id', description: 'Your billing reference', type: 'text', tooltip: '', required: 'true', hidden: 'false' },
        { attribute: 'Team', description: '', type: 'text', tooltip: 'Owning team', required: 'false', hidden: 'false' },
        { attribute: 'Tier source', description: '', type: 'text', tooltip: '', required: 'false', hidden: 'true' },
      ],
    });
    expect((await anonymous(server).get('/settings/application-attributes')).status).toBe(401);
  });

  it('a required attribute must be given (400 naming it); hidden ones get their default; updates keep them required', async () => {
    const missing = await alice.devportal.post('/applications', { name: 'no-ref' });
    expect(missing.status).toBe(400);
    expect(missing.body.error[0]!.message).toBe('attributes.External Reference Id');

    const created = await alice.devportal.post('/applications', { name: 'with-ref', attributes: { 'External Reference Id': 'PO-1' } });
    expect(created.status).toBe(201);
    expect(created.body.attributes).toEqual({ 'External Reference Id': 'PO-1', 'Tier source': 'portal' });

    const id = String(created.body.applicationId);
    expect((await alice.devportal.put(`/applications/${id}`, { name: 'with-ref', description: 'x' })).status).toBe(200);
    const cleared = await alice.devportal.put(`/applications/${id}`, { name: 'with-ref', attributes: { Team: 'core' } });
    expect(cleared.status).toBe(400);
    expect(cleared.body.error[0]!.message).toBe('attributes.External Reference Id');
  });
});
