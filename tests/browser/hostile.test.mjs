// Hostile and broken photo files, each through the file input and through
// drag and drop: either it opens correctly or the widget says what to do,
// and afterwards the widget still works with its previous photo. Fixtures
// are built here (node, or a canvas in the page); only the grayscale and CMYK
// JPEGs (18 KB and 57 KB, made with Pillow) are files in fixtures/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { openApp, snap, photoPath, waitForPhotos, APP_CSP, REPO_ROOT, startSample, closeSample } from './harness.mjs';

let browser;
let app;
let page;
const outcomes = [];

before(async () => ({ browser, app, page } = await startSample()));

after(async () => {
  if (outcomes.length) console.log('# hostile files:\n' + outcomes.map((o) => `#   ${o}`).join('\n'));
  await closeSample({ browser, app });
});

// ---- Fixtures built in node --------------------------------------------------

function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
/** A PNG whose IHDR says width x height (8-bit RGB), with `rows` as its (zlib) data. */
function png(width, height, raw) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** `jpeg` with an EXIF APP1 segment carrying Orientation = `o`, right after SOI. */
function withOrientation(jpeg, o) {
  const tiff = Buffer.from([
    0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, // big-endian TIFF, first IFD at 8
    0x00, 0x01, // one entry
    0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, o, 0x00, 0x00, // Orientation (SHORT)
    0x00, 0x00, 0x00, 0x00, // no next IFD
  ]);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'binary'), tiff]);
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 255]), payload]);
  return Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]);
}

const photo02 = fs.readFileSync(photoPath('02'));
const photo07 = fs.readFileSync(photoPath('07')); // 640 x 853, no orientation tag
const fixtureDir = path.join(REPO_ROOT, 'tests/browser/fixtures');

// ---- In the page ---------------------------------------------------------------

/** Stores `buffer` in the page as window.__files[key] (a File). */
function put(key, buffer, name, type) {
  return page.evaluate(
    ([key, b64, name, type]) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      (window.__files ??= {})[key] = new File([bytes], name, { type });
    },
    [key, Buffer.from(buffer).toString('base64'), name, type],
  );
}

/** Draws photo 02 onto a width x height canvas in the page and keeps it as a File. */
function makeInPage(key, width, height, type, name, { alpha = false } = {}) {
  return page.evaluate(
    async ([key, b64, width, height, type, name, alpha]) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const bmp = await createImageBitmap(new Blob([bytes]));
      const c = new OffscreenCanvas(width, height);
      const ctx = c.getContext('2d');
      ctx.drawImage(bmp, 0, 0, width, height);
      if (alpha) {
        // Transparent corners fading into the photo.
        const g = ctx.createRadialGradient(width / 2, height / 2, width / 4, width / 2, height / 2, width * 0.7);
        g.addColorStop(0, 'rgba(0,0,0,1)');
        g.addColorStop(1, 'rgba(0,0,0,0)');
        ctx.globalCompositeOperation = 'destination-in';
        ctx.fillStyle = g;
        ctx.fillRect(0, 0, width, height);
      }
      const t0 = performance.now();
      const blob = await c.convertToBlob({ type, quality: 0.85 });
      (window.__files ??= {})[key] = new File([blob], name, { type });
      return { bytes: blob.size, ms: Math.round(performance.now() - t0) };
    },
    [key, photo02.toString('base64'), width, height, type, name, alpha],
  );
}

/**
 * Feeds window.__files[key] to the widget through the file input (a change
 * event with the file, as a picker gives it) or a drop on the preview; waits
 * until the widget has answered. Returns { loaded, error, status }.
 */
