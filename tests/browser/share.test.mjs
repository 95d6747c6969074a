// Share links (issue 4): a link reproduces the sender's preview pixel for
// pixel in a fresh browser, carries every control, optionally a small copy
// of the photo, carries the design over to the person's own photo, and a
// broken link gives a clear message and a working app with defaults.
//
// One sender page (context A) makes the links; receivers open them in fresh
// browser contexts, so nothing (storage, cache, engine) is shared.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { launchBrowser, openApp, openSample, waitForPhotos, nextRender, drag, design, photoPath, SAMPLE_SIZE, WWW_DIR, MODEL_FILES } from './harness.mjs';

let browser;
let sender; // openApp result: the page that designs and shares
let page;
let defaults; // the design of a freshly opened page without a link

before(async () => {
  browser = await launchBrowser();
  sender = await openSample(browser);
  page = sender.page;
  defaults = await design(page);
});

after(async () => {
  await sender?.close();
  await browser?.close();
});

// ---- helpers ----------------------------------------------------------------

/** Opens `url` in a page of `context`, collecting console errors and dialogs. */
async function openPage(context, url) {
  const p = await context.newPage();
  const errors = [];
  const dialogs = [];
  const requests = [];
  p.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  p.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  p.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  p.on('request', (r) => requests.push(r.url()));
  await p.goto(url);
  await waitForPhotos(p, 1);
  return { page: p, errors, dialogs, requests };
}

/** A fresh browser context (no cache, no storage) with the app's CSP-served origin. */
async function freshContext() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.route(MODEL_FILES, (route) => route.abort()); // the classical path, as openApp's (harness.mjs)
  return context;
}

/** SHA-256 of the RGBA pixels of the widget's preview (or 'before') canvas, with its size. */
function digest(p, which = 'after') {
  return p.evaluate(async (which) => {
    const c = document.querySelector('smp-preview').shadowRoot.querySelector(`canvas.${which}`);
    const o = new OffscreenCanvas(c.width, c.height);
    const ctx = o.getContext('2d');
    ctx.drawImage(c, 0, 0);
    const data = ctx.getImageData(0, 0, c.width, c.height).data;
    const h = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
    return { width: c.width, height: c.height, sha256: [...h].map((b) => b.toString(16).padStart(2, '0')).join('') };
  }, which);
}

/** What the controls show: slider values, shape, edge, seed and the value texts. */
function controls(p) {
  return p.evaluate(() => {
    const sr = document.querySelector('smp-preview').shadowRoot;
    const v = (id) => sr.getElementById(id).value;
    const t = (id) => sr.getElementById(`${id}-value`).textContent;
    return {
      density: v('density'),
      shade: v('shade'),
      dot_mm: v('dot_mm'),
      session: v('session'),
      hairline_cm: v('hairline_cm'),
      shape: v('shape'),
      edge: sr.querySelector('input[name=edge]:checked').value,
      seed: sr.getElementById('seed-value').textContent,
      texts: ['density', 'shade', 'dot_mm', 'session', 'hairline_cm'].map(t),
    };
  });
}

async function setSlider(id, value) {
  await nextRender(page, () => page.locator(`#${id}`).fill(String(value)));
}

/** One brush drag through photo points `pts` ([[x, y], ...]) with the brush in `mode` ('Add scalp', 'Erase' or 'Scar'). */
async function stroke(mode, pts, steps = 6) {
  const value = { 'Add scalp': 'add', Erase: 'erase', Scar: 'scar' }[mode];
  const radio = page.locator(`input[name=brush][value=${value}]`);
  if (!(await radio.isChecked())) await radio.check();
  const box = await page.locator('canvas.after').boundingBox();
  const k = box.width / 1350; // points are in photo 01's pixels; the canvas shows the whole photo
  const client = pts.map(([x, y]) => ({ x: box.x + x * k, y: box.y + y * k }));
  await nextRender(page, () => drag(page, client, steps));
}

