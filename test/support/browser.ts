import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Dialog, type Page } from 'playwright-core';

/**
 * Browser tests drive Debian's Chromium through playwright-core (no downloaded browser build). Where
 * Chromium is missing they are skipped and say why, unless GATEHOUSE_REQUIRE_SERVICES is set (CI),
 * where a skip would hide a broken set-up, so they fail instead.
 */

export const CHROMIUM = process.env.GATEHOUSE_CHROMIUM ?? '/usr/bin/chromium';

export function browserAvailable(what: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.GATEHOUSE_REQUIRE_SERVICES) {
    throw new Error(`${what} cannot be skipped here: GATEHOUSE_REQUIRE_SERVICES is set but there is no Chromium at ${CHROMIUM}`);
  }
  console.warn(`SKIPPED: ${what} — no Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run installs it, GATEHOUSE_CHROMIUM names another path).`);
  return false;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Every alert/confirm/prompt the page opened (an XSS payload would land here). */
  dialogs: Dialog[];
}

/** A fresh context (its own cookies) at desktop size, allowed to use the clipboard of `origin`. */
export async function openSession(browser: Browser, origin: string, viewport = { width: 1280, height: 800 }): Promise<BrowserSession> {
  const context = await browser.newContext({ viewport, baseURL: origin });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const dialogs: Dialog[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog);
    void dialog.dismiss();
  });
  return { context, page, dialogs };
}

export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/devportal/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.endsWith('/login'));
}

/** What the page's Copy button put on the clipboard (a string snippet: no DOM types in this project). */
export function clipboardText(page: Page): Promise<string> {
  return page.evaluate('navigator.clipboard.readText()');
}

/**
 * Screenshots go to .tmp/screenshots on every run, and to docs/screenshots (shown in the README) when
 * UPDATE_SCREENSHOTS=1, so a test run does not dirty the committed images.
 */
const SCREENSHOTS = join(import.meta.dirname, process.env.UPDATE_SCREENSHOTS ? '../../docs/screenshots' : '../../.tmp/screenshots');

/** Saves a PNG of the page (the README shows a few of them). */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: options.fullPage ?? false, animations: 'disabled' });
}

export interface Backend {
  url: string;
  hits: number;
  close(): Promise<void>;
}

/** The smallest backend an API can point at: 200 with a JSON body, on loopback, port 0. */
export async function startTinyBackend(): Promise<Backend> {
  const state = { hits: 0 };
  const server: Server = createServer((req, res) => {
    state.hits += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, path: req.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get hits() {
      return state.hits;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
