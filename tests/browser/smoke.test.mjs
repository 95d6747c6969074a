// Smoke test: the page loads in real headless Chromium, has the product
// title, makes no console errors and talks to no other origin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openApp } from './harness.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('index.html loads with the product title and no console errors', async () => {
  const app = await openApp(browser, { path: '/index.html' });
  try {
    const title = await app.page.title();
    assert.match(title, /smp-preview|SMP/, `unexpected title: ${title}`);
    // Give late scripts (wasm init etc.) a moment to report errors.
    await app.page.waitForLoadState('networkidle').catch(() => {});
    assert.deepEqual(app.consoleErrors, [], 'console errors on page');
    assert.deepEqual(app.foreignRequests(), [], 'requests to another origin');
  } finally {
    await app.close();
  }
});

test('the wasm package built into www/pkg/ initializes in the browser', async () => {
  const app = await openApp(browser, { path: '/index.html', csp: "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'" });
  try {
    const exports = await app.page.evaluate(async () => {
      const mod = await import('/pkg/smp_preview.js');
      await mod.default({ module_or_path: '/pkg/smp_preview_bg.wasm' });
      return Object.keys(mod);
    });
    assert.ok(exports.includes('default'), `unexpected exports: ${exports}`);
    assert.deepEqual(app.consoleErrors, [], 'console errors while loading wasm');
    assert.deepEqual(app.foreignRequests(), [], 'requests to another origin');
    assert.ok(app.requests.some((u) => u.endsWith('/pkg/smp_preview_bg.wasm')), 'wasm was not fetched');
  } finally {
    await app.close();
  }
});