/** Clicks Share link and returns the link from the read-only field. */
async function share() {
  // A count, not the lastShare object: a copy passed into the page never equals it.
  const before = await page.evaluate(() => document.querySelector('smp-preview').stats.shares);
  await page.getByRole('button', { name: 'Share link', exact: true }).click();
  await page.waitForFunction((b) => document.querySelector('smp-preview').stats.shares > b, before);
  const link = await page.getByLabel('Link to this design').inputValue();
  assert.ok(link.startsWith(`${sender.url}/index.html#v1.`), `unexpected link ${link.slice(0, 80)}`);
  return link;
}

/** Sets every control of the sender (the UI way) and waits for the repaint. */
async function setAll(v) {
  await setSlider('density', v.density);
  await setSlider('shade', v.shade);
  await setSlider('dot_mm', v.dot_mm);
  await setSlider('session', v.session);
  await nextRender(page, () => page.getByLabel('Hairline shape').selectOption(v.shape));
  await setSlider('hairline_cm', v.hairline_cm);
  if ((await design(page)).edge !== v.edge) await nextRender(page, () => page.getByRole('radio', { name: v.edge === 'soft' ? 'Soft' : 'Defined' }).check());
}

/** Back to the default design (undoing brush strokes too). */
async function reset() {
  await page.getByRole('radio', { name: 'Off' }).check();
  while ((await design(page)).brush_strokes > 0) await nextRender(page, () => page.getByRole('button', { name: 'Undo brush stroke' }).click());
  await setAll({ density: 70, shade: 0.7, dot_mm: 0.45, session: 3, shape: 'classic', hairline_cm: 8, edge: 'soft' });
}

const SCALP_Y = 250; // a band across the sample's scalp, in photo 01's pixels (1350 px across)
const sizes = {}; // measured link lengths, reported at the end

// ---- tests ---------------------------------------------------------------------

test('a shared link opened in a fresh browser reproduces the preview pixel for pixel', async (t) => {
  await setAll({ density: 55, shade: 0.55, dot_mm: 0.6, session: 2, shape: 'mature', hairline_cm: 9.2, edge: 'defined' });
  // Move the middle handle by keyboard and take a new dot pattern.
  await page.getByRole('button', { name: 'Hairline handle: middle of the forehead' }).focus();
  await nextRender(page, () => page.keyboard.press('Shift+ArrowUp'));
  await nextRender(page, () => page.keyboard.press('ArrowLeft'));
  await nextRender(page, () => page.getByRole('button', { name: 'New pattern' }).click());
  sizes.typical = (await share()).split('#')[1].length; // no brush edits yet
  // Two brush strokes and a strip scar: erase a band, add a patch, mark a
  // scar across the forehead (below the hairline, where only a scar gets dots).
  await stroke('Erase', [[560, SCALP_Y], [790, SCALP_Y]]);
  await stroke('Add scalp', [[600, 470], [760, 480]]);
  await stroke('Scar', [[610, 400], [740, 405]]);
  await page.getByRole('radio', { name: 'Off' }).check();

  const link = await share();
  const want = await digest(page);
  const wantDesign = await design(page);
  const wantControls = await controls(page);
  assert.equal(wantDesign.brush_strokes, 3);

  const ctx = await freshContext();
  try {
    const r = await openPage(ctx, link);
    assert.deepEqual(await digest(r.page), want, 'the shared link does not reproduce the preview pixel for pixel');
    assert.deepEqual(await design(r.page), wantDesign);
    assert.deepEqual(await controls(r.page), wantControls);
    assert.match(await r.page.locator('.status').textContent(), /shared design on the sample photo/);
    assert.equal(await r.page.locator('.invite').isVisible(), true, 'no invitation to load a photo');
    assert.deepEqual(r.errors, []);
    const origin = new URL(sender.url).origin;
    assert.deepEqual(r.requests.filter((u) => !u.startsWith(origin) && !/^(data|blob):/.test(u)), [], 'requests to another origin');
  } finally {
    await ctx.close();
  }
  t.diagnostic(`typical link (no brush edits): fragment ${sizes.typical} characters`);
  assert.ok(sizes.typical < 300, `a typical fragment is ${sizes.typical} characters`);
});

