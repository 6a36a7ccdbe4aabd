import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, aUser } from '../support/fixtures.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { browserAvailable, launchBrowser, openSession, signIn } from '../support/browser.ts';

/**
 * Issue 14: application attributes the administrator defines (WSO2's ApplicationConfiguration) are asked
 * in the Developer Portal's application form — required ones enforced next to their field, hidden ones
 * filled with their default and never shown — and the overview lists them.
 */

const run = browserAvailable('browser tests of application attributes');

const ATTRIBUTES = JSON.stringify([
  { attribute: 'costCentre', description: 'Cost centre', tooltip: 'Who pays for the traffic', required: true },
  { attribute: 'contact', description: 'Contact e-mail' },
  { attribute: 'tenant', hidden: true, default: 'acme' },
]);

describe.skipIf(!run)('application attributes in the Developer Portal (browser)', { timeout: 90_000 }, () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ GATEHOUSE_APPLICATION_ATTRIBUTES: ATTRIBUTES }), launchBrowser()]);
    await aUser(server.services, ['subscriber'], 'attie');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('asks the visible attributes, refuses a missing required one beside its field, stores the hidden default, and shows them', async () => {
    const { page, context } = await openSession(browser, server.control);
    page.setDefaultTimeout(20_000);
    await signIn(page, 'attie', PASSWORD);
    await page.goto('/devportal/applications/new');
    expect(await page.getByLabel('tenant').count()).toBe(0);
    await page.getByLabel('Application name').fill('Billing app');
    await page.getByLabel('Contact e-mail').fill('ops@example.com');
    await page.getByRole('button', { name: 'Save' }).click();
    const summary = page.locator('.error-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toMatch(/Cost centre/);
    expect(await page.getByLabel('Contact e-mail').inputValue()).toBe('ops@example.com');

    await page.getByLabel('Cost centre').fill('CC-42');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/keys\/production/);
    const [application] = (await server.services.store.applications.listAll()).filter((a) => a.name === 'Billing app');
    expect(application!.attributes).toEqual({ costCentre: 'CC-42', contact: 'ops@example.com', tenant: 'acme' });

    await page.goto(`/devportal/applications/${application!.id}`);
    const overview = await page.locator('dl.kv').textContent();
    expect(overview).toContain('CC-42');
    expect(overview).toContain('ops@example.com');
    expect(overview).not.toContain('acme');

    // Editing clears an optional attribute and keeps the hidden one.
    await page.goto(`/devportal/applications/${application!.id}/edit`);
    await page.getByLabel('Contact e-mail').fill('');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(new RegExp(`/devportal/applications/${application!.id}$`));
    expect((await server.services.store.applications.findById(application!.id))!.attributes).toEqual({ costCentre: 'CC-42', tenant: 'acme' });
    await context.close();
  });
});
