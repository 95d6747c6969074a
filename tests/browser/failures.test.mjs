// The widget never shows a blank canvas: a loading state while the engine
// loads, and a clear message when the engine or the sample photo fails.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openApp, APP_CSP, waitForPhotos, photoPath } from './harness.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const uncaught = (app) => app.consoleErrors.filter((e) => e.startsWith('pageerror'));

test('a loading message shows while the engine loads', async () => {
  let release;
  const held = new Promise((r) => (release = r));
  const app = await openApp(browser, {
    csp: APP_CSP,
    waitUntil: 'domcontentloaded',
    beforeGoto: (page) =>
      page.route('**/smp_preview_bg.wasm', async (route) => {
        await held; // hold the engine back until the loading state has been seen
        await route.continue();
      }),
  });
  try {
    const message = app.page.locator('.frame .message');
    await message.waitFor({ state: 'visible' });
    assert.match(await message.textContent(), /Loading the preview engine/);
    assert.equal(await app.page.locator('smp-preview').getAttribute('state'), 'loading');
    assert.equal(await app.page.locator('canvas.after').isVisible(), false);
    release();
    await waitForPhotos(app.page, 1);
    assert.equal(await message.isVisible(), false);
    assert.equal(await app.page.locator('canvas.after').isVisible(), true);
    assert.deepEqual(app.consoleErrors, []);
  } finally {
    release();
    await app.close();
  }
});

for (const [what, pattern] of [
  ['the wasm file cannot be fetched', '**/smp_preview_bg.wasm'],
  ['the engine module is missing', '**/pkg/smp_preview.js'],
]) {
  test(`when ${what}, the widget says the engine couldn't start`, async () => {
    const app = await openApp(browser, {
      csp: APP_CSP,
      beforeGoto: (page) => page.route(pattern, (route) => route.fulfill({ status: 404, body: 'Not Found' })),
    });
    try {
      const message = app.page.locator('.frame .message.error');
      await message.waitFor({ state: 'visible' });
      assert.match(await message.textContent(), /couldn't start/);
      assert.equal(await app.page.locator('smp-preview').getAttribute('state'), 'error');
      assert.equal(await app.page.locator('canvas.after').isVisible(), false, 'a blank canvas is shown');
      assert.match(await app.page.getByRole('status').textContent(), /couldn't start/);
      assert.deepEqual(uncaught(app), []);
    } finally {
      await app.close();
    }
  });
}

test('when the sample photo fails, the widget asks for a photo and still takes one', async () => {
  const app = await openApp(browser, {
    csp: APP_CSP,
    beforeGoto: (page) => page.route('**/sample-01.jpg', (route) => route.fulfill({ status: 404, body: 'Not Found' })),
  });
  try {
    const message = app.page.locator('.frame .message.error');
    await message.waitFor({ state: 'visible' });
    assert.match(await message.textContent(), /sample photo couldn't be loaded/);
    assert.equal(await app.page.locator('canvas.after').isVisible(), false);
    assert.equal(await app.page.locator('#file').isDisabled(), false);
    await app.page.locator('#file').setInputFiles(photoPath('02'));
    await waitForPhotos(app.page, 1);
    assert.equal(await message.isVisible(), false);
    assert.equal(await app.page.locator('canvas.after').isVisible(), true);
    assert.deepEqual(uncaught(app), []);
  } finally {
    await app.close();
  }
});

test('where no worker can start, the engine runs on the page and the widget still works', async () => {
  const app = await openApp(browser, {
    csp: APP_CSP,
    beforeGoto: (page) => page.addInitScript(() => delete window.Worker),
  });
  try {
    await waitForPhotos(app.page, 1);
    assert.equal(await app.page.evaluate(() => document.querySelector('smp-preview').stats.engine), 'page');
    await app.page.getByRole('slider', { name: 'Density' }).fill('40');
    await app.page.waitForFunction(() => document.querySelector('smp-preview').design?.density === 40);
    assert.deepEqual(app.consoleErrors, []);
  } finally {
    await app.close();
  }
});