test("every control's value round-trips through a link", async () => {
  const sets = [
    { density: 20, shade: 0.2, dot_mm: 0.15, session: 1, shape: 'rounded', hairline_cm: 6.5, edge: 'soft' },
    { density: 100, shade: 1, dot_mm: 0.9, session: 4, shape: 'classic', hairline_cm: 11.5, edge: 'defined' },
    { density: 63, shade: 0.85, dot_mm: 0.3, session: 3, shape: 'mature', hairline_cm: 7.3, edge: 'soft' },
  ];
  await reset();
  const ctx = await freshContext();
  try {
    for (const v of sets) {
      await setAll(v);
      const d = await design(page);
      for (const [k, want] of Object.entries(v)) {
        if (k === 'hairline_cm') assert.ok(Math.abs(d[k] - want) < 0.051, `sender ${k} ${d[k]} (set ${want})`);
        else assert.equal(d[k], want, `sender ${k}`);
      }
      const link = await share();
      const r = await openPage(ctx, link);
      assert.deepEqual(await design(r.page), d, `design differs after the round trip of ${JSON.stringify(v)}`);
      assert.deepEqual(await controls(r.page), await controls(page), `controls differ after the round trip of ${JSON.stringify(v)}`);
      assert.deepEqual(r.errors, []);
      await r.page.close();
    }
  } finally {
    await ctx.close();
  }
});

test('the photo goes into a link only when opted in, as a small JPEG, and opens with the design', async (t) => {
  const box = page.getByRole('checkbox', { name: 'Include a small copy of my photo in the link' });
  assert.equal(await box.isChecked(), false, 'the photo must be opt-in');
  const plain = await share();
  assert.ok(plain.length < 20_000, 'a link without the photo should not carry it');
  assert.match(await page.locator('.share-size').textContent(), /no photo/);

  await box.check();
  const link = await share();
  const { photoBytes, fragmentLength } = await page.evaluate(() => document.querySelector('smp-preview').stats.lastShare);
  assert.ok(photoBytes > 5_000 && photoBytes <= 100 * 1024, `photo copy is ${photoBytes} bytes`);
  const note = await page.locator('.share-size').textContent();
  assert.match(note, new RegExp(`copy of your photo \\(${Math.round(photoBytes / 1024)} KB\\)`), note);
  await box.uncheck();
  const sent = await design(page);

  const ctx = await freshContext();
  try {
    const r = await openPage(ctx, link);
    assert.ok(!r.requests.some((u) => u.includes('sample-01.jpg')), 'the sample was fetched although the link carries a photo');
    const size = await digest(r.page, 'before');
    assert.equal(Math.max(size.width, size.height), 1024, `the photo in the link is ${size.width}x${size.height}`);
    const got = await design(r.page);
    // Everything but the scale (px/cm follows the smaller copy) and the height in cm it measures.
    for (const k of Object.keys(sent).filter((k) => !['px_per_cm', 'hairline_cm'].includes(k))) assert.deepEqual(got[k], sent[k], k);
    assert.ok(Math.abs(got.hairline_cm - sent.hairline_cm) < 0.02, `hairline ${got.hairline_cm} vs ${sent.hairline_cm}`);
    assert.ok(Math.abs(got.px_per_cm - (sent.px_per_cm * 1024) / SAMPLE_SIZE) < 0.011, 'scale not adapted to the smaller copy');
    assert.match(await r.page.locator('.status').textContent(), /photo the link carries/);
    assert.equal(await r.page.locator('.invite').isVisible(), false);
    assert.deepEqual(r.errors, []);
  } finally {
    await ctx.close();
  }
  t.diagnostic(`photo in the link: ${photoBytes} bytes of JPEG (1024 px), fragment ${fragmentLength} characters`);
});