async function feed(key, how) {
  const photos = await page.evaluate(() => document.querySelector('smp-preview').stats.photos);
  await page.evaluate(
    ([key, how]) => {
      const el = document.querySelector('smp-preview');
      const dt = new DataTransfer();
      dt.items.add(window.__files[key]);
      if (how === 'input') {
        const input = el.shadowRoot.querySelector('#file');
        input.files = dt.files;
        input.dispatchEvent(new Event('change', { bubbles: true }));
      } else {
        const frame = el.shadowRoot.querySelector('.frame');
        const fire = (type) => frame.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, composed: true, cancelable: true }));
        fire('dragenter');
        fire('dragover');
        fire('drop');
      }
    },
    [key, how],
  );
  await page.waitForFunction(() => !/^Opening/.test(document.querySelector('smp-preview').shadowRoot.querySelector('.status').textContent), null, {
    timeout: 90_000,
  });
  return page.evaluate((k) => {
    const el = document.querySelector('smp-preview');
    const s = el.shadowRoot.querySelector('.status');
    const c = el.shadowRoot.querySelector('canvas.after');
    return { loaded: el.stats.photos > k, error: s.classList.contains('error'), status: s.textContent, width: c.width, height: c.height };
  }, photos);
}

/** Share of pixels that differ between two snaps (same size), or 1 when the sizes differ. */
function changed(a, b) {
  return page.evaluate(
    ([a, b]) => {
      const A = window.__snaps[a];
      const B = window.__snaps[b];
      if (A.width !== B.width || A.height !== B.height) return 1;
      let n = 0;
      for (let i = 0; i < A.data.length; i += 4) if (A.data[i] !== B.data[i] || A.data[i + 1] !== B.data[i + 1] || A.data[i + 2] !== B.data[i + 2]) n++;
      return n / (A.width * A.height);
    },
    [a, b],
  );
}

/** The widget still works: the preview is stippled and a slider re-renders it. */
async function stillWorks(label) {
  await snap(page, 'w-before', 'before');
  await snap(page, 'w-after');
  const dotted = await changed('w-before', 'w-after');
  assert.ok(dotted > 0.003, `${label}: the preview is not stippled (${dotted})`);
  const renders = await page.evaluate(() => {
    const el = document.querySelector('smp-preview');
    const s = el.shadowRoot.querySelector('#density');
    s.value = String(Number(s.value) === Number(s.max) ? Number(s.min) + Number(s.step) * 10 : Number(s.max));
    s.dispatchEvent(new Event('input', { bubbles: true }));
    return el.stats.renders;
  });
  await page.waitForFunction((k) => document.querySelector('smp-preview').stats.renders > k, renders, { timeout: 10_000 });
  await snap(page, 'w-after2');
  assert.ok((await changed('w-after', 'w-after2')) > 0, `${label}: moving density changed nothing`);
}

// ---- The cases -------------------------------------------------------------------

