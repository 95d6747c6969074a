// The embeddable widget (issue 4): the example clinic page with two
// widgets (one themed), each independent; events reaching the host page;
// attributes changed at run time; the wasm fetched once and only when a
// widget comes into view; the iframe embed forwarding events with
// postMessage to the origin the clinic set, and to no other.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchBrowser, openApp, APP_CSP, WWW_DIR } from './harness.mjs';
import { startServer } from '../../scripts/serve.mjs';

const SHOTS = '/tmp/shots';

let browser;
let clinic; // the example clinic page, shared by the tests that only use it
let page;

before(async () => {
  browser = await launchBrowser();
  clinic = await openApp(browser, { csp: APP_CSP, path: '/clinic-example.html', viewport: { width: 1280, height: 900 } });
  page = clinic.page;
});

after(async () => {
  await clinic?.close();
  await browser?.close();
});

// ---- helpers ----------------------------------------------------------------

const photos = (p, id) => p.evaluate((id) => document.getElementById(id).stats.photos, id);
const waitPhotos = (p, id, n = 1) => p.waitForFunction(([id, n]) => document.getElementById(id)?.stats?.photos >= n, [id, n], { timeout: 30_000 });
const designOf = (p, id) => p.evaluate((id) => document.getElementById(id).design, id);
const wasmRequests = (app) => app.requests.filter((u) => u.endsWith('.wasm')).length;

/** SHA-256 of a widget's preview pixels. */
function digest(p, id) {
  return p.evaluate(async (id) => {
    const c = document.getElementById(id).shadowRoot.querySelector('canvas.after');
    const o = new OffscreenCanvas(c.width, c.height);
    const ctx = o.getContext('2d');
    ctx.drawImage(c, 0, 0);
    const h = new Uint8Array(await crypto.subtle.digest('SHA-256', ctx.getImageData(0, 0, c.width, c.height).data));
    return [...h].map((b) => b.toString(16).padStart(2, '0')).join('');
  }, id);
}

/** Sets a slider inside widget `id` and waits for that widget's repaint. */
async function slide(p, id, slider, value) {
  const renders = await p.evaluate((id) => document.getElementById(id).stats.renders, id);
  await p.locator(`#${id}`).locator(`#${slider}`).fill(String(value));
  await p.waitForFunction(([id, k]) => document.getElementById(id).stats.renders > k, [id, renders]);
}

/** Computed style values of an element inside widget `id`. */
function style(p, id, selector, props) {
  return p.evaluate(
    ([id, selector, props]) => {
      const cs = getComputedStyle(document.getElementById(id).shadowRoot.querySelector(selector));
      return Object.fromEntries(props.map((k) => [k, cs[k]]));
    },
    [id, selector, props],
  );
}

// ---- tests ---------------------------------------------------------------------

test('clinic page: the wasm is fetched once, and the lower widget starts only when scrolled into view', async () => {
  await waitPhotos(page, 'designer');
  const top = await page.evaluate(() => document.getElementById('quick').getBoundingClientRect().top);
  assert.ok(top > 900 + 250, `the second widget should start below the fold (top ${top})`);
  await page.waitForTimeout(300);
  assert.equal(await photos(page, 'quick'), 0, 'the widget out of view loaded a photo');
  assert.equal(await page.locator('#quick').getAttribute('state'), 'loading');
  assert.equal(wasmRequests(clinic), 1);
  assert.equal(clinic.requests.filter((u) => u.endsWith('sample-01.jpg')).length, 1, 'the lower widget fetched its sample early');

  await page.locator('#quick').scrollIntoViewIfNeeded();
  await waitPhotos(page, 'quick');
  assert.equal(wasmRequests(clinic), 1, 'the wasm was fetched again for the second widget');
  assert.equal(await page.locator('#quick').getAttribute('state'), 'ready');
});

