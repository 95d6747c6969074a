// Photos in: every test photo in ../shared/photos through the file picker
// gives a stippled preview; EXIF orientation is honoured; large photos are
// edited at a working size but exported at full size; the 8192 px cap is said.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  photoCount,
  snap,
  comparePixels,
  decodeInPage,
  landmarks,
  photoPath,
  startSample,
  closeSample,
} from './harness.mjs';

let browser;
let app;
let page;

before(async () => ({ browser, app, page } = await startSample()));

after(() => closeSample({ browser, app }));

/** Picks `file` (path or { name, mimeType, buffer }) in the widget's picker and waits until it is shown. */
async function upload(file, input = '#file') {
  const n = await photoCount(page);
  await page.locator(input).setInputFiles(file);
  // Either the photo shows or the widget says why not (then fail with its words).
  await page.waitForFunction(
    (k) => {
      const el = document.querySelector('smp-preview');
      return el.stats.photos > k || el.shadowRoot.querySelector('.status.error');
    },
    n,
    { timeout: 60_000 },
  );
  const error = await page.locator('.status.error').count();
  if (error) assert.fail(`upload failed: ${await page.locator('.status').textContent()}`);
  return page.evaluate(() => {
    const c = document.querySelector('smp-preview').shadowRoot.querySelector('canvas.after');
    return { width: c.width, height: c.height };
  });
}

/** Image bytes made in the page: `source` drawn onto a width x height canvas. */
async function makeImage(source, width, height, type = 'image/jpeg') {
  const b64 = await page.evaluate(
    async ([src, width, height, type]) => {
      const bytes = Uint8Array.from(atob(src), (c) => c.charCodeAt(0));
      const bmp = await createImageBitmap(new Blob([bytes]));
      const c = new OffscreenCanvas(width, height);
      c.getContext('2d').drawImage(bmp, 0, 0, width, height);
      const out = new Uint8Array(await (await c.convertToBlob({ type, quality: 0.9 })).arrayBuffer());
      let s = '';
      for (let i = 0; i < out.length; i += 0x8000) s += String.fromCharCode(...out.subarray(i, i + 0x8000));
      return btoa(s);
    },
    [fs.readFileSync(source).toString('base64'), width, height, type],
  );
  return Buffer.from(b64, 'base64');
}

async function download(name) {
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByRole('button', { name }).click()]);
  return fs.readFileSync(await dl.path());
}

for (const id of ['01', '02', '03', '04', '05', '07', '08', '11']) {
  test(`photo ${id} uploads and is shown stippled`, async () => {
    const file = photoPath(id);
    const size = await upload(file);
    const decoded = await decodeInPage(page, `file${id}`, fs.readFileSync(file), 'image/jpeg');
    assert.deepEqual(size, decoded, 'working size should be the photo size (under 1600 px)');
    await snap(page, `orig${id}`, 'before');
    await snap(page, `after${id}`);
    const all = await comparePixels(page, `orig${id}`, `after${id}`, null, 2);
    assert.ok(all.darker > all.pixels * 0.003, `photo ${id}: too few pixels darkened: ${JSON.stringify(all)}`);
    assert.equal(all.brighter, 0, `photo ${id}: pigment must only darken`);
    // Dots, not a wash: how much each darkened pixel darkened varies a lot
    // (dot centres against their soft edges and the skin between them).
    const spread = await page.evaluate((id) => {
      const A = window.__snaps[`orig${id}`];
      const B = window.__snaps[`after${id}`];
      let n = 0;
      let sum = 0;
      let sum2 = 0;
      for (let i = 0; i < A.data.length; i += 4) {
        const d = (A.data[i] + A.data[i + 1] + A.data[i + 2] - B.data[i] - B.data[i + 1] - B.data[i + 2]) / 3;
        if (d <= 2) continue;
        n++;
        sum += d;
        sum2 += d * d;
      }
      const mean = sum / n;
      return { n, mean, cv: Math.sqrt(sum2 / n - mean * mean) / mean };
    }, id);
    assert.ok(spread.cv > 0.4, `photo ${id}: darkening looks like an even wash, not dots: ${JSON.stringify(spread)}`);
    const L = landmarks(id);
    if (L) {
      const eyes = [L[0][0] - 60, L[0][1] - 30, L[1][0] + 60, L[0][1] + 30];
      assert.equal((await comparePixels(page, `orig${id}`, `after${id}`, eyes)).changed, 0, `photo ${id}: dots on the eyes`);
    }
    assert.match(await page.locator('.status').textContent(), /Photo loaded/);
  });
}