// expect: 'ok' (opens), or a RegExp the message must match (and the previous photo stays).
const CASES = [
  { key: 'text', name: 'holiday.jpg', make: () => put('text', Buffer.from('This is a text file, renamed.\n'.repeat(20)), 'holiday.jpg', 'image/jpeg'), expect: /isn't a photo we can read.*JPEG or PNG/ },
  { key: 'empty', name: 'empty.jpg', make: () => put('empty', Buffer.alloc(0), 'empty.jpg', 'image/jpeg'), expect: /empty \(0 bytes\).*Choose the photo again/ },
  // Cut in the middle of the scan data: Chromium's createImageBitmap refuses it.
  { key: 'truncated', name: 'truncated.jpg', make: () => put('truncated', photo02.subarray(0, Math.floor(photo02.length * 0.6)), 'truncated.jpg', 'image/jpeg'), expect: /damaged or incomplete.*Copy or save it again/ },
  { key: 'tiny', name: 'one-pixel.png', make: () => put('tiny', png(1, 1, Buffer.from([0, 200, 160, 140])), 'one-pixel.png', 'image/png'), expect: /./ },
  {
    key: 'bomb',
    name: 'bomb.png',
    // 20000 x 20000 RGB claimed; a few hundred bytes of zlib data (one all-zero row and a bit).
    make: () => put('bomb', png(20000, 20000, Buffer.alloc(60001 * 4)), 'bomb.png', 'image/png'),
    expect: /20,000 × 20,000 pixels, too large.*Save a smaller copy/,
  },
  { key: 'heic', name: 'IMG_0420.HEIC', make: () => put('heic', Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic'), Buffer.alloc(4096)]), 'IMG_0420.HEIC', 'image/heic'), expect: /HEIC.*JPEG/ },
  { key: 'heic-renamed', name: 'photo.jpg', make: () => put('heic-renamed', Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic'), Buffer.alloc(4096)]), 'photo.jpg', 'image/jpeg'), expect: /HEIC.*JPEG/ },
  { key: 'gray', name: 'gray.jpg', make: () => put('gray', fs.readFileSync(path.join(fixtureDir, 'gray.jpg')), 'gray.jpg', 'image/jpeg'), expect: 'ok', size: [480, 480] },
  { key: 'cmyk', name: 'cmyk.jpg', make: () => put('cmyk', fs.readFileSync(path.join(fixtureDir, 'cmyk.jpg')), 'cmyk.jpg', 'image/jpeg'), expect: 'ok', size: [480, 480] },
  { key: 'alpha', name: 'alpha.png', make: () => makeInPage('alpha', 900, 900, 'image/png', 'alpha.png', { alpha: true }), expect: 'ok', size: [900, 900] },
  { key: 'big', name: 'fifty-megapixels.jpg', make: () => makeInPage('big', 8660, 5774, 'image/jpeg', 'fifty-megapixels.jpg'), expect: 'ok', size: [1600, 1067] },
];

for (const c of CASES) {
  test(`bad file: ${c.key} (${c.name}) through the file input and by drag and drop`, { timeout: 180_000 }, async () => {
    const made = await c.make();
    for (const how of ['input', 'drop']) {
      await snap(page, 'prev');
      const prevPhotos = await page.evaluate(() => document.querySelector('smp-preview').stats.photos);
      const t0 = Date.now();
      const r = await feed(c.key, how);
      const ms = Date.now() - t0;
      const label = `${c.key} via ${how}`;
      if (c.expect === 'ok') {
        assert.ok(r.loaded && !r.error, `${label}: did not open: ${r.status}`);
        if (c.size) assert.deepEqual([r.width, r.height], c.size, `${label}: wrong size`);
        outcomes.push(`${label}: opens ${r.width}x${r.height} in ${ms} ms${made?.bytes ? ` (${(made.bytes / 1e6).toFixed(1)} MB, encoded in ${made.ms} ms)` : ''}: "${r.status}"`);
      } else if (r.loaded) {
        // Only a case whose pattern allows anything may open ('tiny': the engine decides).
        assert.equal(String(c.expect), '/./', `${label}: opened, but it should have been refused: ${r.status}`);
        outcomes.push(`${label}: opens ${r.width}x${r.height}: "${r.status}"`);
      } else {
        assert.ok(r.error, `${label}: no error shown: ${r.status}`);
        assert.match(r.status, c.expect, `${label}: unclear message`);
        assert.match(r.status, /The current preview stays/);
        assert.equal(await page.evaluate(() => document.querySelector('smp-preview').stats.photos), prevPhotos);
        await snap(page, 'now');
        assert.equal(await changed('prev', 'now'), 0, `${label}: the previous preview changed`);
        outcomes.push(`${label}: refused in ${ms} ms: "${r.status}"`);
      }
      if (r.loaded && r.width * r.height < 64 * 64) {
        // Too small to show dots: it must at least say something and keep working.
        outcomes.push(`${label}: (too small to stipple)`);
        continue;
      }
      await stillWorks(label);
    }
  });
}

const TRANSFORMS = {
  1: [1, 0, 0, 1, 'z', 'z'],
  2: [-1, 0, 0, 1, 'w', 'z'],
  3: [-1, 0, 0, -1, 'w', 'h'],
  4: [1, 0, 0, -1, 'z', 'h'],
  5: [0, 1, 1, 0, 'z', 'z'],
  6: [0, 1, -1, 0, 'h', 'z'],
  7: [0, -1, -1, 0, 'h', 'w'],
  8: [0, -1, 1, 0, 'z', 'w'],
};

test('EXIF orientations 1-8: the preview is upright, with the right size and pixels, by input and by drop', { timeout: 180_000 }, async () => {
  await page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    window.__plain = await createImageBitmap(new Blob([bytes]), { imageOrientation: 'none' });
  }, photo07.toString('base64'));
  for (let o = 1; o <= 8; o++) {
    await put(`o${o}`, withOrientation(photo07, o), `orientation-${o}.jpg`, 'image/jpeg');
    for (const how of ['input', 'drop']) {
      const r = await feed(`o${o}`, how);
      assert.ok(r.loaded && !r.error, `orientation ${o} via ${how}: ${r.status}`);
      const expected = o >= 5 ? [853, 640] : [640, 853];
      assert.deepEqual([r.width, r.height], expected, `orientation ${o} via ${how}: size`);
      await snap(page, 'oriented', 'before');
      const diff = await page.evaluate((t) => {
        const src = window.__plain;
        const [w, h] = [src.width, src.height];
        const v = (x) => (x === 'w' ? w : x === 'h' ? h : x === 'z' ? 0 : x);
        const swap = t[0] === 0;
        const c = new OffscreenCanvas(swap ? h : w, swap ? w : h);
        const ctx = c.getContext('2d');
        ctx.setTransform(...t.map(v));
        ctx.drawImage(src, 0, 0);
        const E = ctx.getImageData(0, 0, c.width, c.height);
        const A = window.__snaps.oriented;
        if (A.width !== E.width || A.height !== E.height) return 255;
        let sum = 0;
        for (let i = 0; i < A.data.length; i += 4) sum += Math.abs(A.data[i] - E.data[i]) + Math.abs(A.data[i + 1] - E.data[i + 1]);
        return sum / (A.width * A.height * 2);
      }, TRANSFORMS[o]);
      assert.ok(diff < 1, `orientation ${o} via ${how}: pixels not upright (mean difference ${diff})`);
    }
    outcomes.push(`EXIF orientation ${o}: ${o >= 5 ? '853x640' : '640x853'}, pixels match the upright photo (input and drop)`);
  }
  // Checked on the upright photo: the loop ends on orientation 8, a head
  // lying on its side, which no view fits; its few dots (a front view's
  // hairline patch) say nothing of whether the widget still works.
  const upright = await feed('o1', 'input');
  assert.ok(upright.loaded && !upright.error, `orientation 1 again: ${upright.status}`);
  await stillWorks('after the orientations');
});

test('a sample photo with an EXIF orientation is shown upright too (the sample loads through an image element, not the file path)', async () => {
  const sideways = withOrientation(photo07, 6); // stored 640 x 853, shown 853 x 640
  const other = await openApp(browser, {
    csp: APP_CSP,
    viewport: { width: 1280, height: 900 },
    beforeGoto: (p) =>
      p.route('**/assets/sample-01.jpg', (route) => route.fulfill({ status: 200, contentType: 'image/jpeg', body: sideways })),
  });
  try {
    await waitForPhotos(other.page, 1);
    const size = await other.page.evaluate(() => {
      const c = document.querySelector('smp-preview').shadowRoot.querySelector('canvas.before');
      return [c.width, c.height];
    });
    assert.deepEqual(size, [853, 640], 'the sample is not upright');
    assert.deepEqual(other.consoleErrors, []);
  } finally {
    await other.close();
  }
});

test('no uncaught errors and nothing sent to another origin', () => {
  assert.deepEqual(
    app.consoleErrors.filter((e) => e.startsWith('pageerror')),
    [],
  );
  assert.deepEqual(app.foreignRequests(), []);
});