test('clinic page: the second widget is themed, starts from its attributes and shows only its controls', async () => {
  const props = ['backgroundColor', 'fontFamily', 'borderTopLeftRadius'];
  const a = await style(page, 'designer', 'button.download', props);
  const b = await style(page, 'quick', 'button.download', props);
  assert.equal(a.backgroundColor, 'rgb(10, 88, 168)', 'default brand colour');
  assert.equal(b.backgroundColor, 'rgb(123, 45, 94)', '--smp-brand not applied');
  assert.match(b.fontFamily, /Georgia/);
  assert.doesNotMatch(a.fontFamily, /Georgia/);
  assert.notEqual(a.borderTopLeftRadius, b.borderTopLeftRadius, '--smp-radius not applied');
  const frames = [await style(page, 'designer', '.frame', ['borderTopLeftRadius']), await style(page, 'quick', '.frame', ['borderTopLeftRadius'])];
  assert.deepEqual(frames.map((f) => f.borderTopLeftRadius), ['8px', '18px']);
  // The page's own styles do not leak in: the page's body font is not the widget's.
  assert.doesNotMatch(a.fontFamily, /Helvetica Neue/);

  const q = await designOf(page, 'quick');
  assert.equal(q.density, 45);
  assert.equal(q.shade, 0.5);
  assert.ok(Math.abs(q.hairline_cm - 9) < 0.06, `hairline ${q.hairline_cm}`);
  const d = await designOf(page, 'designer');
  assert.equal(d.density, 70);

  const shown = (id, sel) => page.locator(`#${id}`).locator(sel).isVisible();
  assert.equal(await shown('quick', 'fieldset.group-dots'), true);
  assert.equal(await shown('quick', 'fieldset.group-download'), true);
  for (const g of ['photo', 'hairline', 'brush', 'share']) assert.equal(await shown('quick', `fieldset.group-${g}`), false, `${g} shown`);
  assert.equal(await shown('quick', '.toolbar'), false, 'zoom shown');
  assert.equal(await page.locator('#quick').locator('.handle').first().isVisible(), false, 'handles shown without the hairline controls');
  for (const g of ['photo', 'dots', 'hairline', 'brush', 'download', 'share']) assert.equal(await shown('designer', `fieldset.group-${g}`), true, `${g} hidden`);
  assert.equal(await page.locator('#designer').getByRole('link', { name: 'Book a consultation' }).isVisible(), true);
  assert.equal(await page.locator('#quick').getByRole('link', { name: 'Ask about a first session' }).isVisible(), true);
});

test('clinic page: the two widgets are independent', async () => {
  const before = { designer: await digest(page, 'designer'), quick: await digest(page, 'quick') };
  const quickDesign = await designOf(page, 'quick');
  await slide(page, 'designer', 'density', 35);
  await page.waitForTimeout(100);
  assert.equal((await designOf(page, 'designer')).density, 35);
  assert.deepEqual(await designOf(page, 'quick'), quickDesign, 'changing one widget changed the other');
  assert.equal(await digest(page, 'quick'), before.quick, "the other widget's preview changed");
  assert.notEqual(await digest(page, 'designer'), before.designer);

  const designerDesign = await designOf(page, 'designer');
  const designerPixels = await digest(page, 'designer');
  await slide(page, 'quick', 'shade', 0.9);
  assert.equal((await designOf(page, 'quick')).shade, 0.9);
  assert.deepEqual(await designOf(page, 'designer'), designerDesign);
  assert.equal(await digest(page, 'designer'), designerPixels);
  await slide(page, 'quick', 'shade', 0.5);
  await slide(page, 'designer', 'density', 70);
});