// Where the dots land on the phone photos is the engine's scalp detection:
// a busy background (window, curtain, wall) and a head filling the frame.
test('photo 07 (top view): no dots on the wall behind the head', async () => {
  // Uses the snapshots taken by 'photo 07 uploads ...' above.
  const wall = await comparePixels(page, 'orig07', 'after07', [0, 0, 100, 60]);
  assert.equal(wall.changed, 0, `dots on the wall: ${JSON.stringify(wall)}`);
});

test('photo 11 (profile): dots on the scalp, none on the cheek or the window', async () => {
  const cheek = await comparePixels(page, 'orig11', 'after11', [70, 380, 240, 450]);
  assert.equal(cheek.changed, 0, `dots on the cheek: ${JSON.stringify(cheek)}`);
  const window = await comparePixels(page, 'orig11', 'after11', [0, 80, 110, 300]);
  assert.equal(window.changed, 0, `dots on the window and curtain: ${JSON.stringify(window)}`);
  const scalp = await comparePixels(page, 'orig11', 'after11', [250, 60, 450, 200], 2);
  assert.ok(scalp.darker > scalp.pixels * 0.05, `no dots on the scalp: ${JSON.stringify(scalp)}`);
});

test('the camera input takes photos too', async () => {
  const size = await upload(photoPath('03'), '#camera');
  assert.deepEqual(size, { width: 1350, height: 1350 });
  assert.equal(await page.locator('#camera').getAttribute('capture'), 'user');
  assert.equal(await page.locator('#camera').getAttribute('accept'), 'image/*');
  assert.equal(await page.locator('#file').getAttribute('accept'), 'image/*');
});

test('EXIF orientation is honoured', async () => {
  // Photo 07 (640x853) with an EXIF Orientation = 6 tag: shown rotated, 853x640.
  const jpeg = fs.readFileSync(photoPath('07'));
  const tiff = Buffer.from([
    0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00, // little-endian TIFF, first IFD at 8
    0x01, 0x00, // one entry
    0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, // Orientation (SHORT) = 6
    0x00, 0x00, 0x00, 0x00, // no next IFD
  ]);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'binary'), tiff]);
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 255]), payload]);
  const rotated = Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]);
  const size = await upload({ name: 'rotated.jpg', mimeType: 'image/jpeg', buffer: rotated });
  assert.deepEqual(size, { width: 853, height: 640 });
});

test('a large photo is edited at 1600 px and exported at its full size', async () => {
  const big = await makeImage(photoPath('02'), 2400, 1800);
  const size = await upload({ name: 'big.jpg', mimeType: 'image/jpeg', buffer: big });
  assert.deepEqual(size, { width: 1600, height: 1200 });
  assert.match(await page.locator('.export-size').textContent(), /2400 × 1800/);
  const out = await download('Download JPEG');
  assert.deepEqual(await decodeInPage(page, 'bigout', out, 'image/jpeg'), { width: 2400, height: 1800 });
  // The export carries the dots: it differs from the photo on the scalp.
  await decodeInPage(page, 'bigin', big, 'image/jpeg');
  const r = await comparePixels(page, 'bigin', 'bigout', null, 8);
  assert.ok(r.darker > 5000, `export has no dots: ${JSON.stringify(r)}`);
});

test('a photo over 8192 px is capped, and the page says so', async () => {
  const huge = await makeImage(photoPath('07'), 6300, 8400);
  const size = await upload({ name: 'huge.jpg', mimeType: 'image/jpeg', buffer: huge });
  assert.deepEqual(size, { width: 1200, height: 1600 });
  assert.match(await page.locator('.status').textContent(), /8192/);
  assert.match(await page.locator('.export-size').textContent(), /6144 × 8192.*6300 × 8400.*capped/);
  const out = await download('Download JPEG');
  assert.deepEqual(await decodeInPage(page, 'hugeout', out, 'image/jpeg'), { width: 6144, height: 8192 });
});

test('no console errors or warnings and no request to another origin during the run', () => {
  assert.deepEqual(app.consoleErrors, []);
  assert.deepEqual(app.consoleWarnings, []);
  assert.deepEqual(app.foreignRequests(), []);
});
