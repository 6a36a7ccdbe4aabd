import type { Page } from 'playwright-core';
import type { Api } from '../../src/core/model.ts';
import type { Services } from '../../src/runtime/services.ts';

/** Set-up shared by the UI tests: a realistic published API, and an accessibility probe. */

export async function publishSampleApi(services: Services, productionUrl: string): Promise<Api> {
  const publisher = await services.users.create({ username: `pat-${Date.now()}`, password: 'publisher-password', roles: ['publisher'] });
  const api = await services.apis.create(publisher.id, {
    name: 'PizzaShackAPI',
    context: '/pizzashack',
    version: '1.0.0',
    description: 'Order pizza: browse the menu, place and track orders.',
    productionUrl,
    scopes: [
      { name: 'orders:read', displayName: 'Read orders', description: 'See the menu and your orders' },
      { name: 'orders:write', displayName: 'Place orders', description: 'Place and cancel orders', bindings: ['subscriber'] },
    ],
    operations: [
      { target: '/menu', verb: 'GET', scopes: ['orders:read'] },
      { target: '/order', verb: 'POST', scopes: ['orders:write'] },
      { target: '/order/{orderId}', verb: 'GET', scopes: ['orders:read'] },
      { target: '/order/{orderId}', verb: 'DELETE', scopes: ['orders:write'] },
      { target: '/status', verb: 'GET' },
    ],
    policies: ['Gold', 'Silver', 'Bronze', 'Unlimited'],
  });
  return services.apis.changeLifecycle(api.id, 'Publish');
}

/** A few more published APIs, so the catalogue looks like one. */
export async function publishMoreApis(services: Services, productionUrl: string): Promise<void> {
  const publisher = await services.users.create({ username: `pia-${Date.now()}`, password: 'publisher-password', roles: ['publisher'] });
  const specs = [
    { name: 'WeatherAPI', context: '/weather', description: 'Current conditions and 7-day forecasts for any city.' },
    { name: 'PaymentsAPI', context: '/payments', description: 'Take card payments and issue refunds.' },
  ];
  for (const spec of specs) {
    const api = await services.apis.create(publisher.id, { ...spec, version: '2.1.0', productionUrl, operations: [{ target: '/*', verb: 'GET' }], policies: ['Silver', 'Bronze'] });
    await services.apis.changeLifecycle(api.id, 'Publish');
  }
}

// Browser-side snippets are strings: the project compiles without the DOM library.

/** Form controls without an accessible label (by <label>, aria-label or aria-labelledby). */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(`Array.from(document.querySelectorAll('input, select, textarea'))
    .filter((c) => c.type !== 'hidden' && c.labels.length === 0 && !c.getAttribute('aria-label') && !c.getAttribute('aria-labelledby'))
    .map((c) => c.outerHTML)`);
}

/** True when the page scrolls sideways (unreadable at phone width). */
export function overflowsHorizontally(page: Page): Promise<boolean> {
  return page.evaluate('document.documentElement.scrollWidth > window.innerWidth + 1');
}