test('a link without a photo invites the person to load theirs, and the design carries over', async () => {
  await setAll({ density: 48, shade: 0.6, dot_mm: 0.35, session: 2, shape: 'rounded', hairline_cm: 8.6, edge: 'defined' });
  await stroke('Erase', [[560, SCALP_Y], [790, SCALP_Y]]);
  await page.getByRole('radio', { name: 'Off' }).check();
  const link = await share();
  const sent = await design(page);
  const sentPixels = await digest(page);
  const ctx = await freshContext();
  try {
    // Another photo of another person: values and handles carry over, brush edits do not.
    const r = await openPage(ctx, link);
    const invite = r.page.locator('.invite');
    assert.equal(await invite.isVisible(), true);
    assert.match(await invite.textContent(), /Load a photo of your own head/);
    await r.page.locator('#file').setInputFiles(photoPath('02'));
    await waitForPhotos(r.page, 2);
    const got = await design(r.page);
    // Every value but the photo's own scale and brush edits (and the hairline height, measured on the photo).
    for (const k of Object.keys(sent).filter((k) => !['px_per_cm', 'hairline_cm', 'brush_strokes'].includes(k))) assert.deepEqual(got[k], sent[k], k);
    assert.equal(got.brush_strokes, 0);
    assert.notEqual(got.px_per_cm, sent.px_per_cm, 'the new photo should keep its own scale');
    assert.equal(await invite.isVisible(), false);
    assert.match(await r.page.locator('.status').textContent(), /shared design.*Brush edits were made on another photo/);
    // The same photo the link was made on (the sample, loaded as the person's own): exactly the sender's preview.
    const r2 = await openPage(ctx, link);
    await r2.page.locator('#file').setInputFiles(`${WWW_DIR}/assets/sample-01.jpg`);
    await waitForPhotos(r2.page, 2);
    assert.deepEqual(await design(r2.page), sent);
    assert.deepEqual(await digest(r2.page), sentPixels, 'the same photo loaded after the link should match the sender');
    assert.deepEqual([...r.errors, ...r2.errors], []);
  } finally {
    await ctx.close();
  }
  await reset();
});