test('clinic page: the host page receives design-change (debounced), export, share and call-to-action events', async () => {
  await page.waitForTimeout(400); // let the last test's changes report
  await page.evaluate(() => (window.smpEvents.length = 0));
  // Five quick changes are one design change, reported once they settle.
  // (Made in one go in the page: one CDP round trip per change could take
  // longer than the 300 ms quiet period on a loaded machine.)
  await page.evaluate(() => {
    const slider = document.getElementById('designer').shadowRoot.getElementById('density');
    for (const v of [50, 52, 54, 56, 58]) {
      slider.value = String(v);
      slider.dispatchEvent(new Event('input', { bubbles: true }));
    }
  });
  await page.waitForFunction(() => window.smpEvents.some((e) => e.type === 'smp-design-change'));
  await page.waitForTimeout(500);
  let events = await page.evaluate(() => window.smpEvents);
  const changes = events.filter((e) => e.type === 'smp-design-change');
  assert.equal(changes.length, 1, `expected one debounced change, got ${changes.length}`);
  assert.equal(changes[0].widget, 'designer');
  assert.equal(changes[0].detail.design.density, 58);

  // Share (with the photo opted in: the event still carries no photo).
  const designer = page.locator('#designer');
  await designer.getByRole('checkbox', { name: 'Include a small copy of my photo in the link' }).check();
  await designer.getByRole('button', { name: 'Share link' }).click();
  await page.waitForFunction(() => window.smpEvents.some((e) => e.type === 'smp-share'));
  await designer.getByRole('checkbox', { name: 'Include a small copy of my photo in the link' }).uncheck();
  // Export from the other widget.
  await page.locator('#quick').scrollIntoViewIfNeeded();
  const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('#quick').getByRole('button', { name: 'Download JPEG' }).click()]);
  assert.match(dl.suggestedFilename(), /\.jpg$/);
  await page.waitForFunction(() => window.smpEvents.some((e) => e.type === 'smp-export'));
  // The call to action: an in-page link (#book) here, which is not mistaken for a share link.
  await page.locator('#designer').getByRole('link', { name: 'Book a consultation' }).click();
  await page.waitForFunction(() => window.smpEvents.some((e) => e.type === 'smp-cta-click'));
  assert.equal(new URL(page.url()).hash, '#book');

  events = await page.evaluate(() => window.smpEvents);
  const of = (type) => events.find((e) => e.type === type);
  assert.equal(of('smp-share').widget, 'designer');
  assert.equal(of('smp-share').detail.method, 'link');
  assert.equal(of('smp-share').detail.photoIncluded, true);
  assert.equal(of('smp-export').widget, 'quick');
  assert.equal(of('smp-export').detail.format, 'jpeg');
  assert.equal(of('smp-export').detail.design.density, 45);
  assert.equal(of('smp-cta-click').widget, 'designer');
  assert.match(of('smp-cta-click').detail.href, /#book$/);
  for (const e of events) {
    const text = JSON.stringify(e.detail);
    assert.ok(e.detail.design && typeof e.detail.design.density === 'number', `${e.type} without the design`);
    assert.ok(text.length < 1500, `${e.type} detail is ${text.length} characters: a photo in an event?`);
    assert.doesNotMatch(text, /v1\.|data:|blob:|base64/, `${e.type} carries a link or image data`);
  }
  // The page's visible list shows them.
  const listed = await page.locator('#event-log li').evaluateAll((items) => items.map((li) => li.dataset.type));
  for (const type of ['smp-design-change', 'smp-share', 'smp-export', 'smp-cta-click']) assert.ok(listed.includes(type), `${type} not listed: ${listed}`);
  assert.match(await page.locator('#event-log li').first().textContent(), /smp-cta-click from #designer/);
  // An in-page anchor is not a share link: no error in either widget.
  assert.equal(await page.locator('#designer').locator('.status.error').count(), 0);
});

test('attributes changed at run time update the widget', async () => {
  const quick = page.locator('#quick');
  await quick.scrollIntoViewIfNeeded();
  const set = (name, value) => page.evaluate(([n, v]) => (v === null ? document.getElementById('quick').removeAttribute(n) : document.getElementById('quick').setAttribute(n, v)), [name, value]);
  await set('density', '80');
  await page.waitForFunction(() => document.getElementById('quick').design.density === 80);
  assert.equal(await quick.locator('#density').inputValue(), '80');
  await set('shade', '0.35');
  await page.waitForFunction(() => document.getElementById('quick').design.shade === 0.35);
  await set('hairline', '10');
  await page.waitForFunction(() => Math.abs(document.getElementById('quick').design.hairline_cm - 10) < 0.06);
  await set('density', 'lots'); // ignored
  await page.waitForTimeout(100);
  assert.equal((await designOf(page, 'quick')).density, 80);

  await set('controls', 'hairline, share');
  assert.equal(await quick.locator('fieldset.group-hairline').isVisible(), true);
  assert.equal(await quick.locator('fieldset.group-share').isVisible(), true);
  assert.equal(await quick.locator('fieldset.group-dots').isVisible(), false);
  assert.equal(await quick.locator('.handle').first().isVisible(), true, 'handles hidden with the hairline controls shown');

  await set('cta-label', 'Call the clinic');
  await set('cta-href', 'tel:+441000000000');
  const cta = quick.getByRole('link', { name: 'Call the clinic' });
  assert.equal(await cta.getAttribute('href'), 'tel:+441000000000');
  await set('cta-href', 'javascript:alert(1)');
  assert.equal(await quick.locator('a.cta-link').isVisible(), false, 'a javascript: link was accepted');
  assert.equal(await quick.getByRole('button', { name: 'Call the clinic' }).isVisible(), true);
  await set('cta-label', null);
  assert.equal(await quick.locator('.cta-row').isVisible(), false);
  // Back to the page's settings.
  await page.evaluate(() => {
    const q = document.getElementById('quick');
    q.setAttribute('density', '45');
    q.setAttribute('shade', '0.5');
    q.setAttribute('hairline', '9');
    q.setAttribute('controls', 'dots,compare,download');
    q.setAttribute('cta-label', 'Ask about a first session');
    q.setAttribute('cta-href', '#book');
  });
});