/** CRC-16/CCITT-FALSE, as the link format uses. */
function crc16(bytes) {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** A link whose density is out of range but whose checksum is right: must be rejected, not clamped. */
function outOfRange(fragment) {
  const record = Buffer.from(fragment.slice(3), 'base64url');
  const sections = record.subarray(0, record.length - 2);
  assert.equal(sections[0], 0x01, 'design section first');
  sections.writeUInt16LE(250 * 2, 2); // density 250 dots/cm² (range 20-100)
  const crc = crc16(sections);
  return `v1.${Buffer.concat([sections, Buffer.from([crc >> 8, crc & 0xff])]).toString('base64url')}`;
}

test('broken, tampered, future and hostile links: a clear message, the defaults, no console error', async () => {
  await setSlider('density', 52);
  await stroke('Erase', [[560, SCALP_Y], [790, SCALP_Y]]);
  await page.getByRole('radio', { name: 'Off' }).check();
  const good = (await share()).split('#')[1];
  await reset();
  const flip = (s, i) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
  const cases = [
    ['truncated', good.slice(0, good.length - 7), /incomplete or damaged|checksum/],
    ['cut after the version', 'v1.', /incomplete or damaged|empty/],
    ['one flipped character', flip(good, 20), /damaged/],
    ['a character no link has', `${good.slice(0, 30)}*${good.slice(31)}`, /characters a share link never has/],
    ['future version v9', `v9.${good.slice(3)}`, /newer version/],
    ['out-of-range value with a valid checksum', outOfRange(good), /Density must be between 20 and 100/],
    ['HTML', '<img src=x onerror=alert(1)>', /not a share link/],
    ['huge', `v1.${'A'.repeat(700_000)}`, /too long/],
  ];
  const ctx = await freshContext();
  try {
    for (const [what, fragment, message] of cases) {
      const r = await openPage(ctx, `${sender.url}/index.html#${encodeURI(fragment)}`);
      const status = r.page.locator('.status');
      assert.equal(await status.evaluate((e) => e.classList.contains('error')), true, `${what}: no error shown`);
      const text = await status.textContent();
      assert.match(text, message, `${what}: ${text}`);
      assert.match(text, /default design/, `${what}: ${text}`);
      assert.deepEqual(await design(r.page), defaults, `${what}: not the default design`);
      assert.equal(await r.page.getByRole('button', { name: 'Download PNG' }).isEnabled(), true, `${what}: the app does not work`);
      const injected = await r.page.evaluate(() => document.querySelectorAll('img').length + document.querySelector('smp-preview').shadowRoot.querySelectorAll('img').length);
      assert.equal(injected, 0, `${what}: link text became markup`);
      assert.ok(!text.includes('<img'), `${what}: link text shown`);
      assert.deepEqual(r.dialogs, [], `${what}: a dialog opened`);
      assert.deepEqual(r.errors, [], `${what}: console errors`);
      await r.page.close();
    }
  } finally {
    await ctx.close();
  }
});

test('fuzzed links pasted into the address bar: each refused with a message, the preview stays', async () => {
  await setSlider('density', 52);
  await stroke('Add scalp', [[600, 470], [760, 480]]);
  await page.getByRole('radio', { name: 'Off' }).check();
  const good = (await share()).split('#')[1];
  await reset();
  const before = await digest(page);
  const errors = sender.consoleErrors.length;
  // A seeded generator: the same cases every run.
  let s = 0x2545f491;
  const rnd = (n) => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) % n;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const fuzz = [];
  for (let i = 0; i < 30; i++) {
    const f = [...good];
    const kind = i % 3;
    const at = 3 + rnd(f.length - 3);
    if (kind === 0) f.length = at; // cut
    else if (kind === 1) f[at] = alphabet[(alphabet.indexOf(f[at]) + 1 + rnd(63)) % 64]; // change
    else f.splice(at, 0, alphabet[rnd(64)]); // insert
    fuzz.push(f.join(''));
  }
  for (const fragment of fuzz) {
    await page.evaluate(() => (document.querySelector('smp-preview').shadowRoot.querySelector('.status').textContent = ''));
    await page.evaluate((f) => (location.hash = f), fragment);
    await page.locator('.status.error').filter({ hasText: /./ }).waitFor({ timeout: 5000 });
    assert.match(await page.locator('.status').textContent(), /The current preview stays/, fragment);
  }
  assert.deepEqual(await digest(page), before, 'a refused link changed the preview');
  assert.deepEqual(sender.consoleErrors.slice(errors), []);
  // A good link pasted the same way applies (it reopens the photo: wait for that load to finish).
  const photos = await page.evaluate(() => document.querySelector('smp-preview').stats.photos);
  await page.evaluate((f) => (location.hash = f), good);
  await page.waitForFunction(
    (n) => {
      const el = document.querySelector('smp-preview');
      return el.stats.photos > n && el.design.density === 52;
    },
    photos,
  );
  await page.evaluate(() => history.replaceState(null, '', location.pathname));
  await reset();
});

test('the share controls: copy button, link updated notice, Share image downloads without Web Share', async () => {
  // A link made right after an edit (before the design-change notice fires) stays current.
  await setSlider('density', 64);
  await share();
  const note = page.locator('.share-size');
  await page.waitForTimeout(600); // past the 300 ms quiet period of smp-design-change
  assert.match(await note.textContent(), /no photo/, 'a link made after the last edit was marked out of date');
  await setSlider('density', 66);
  await page.waitForFunction(() => /design has changed/.test(document.querySelector('smp-preview').shadowRoot.querySelector('.share-size').textContent));
  assert.match(await note.textContent(), /press Share link/);
  await page.getByRole('button', { name: 'Copy', exact: true }).click();
  await page.locator('.status').filter({ hasText: /Link copied|Copying is not allowed/ }).waitFor();
  // Headless Chromium has no share sheet for files: Share image downloads.
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Share image' }).click()]);
  assert.match(dl.suggestedFilename(), /smp-preview\.jpg$/);
  const bytes = fs.readFileSync(await dl.path());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff]);
  await page.locator('.status').filter({ hasText: /downloaded/ }).waitFor();
  await setSlider('density', 70);
});

test('Share image uses the Web Share API with a JPEG file where the browser has it', async () => {
  const ctx = await freshContext();
  try {
    await ctx.addInitScript(() => {
      window.__shared = [];
      navigator.canShare = (data) => Array.isArray(data?.files) && data.files.length > 0;
      navigator.share = async (data) => {
        window.__shared.push(data.files.map((f) => ({ name: f.name, type: f.type, size: f.size })));
      };
    });
    const r = await openPage(ctx, `${sender.url}/index.html`);
    const events = r.page.evaluate(
      () => new Promise((resolve) => document.addEventListener('smp-share', (e) => resolve(e.detail), { once: true })),
    );
    await r.page.getByRole('button', { name: 'Share image' }).click();
    await r.page.locator('.status').filter({ hasText: /shared|downloaded|couldn't|ready/ }).waitFor();
    assert.equal(await r.page.locator('.status').textContent(), 'Image shared.');
    const [[file]] = await r.page.evaluate(() => window.__shared);
    assert.equal(file.type, 'image/jpeg');
    assert.match(file.name, /\.jpg$/);
    assert.ok(file.size > 10_000);
    const detail = await events;
    assert.equal(detail.method, 'web-share');
    assert.equal(detail.design.density, 70);
    assert.deepEqual(r.errors, []);
  } finally {
    await ctx.close();
  }
});

test('heavy brush edits: link length measured, and the link still reproduces the preview', async (t) => {
  await reset();
  await page.locator('#brush-size').fill('1');
  const dabs0 = await page.evaluate(() => document.querySelector('smp-preview').stats.dabs);
  // 16 long zig-zag strokes over the scalp and forehead: 8 adding scalp, then 8 erasing.
  for (let i = 0; i < 16; i++) {
    const y = 170 + (i % 8) * 40 + (i < 8 ? 0 : 20);
    const pts = [];
    for (let k = 0; k <= 6; k++) pts.push([450 + k * 76, y + (k % 2) * 80]);
    await stroke(i < 8 ? 'Add scalp' : 'Erase', pts, 1); // the brush fills the gaps between moves
  }
  await page.getByRole('radio', { name: 'Off' }).check();
  assert.equal((await design(page)).brush_strokes, 16);
  sizes.dabs = (await page.evaluate(() => document.querySelector('smp-preview').stats.dabs)) - dabs0;
  const link = await share();
  sizes.heavy = link.split('#')[1].length;
  const want = await digest(page);
  const ctx = await freshContext();
  try {
    const r = await openPage(ctx, link);
    assert.deepEqual(await digest(r.page), want, 'a link with heavy brush edits does not reproduce the preview');
    assert.equal((await design(r.page)).brush_strokes, 16);
    assert.deepEqual(r.errors, []);
  } finally {
    await ctx.close();
  }
  t.diagnostic(`heavy brush edits (16 strokes, ${sizes.dabs} dabs): fragment ${sizes.heavy} characters`);
  assert.ok(sizes.dabs > 1000, `only ${sizes.dabs} dabs`);
  await page.locator('#brush-size').fill('2');
});

test('link lengths (reported) and no console errors or foreign requests on the sender', (t) => {
  t.diagnostic(`typical fragment: ${sizes.typical} characters; heavy brush edits (16 strokes, ${sizes.dabs} dabs): ${sizes.heavy} characters`);
  assert.deepEqual(sender.consoleErrors, []);
  assert.deepEqual(sender.foreignRequests(), []);
});