test('clinic page screenshots (desktop and 375 px) and no console error or foreign request', async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(200);
  await page.screenshot({ path: path.join(SHOTS, 'clinic-desktop.png'), fullPage: true });
  await page.screenshot({ path: path.join(SHOTS, 'clinic-desktop-fold.png') });

  const phone = await openApp(browser, {
    csp: APP_CSP,
    path: '/clinic-example.html',
    viewport: { width: 375, height: 812 },
    contextOptions: { isMobile: true, hasTouch: true },
  });
  try {
    await waitPhotos(phone.page, 'designer');
    await phone.page.locator('#quick').scrollIntoViewIfNeeded();
    await waitPhotos(phone.page, 'quick');
    const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `the page scrolls sideways at 375 px (${width})`);
    await phone.page.evaluate(() => window.scrollTo(0, 0));
    await phone.page.screenshot({ path: path.join(SHOTS, 'clinic-375.png'), fullPage: true });
    assert.deepEqual(phone.consoleErrors, []);
    assert.deepEqual(phone.foreignRequests(), []);
  } finally {
    await phone.close();
  }
  assert.deepEqual(clinic.consoleErrors, []);
  assert.deepEqual(clinic.consoleWarnings, []);
  assert.deepEqual(clinic.foreignRequests(), [], 'the widget page requested another origin');
});

test('a widget far down a page fetches nothing until it comes into view', async () => {
  const paragraphs = Array.from({ length: 120 }, (_, i) => `<p>Paragraph ${i + 1} about the clinic.</p>`).join('\n');
  const app = await openApp(browser, {
    path: '/lazy-test.html',
    beforeGoto: (p) =>
      p.route('**/lazy-test.html', (route) =>
        route.fulfill({
          contentType: 'text/html',
          body: `<!doctype html><meta charset="utf-8"><title>lazy</title><script type="module" src="/smp-preview.js"></script>${paragraphs}<smp-preview id="late"></smp-preview>`,
        }),
      ),
  });
  try {
    await app.page.waitForLoadState('networkidle');
    await app.page.waitForTimeout(300);
    assert.equal(wasmRequests(app), 0, 'the wasm was fetched for a widget out of view');
    assert.ok(!app.requests.some((u) => u.includes('/pkg/')), 'the engine module was fetched early');
    await app.page.locator('#late').scrollIntoViewIfNeeded();
    await waitPhotos(app.page, 'late');
    assert.equal(wasmRequests(app), 1);
    assert.deepEqual(app.consoleErrors, []);
  } finally {
    await app.close();
  }
});

test('iframe embed: events are posted to the parent origin the clinic set, and to no other', async () => {
  const embed = await startServer({ dir: WWW_DIR, port: 0, csp: APP_CSP }); // the simulator's own host
  const embedOrigin = new URL(embed.url).origin;
  // The clinic's page, on another origin: two frames, one with the right parent-origin, one with a wrong one.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smp-host-'));
  fs.writeFileSync(
    path.join(dir, 'iframe-host.html'),
    '<!doctype html><meta charset="utf-8"><title>host</title><link rel="icon" href="data:,"><body><script src="iframe-host.js"></script></body>',
  );
  fs.writeFileSync(
    path.join(dir, 'iframe-host.js'),
    `window.__msgs = [];
    window.addEventListener('message', (e) => {
      const from = [...document.querySelectorAll('iframe')].find((f) => f.contentWindow === e.source);
      window.__msgs.push({ origin: e.origin, frame: from ? from.id : null, data: e.data });
    });
    for (const [id, parent] of [['good', location.origin], ['wrong', 'https://clinic.example']]) {
      const f = document.createElement('iframe');
      f.id = id;
      f.title = 'SMP preview ' + id;
      f.width = 620;
      f.height = 860;
      if (id === 'good') f.allow = 'clipboard-write; web-share'; // as the README's snippet has it
      f.src = ${JSON.stringify(embedOrigin)} + '/embed.html?parent-origin=' + encodeURIComponent(parent) +
        '&cta-label=Book&cta-href=' + encodeURIComponent(location.origin + '/iframe-host.html#booking') + '&brand=%237b2d5e';
      document.body.append(f);
    }`,
  );
  let host;
  try {
    host = await openApp(browser, { dir, path: '/iframe-host.html', viewport: { width: 1280, height: 900 } });
    const p = host.page;
    const good = p.frameLocator('#good');
    const wrong = p.frameLocator('#wrong');
    // Wait for both embedded widgets to show their photo.
    for (const f of [good, wrong]) await f.locator('smp-preview[state=ready]').waitFor({ timeout: 30_000 });
    await good.locator('#density').fill('41');
    await wrong.locator('#density').fill('42');
    await p.waitForFunction(() => window.__msgs.some((m) => m.data?.type === 'smp-design-change'), null, { timeout: 5000 });
    await good.getByRole('button', { name: 'Share link' }).click();
    // Without allow="clipboard-write" the link is shown to copy by hand, with no policy violation logged.
    await wrong.getByRole('button', { name: 'Share link' }).click();
    await wrong.locator('.status').filter({ hasText: 'select it below and copy it' }).waitFor();
    await good.getByRole('link', { name: 'Book' }).click();
    await p.waitForFunction(() => window.__msgs.some((m) => m.data?.type === 'smp-cta-click'), null, { timeout: 5000 });
    await p.waitForTimeout(600); // anything the wrong frame might still send
    const msgs = await p.evaluate(() => window.__msgs);
    assert.ok(msgs.length > 0);
    for (const m of msgs) {
      assert.equal(m.origin, embedOrigin, 'message from an unexpected origin');
      assert.equal(m.frame, 'good', `the frame with the wrong parent-origin posted ${JSON.stringify(m.data).slice(0, 80)}`);
      assert.equal(m.data.source, 'smp-preview');
    }
    const types = msgs.map((m) => m.data.type);
    for (const type of ['smp-design-change', 'smp-share', 'smp-cta-click', 'smp-resize']) assert.ok(types.includes(type), `${type} not forwarded: ${types}`);
    const change = msgs.find((m) => m.data.type === 'smp-design-change');
    assert.equal(change.data.detail.design.density, 41);
    assert.ok(msgs.find((m) => m.data.type === 'smp-resize').data.height > 300);
    // Themed from the address; the call to action opened in the host page.
    const bg = await good.locator('button.download').first().evaluate((b) => getComputedStyle(b).backgroundColor);
    assert.equal(bg, 'rgb(123, 45, 94)');
    assert.equal(new URL(p.url()).hash, '#booking');
    // Requests: only the host's and the simulator's origins.
    const foreign = host.requests.filter((u) => !/^(data|blob):/.test(u) && ![host.origin, embedOrigin].includes(new URL(u).origin));
    assert.deepEqual(foreign, []);
    assert.deepEqual(host.consoleErrors, []);
    assert.ok(host.consoleWarnings.some((w) => /parent-origin is https:\/\/clinic\.example/.test(w)), 'no warning about the wrong parent-origin');
  } finally {
    await host?.close();
    await embed.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the embed never posts to "*", and every new page passes the CSP file rules', () => {
  for (const file of fs.readdirSync(WWW_DIR).filter((f) => f.endsWith('.js'))) {
    const text = fs.readFileSync(path.join(WWW_DIR, file), 'utf8');
    assert.doesNotMatch(text, /postMessage\([^)]*['"`]\*['"`]/, `${file} posts to '*'`);
  }
  for (const file of ['embed.html', 'clinic-example.html']) {
    const text = fs.readFileSync(path.join(WWW_DIR, file), 'utf8');
    assert.match(text, /<script type="module" src="smp-preview\.js"><\/script>/, `${file}: the one-line embed`);
    for (const tag of text.match(/<script\b[^>]*>/gi) ?? []) assert.match(tag, /\ssrc=/, `${file}: inline <script>`);
  }
});
