// The preview app end to end on the sample photo (photo 01), under the CSP it
// must ship with. One page is shared: tests run in order and each restores
// what it changed. Pixel checks read the widget's canvases (see harness.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  openApp,
  APP_CSP,
  waitForPhotos,
  photoCount,
  snap,
  comparePixels,
  decodeInPage,
  landmarks,
  inSample,
  SAMPLE_SIZE,
  nextRender,
  drag,
  design,
  photoPath,
  WWW_DIR,
  startSample,
  closeSample,
} from './harness.mjs';

let browser;
let app;
let page;

// Test regions in the sample's pixels, from the dataset's landmarks of photo 01
// (the sample is the same photo scaled to SAMPLE_SIZE; inSample converts).
const L = landmarks('01').map(inSample);
const [HX, HY] = L[139]; // hairline centre (the annotator's guess on a bald head)
const TOP_Y = L[151][1]; // top of the head outline
const SCALP = [HX - inSample(80), TOP_Y + inSample(10), HX + inSample(80), HY - inSample(5)];
const FACE = [L[0][0] - inSample(60), L[0][1] - inSample(40), L[1][0] + inSample(60), L[0][1] + inSample(350)]; // eyes to chin
const CORNERS = [
  [0, 0, 150, 150],
  [1200, 0, 1350, 150],
  [0, 1000, 120, 1350],
].map(inSample);

before(async () => ({ browser, app, page } = await startSample()));

after(() => closeSample({ browser, app }));

/** Sets a range input the way a drag does (value + input event) and waits for the repaint. */
async function setSlider(id, value) {
  await nextRender(page, () => page.locator(`#${id}`).fill(String(value)));
}

/** Waits two animation frames, so every queued change has been drawn. */
function settle() {
  return page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** Photo pixel (x, y) -> page (client) coordinates, from the canvas's on-screen box. */
async function toClient(x, y) {
  const box = await page.locator('canvas.after').boundingBox();
  const size = await page.evaluate(() => document.querySelector('smp-preview').shadowRoot.querySelector('canvas.after').width);
  const k = box.width / size;
  return { x: box.x + x * k, y: box.y + y * k, k };
}

test('the sample opens already stippled at default settings', async () => {
  const size = await snap(page, 'orig', 'before');
  assert.deepEqual(size, { width: SAMPLE_SIZE, height: SAMPLE_SIZE });
  await snap(page, 'a0', 'after');

  // The 'before' canvas is the photo itself.
  const decoded = await decodeInPage(page, 'file', fs.readFileSync(`${WWW_DIR}/assets/sample-01.jpg`), 'image/jpeg');
  assert.deepEqual(decoded, size);
  assert.equal((await comparePixels(page, 'file', 'orig')).changed, 0, 'before canvas differs from the sample photo');

  const scalp = await comparePixels(page, 'orig', 'a0', SCALP, 2);
  assert.ok(scalp.darker / scalp.pixels > 0.15, `too few scalp pixels darkened: ${JSON.stringify(scalp)}`);
  assert.equal(scalp.brighter, 0, 'pigment must only darken skin');
  const face = await comparePixels(page, 'orig', 'a0', FACE);
  assert.equal(face.changed, 0, `face pixels changed: ${JSON.stringify(face)}`);
  for (const c of CORNERS) assert.equal((await comparePixels(page, 'orig', 'a0', c)).changed, 0, `background ${c} changed`);

  const d = await design(page);
  assert.equal(d.density, 70);
  assert.equal(d.shade, 0.7);
  assert.equal(d.dot_mm, 0.6);
  assert.equal(d.session, 3);
  assert.equal(d.edge, 'soft');
  assert.equal(d.shape, 'classic');
  // Values are shown with their units.
  assert.equal(await page.locator('#density-value').textContent(), '70 dots/cm²');
  assert.equal(await page.locator('#dot_mm-value').textContent(), '0.60 mm');
  assert.match(await page.locator('#hairline_cm-value').textContent(), /^\d+\.\d cm$/);
  assert.equal(await page.locator('.frame .message').isVisible(), false, 'loading message still shown');
});

test('the first frame, drawn before the last level of dots is sampled, is the whole pattern\'s frame', async () => {
  // A page of its own, which copies the first frame in the task that draws
  // it: the engine samples the rest of the pattern only after a frame.
  const own = await openApp(browser, {
    csp: APP_CSP,
    viewport: { width: 1280, height: 900 },
    beforeGoto: (p) =>
      p.addInitScript(() => {
        document.addEventListener(
          'smp-render',
          (e) => {
            if (window.__snaps?.first) return;
            const c = e.target.shadowRoot.querySelector('canvas.after');
            const ctx = new OffscreenCanvas(c.width, c.height).getContext('2d');
            ctx.drawImage(c, 0, 0);
            (window.__snaps ??= {}).first = ctx.getImageData(0, 0, c.width, c.height);
          },
          true,
        );
      }),
  });
  try {
    const p = own.page;
    await waitForPhotos(p, 1);
    // Past the default density (the last level's dots show), then back.
    await nextRender(p, () => p.locator('#density').fill('100'));
    await snap(p, 'full');
    await nextRender(p, () => p.locator('#density').fill('70'));
    await snap(p, 'back');
    const denser = await comparePixels(p, 'first', 'full', SCALP, 3);
    assert.ok(denser.darker > 200, `density 100 added no dots: ${JSON.stringify(denser)}`);
    const back = await comparePixels(p, 'first', 'back');
    assert.equal(back.changed, 0, `the default frame changed once the pattern was complete: ${JSON.stringify(back)}`);
    assert.deepEqual(own.consoleErrors, []);
  } finally {
    await own.close();
  }
});

test('raising density darkens the scalp and keeps every earlier dot', async () => {
  await setSlider('density', 30);
  await snap(page, 'd30');
  await setSlider('density', 100);
  await snap(page, 'd100');
  const r = await page.evaluate(() => {
    const { orig, d30, d100 } = window.__snaps;
    const luma = (D, i) => (D.data[i] + D.data[i + 1] + D.data[i + 2]) / 3;
    let dotted = 0;
    let lost = 0;
    for (let i = 0; i < orig.data.length; i += 4) {
      if (luma(orig, i) - luma(d30, i) > 3) {
        dotted++;
        if (luma(d100, i) > luma(d30, i) + 1) lost++;
      }
    }
    return { dotted, lost };
  });
  assert.ok(r.dotted > 500, `density 30 drew almost nothing: ${JSON.stringify(r)}`);
  assert.equal(r.lost, 0, `pixels darkened at density 30 got lighter at 100: ${JSON.stringify(r)}`);
  const low = await comparePixels(page, 'orig', 'd30', SCALP);
  const high = await comparePixels(page, 'orig', 'd100', SCALP);
  assert.ok(high.meanDarkening > low.meanDarkening * 1.5, `scalp not darker at 100: ${low.meanDarkening} vs ${high.meanDarkening}`);
  await setSlider('density', 70);
});

test('controls work from the keyboard and show values with units', async () => {
  await page.locator('#density').focus();
  await nextRender(page, () => page.keyboard.press('ArrowRight'));
  assert.equal((await design(page)).density, 71);
  assert.equal(await page.locator('#density-value').textContent(), '71 dots/cm²');
  await nextRender(page, () => page.keyboard.press('ArrowLeft'));
  assert.equal((await design(page)).density, 70);

  await page.locator('#session').focus();
  await nextRender(page, () => page.keyboard.press('Home'));
  assert.equal((await design(page)).session, 1);
  assert.equal(await page.locator('#session-value').textContent(), '1 of 4');
  await nextRender(page, () => page.keyboard.press('End'));
  assert.equal((await design(page)).session, 4);
  await setSlider('session', 3);

  await setSlider('shade', 0.4);
  assert.equal((await design(page)).shade, 0.4);
  assert.equal(await page.locator('#shade-value').textContent(), '40% pigment');
  await setSlider('shade', 0.7);

  const soft = page.getByRole('radio', { name: 'Soft' });
  await soft.focus();
  await nextRender(page, () => page.keyboard.press('ArrowRight'));
  assert.equal((await design(page)).edge, 'defined');
  await nextRender(page, () => page.keyboard.press('ArrowLeft'));
  assert.equal((await design(page)).edge, 'soft');

  const handlesBefore = (await design(page)).handles;
  await nextRender(page, () => page.getByLabel('Hairline shape').selectOption('mature'));
  const mature = await design(page);
  assert.equal(mature.shape, 'mature');
  assert.notDeepEqual(mature.handles, handlesBefore, 'a preset should move the handles');
  await nextRender(page, () => page.getByLabel('Hairline shape').selectOption('classic'));

  await setSlider('hairline_cm', 9);
  assert.ok(Math.abs((await design(page)).hairline_cm - 9) < 0.01);
  await setSlider('hairline_cm', 8);

  // New pattern: a random decimal seed and a different dot layout.
  await snap(page, 'seedA');
  const seedA = (await design(page)).seed;
  await nextRender(page, () => page.getByRole('button', { name: 'New pattern' }).click());
  const seedB = (await design(page)).seed;
  assert.match(seedB, /^\d+$/);
  assert.notEqual(seedB, seedA);
  await snap(page, 'seedB');
  assert.ok((await comparePixels(page, 'seedA', 'seedB', SCALP)).changed > 100, 'new pattern did not change the dots');
});

test('dragging a hairline handle moves the boundary; arrow keys move it too', async () => {
  await page.getByRole('button', { name: 'Fit' }).click();
  const handle = page.getByRole('button', { name: 'Hairline handle: middle of the forehead' });
  const d0 = await design(page);
  await snap(page, 'h0');
  const box = await handle.boundingBox();
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  // Before the drag the button sits where the engine's handle is.
  const at = await toClient(d0.handles[1][0] * SAMPLE_SIZE, d0.handles[1][1] * SAMPLE_SIZE);
  assert.ok(Math.abs(at.x - cx) < 1.5 && Math.abs(at.y - cy) < 1.5, 'handle not drawn at its position');

  await nextRender(page, () =>
    drag(
      page,
      [
        { x: cx, y: cy },
        { x: cx, y: cy + 20 },
        { x: cx, y: cy + 40 },
      ],
      4,
    ),
  );
  await settle();
  const d1 = await design(page);
  const dy = (d1.handles[1][1] - d0.handles[1][1]) * SAMPLE_SIZE;
  assert.ok(Math.abs(dy - 40 / at.k) < 3, `handle moved ${dy} px, expected ${40 / at.k}`);
  assert.ok(d1.hairline_cm < d0.hairline_cm, 'a lower mid-point means a lower hairline');
  assert.equal(await page.locator('#hairline_cm-value').textContent(), `${d1.hairline_cm.toFixed(1)} cm`);
  await snap(page, 'h1');
  const y0 = d0.handles[1][1] * SAMPLE_SIZE;
  const near = await comparePixels(page, 'h0', 'h1', [HX - inSample(120), y0 - 10, HX + inSample(120), y0 + 40 / at.k + 20]);
  assert.ok(near.darker > 200, `no new dots where the hairline moved: ${JSON.stringify(near)}`);
  assert.equal((await comparePixels(page, 'h0', 'h1', FACE)).changed, 0, 'moving the hairline changed the face');

  // Keyboard: 3 photo pixels per arrow press.
  await handle.focus();
  await nextRender(page, () => page.keyboard.press('ArrowUp'));
  await nextRender(page, () => page.keyboard.press('ArrowUp'));
  const d2 = await design(page);
  assert.ok(Math.abs((d1.handles[1][1] - d2.handles[1][1]) * SAMPLE_SIZE - 6) < 0.5, 'arrow keys did not move the handle');

  // Back to the default hairline for later tests.
  await nextRender(page, () => page.getByLabel('Hairline shape').selectOption('rounded'));
  await nextRender(page, () => page.getByLabel('Hairline shape').selectOption('classic'));
  await setSlider('hairline_cm', 8);
});

test('zoom and pan move the photo, and the handles follow', async () => {
  const handles = page.locator('.handle');
  const check = async (label) => {
    const d = await design(page);
    for (let i = 0; i < 3; i++) {
      const b = await handles.nth(i).boundingBox();
      const want = await toClient(d.handles[i][0] * SAMPLE_SIZE, d.handles[i][1] * SAMPLE_SIZE);
      const got = { x: b.x + b.width / 2, y: b.y + b.height / 2 };
      assert.ok(Math.hypot(got.x - want.x, got.y - want.y) < 1.5, `${label}: handle ${i} at ${JSON.stringify(got)}, photo point at ${JSON.stringify(want)}`);
    }
  };
  const zoom = async () => parseInt(await page.locator('.zoom-level').textContent(), 10);
  await page.getByRole('button', { name: 'Fit' }).click();
  const fit = await zoom();
  await check('fit');

  await page.getByRole('button', { name: 'Zoom in' }).click();
  await page.getByRole('button', { name: 'Zoom in' }).click();
  assert.ok((await zoom()) > fit * 2, 'zoom in did not zoom');
  await check('zoomed in');

  // Drag the photo (start on the face, away from the handles).
  const frame = await page.locator('.frame').boundingBox();
  const before = await page.locator('canvas.after').boundingBox();
  const sx = frame.x + frame.width / 2;
  const sy = frame.y + frame.height * 0.75;
  await drag(page, [{ x: sx, y: sy }, { x: sx - 60, y: sy - 30 }], 5);
  const moved = await page.locator('canvas.after').boundingBox();
  assert.ok(Math.abs(moved.x - before.x + 60) < 1 && Math.abs(moved.y - before.y + 30) < 1, 'drag did not pan');
  await check('panned');

  // Wheel zooms about the pointer.
  const z = await zoom();
  await page.mouse.move(sx, sy);
  await page.mouse.wheel(0, 300);
  assert.ok((await zoom()) < z, 'wheel did not zoom out');
  await check('wheel');

  // 100%: one photo pixel per CSS pixel.
  await page.getByRole('button', { name: 'Actual size, 100%' }).click();
  assert.equal(await zoom(), 100);
  assert.ok(Math.abs((await page.locator('canvas.after').boundingBox()).width - SAMPLE_SIZE) < 1);
  await check('100%');

  // Keyboard on the focused photo.
  await page.locator('.frame').focus();
  await page.keyboard.press('+');
  assert.ok((await zoom()) > 100);
  await page.keyboard.press('0');
  assert.equal(await zoom(), fit);
  await check('fit again');
});

test('at 400% the dots are magnified as smoothly as the photo, never as blocks of pixels', async () => {
  const zoom = async () => parseInt(await page.locator('.zoom-level').textContent(), 10);
  await page.getByRole('button', { name: 'Fit' }).click();
  const fit = (await zoom()) / 100;
  // One wheel step about the middle of the dotted scalp, from fit to 400%
  // (the wheel zooms by exp(-deltaY * 0.0015)).
  const at = await toClient(HX, (TOP_Y + HY) / 2);
  await page.mouse.move(at.x, at.y);
  await page.mouse.wheel(0, -Math.log(4 / fit) / 0.0015);
  await settle();
  // (The fit level is read rounded to a percent.)
  assert.ok(Math.abs((await zoom()) - 400) <= 2, `zoom ${await zoom()}%, not 400%`);
  const shot = await page.screenshot({ clip: { x: at.x - 64, y: at.y - 64, width: 128, height: 128 } });
  await decodeInPage(page, 'z400', shot);
  // Each photo pixel covers 4x4 screen pixels. Magnified in blocks, the
  // colour would change only at every fourth column and two neighbours in
  // three would be equal; magnified smoothly, as the browser shows the
  // photo itself, the change spreads over all four.
  const { equalShare, edgeRatio } = await page.evaluate(() => {
    const { data, width, height } = window.__snaps.z400;
    const luma = (x, y) => data[(y * width + x) * 4] + data[(y * width + x) * 4 + 1] + data[(y * width + x) * 4 + 2];
    const byPhase = [0, 0, 0, 0];
    let equal = 0;
    let pairs = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x + 1 < width; x++) {
        const d = Math.abs(luma(x + 1, y) - luma(x, y));
        byPhase[x % 4] += d;
        equal += d === 0;
        pairs++;
      }
    }
    const mean = byPhase.reduce((a, b) => a + b) / 4;
    return { equalShare: equal / pairs, edgeRatio: Math.max(...byPhase) / mean };
  });
  assert.ok(edgeRatio < 1.5, `colour changes gather at every fourth column (x${edgeRatio.toFixed(2)} the mean): pixel blocks`);
  assert.ok(equalShare < 0.3, `${(100 * equalShare).toFixed(0)}% of neighbouring screen pixels are equal: pixel blocks`);
  await page.getByRole('button', { name: 'Fit' }).click();
});

test('the before/after slider uncovers the original photo from the left', async () => {
  await page.getByRole('button', { name: 'Fit' }).click();
  const slider = page.getByRole('slider', { name: 'Before / after' });
  const frame = page.locator('.frame');
  const shot = async (value, key) => {
    await slider.fill(String(value));
    await decodeInPage(page, key, await frame.screenshot());
  };
  await shot(0, 's0');
  await shot(100, 's100');
  assert.equal(await slider.getAttribute('aria-valuetext'), 'Before (original)');
  await shot(50, 's50');
  await slider.fill('0');
  assert.equal(await slider.getAttribute('aria-valuetext'), 'After');

  // Photo rectangles -> screenshot pixels (screenshot of the frame, DPR 1).
  const fb = await frame.boundingBox();
  const rect = async ([x0, y0, x1, y1]) => {
    const a = await toClient(x0, y0);
    const b = await toClient(x1, y1);
    return [Math.round(a.x - fb.x), Math.round(a.y - fb.y), Math.round(b.x - fb.x), Math.round(b.y - fb.y)];
  };
  // Halves of the scalp either side of the split at the photo's middle, clear of the divider line.
  const left = await rect([SCALP[0], SCALP[1], SAMPLE_SIZE / 2 - 15, SCALP[3]]);
  const right = await rect([SAMPLE_SIZE / 2 + 15, SCALP[1], SCALP[2], SCALP[3]]);
  const all = await comparePixels(page, 's0', 's100', await rect(SCALP), 2);
  assert.ok(all.brighter > 50, `uncovering the original did not lighten the scalp: ${JSON.stringify(all)}`);
  assert.equal((await comparePixels(page, 's0', 's100', await rect(FACE), 2)).changed, 0, 'face differs before/after');
  // At 50% the left half shows the original and the right half the preview. (A few
  // pixels at the edges of the handles drawn on top may be rasterised differently.)
  const leftVsOriginal = await comparePixels(page, 's100', 's50', left, 2);
  const leftVsPreview = await comparePixels(page, 's0', 's50', left, 2);
  const rightVsPreview = await comparePixels(page, 's0', 's50', right, 2);
  const rightVsOriginal = await comparePixels(page, 's100', 's50', right, 2);
  const odd = (r) => r.darker + r.brighter;
  assert.ok(odd(leftVsPreview) > 50, `at 50% the left half still shows the preview: ${JSON.stringify(leftVsPreview)}`);
  assert.ok(odd(leftVsOriginal) < odd(leftVsPreview) / 10, `at 50% the left half is not the original: ${JSON.stringify(leftVsOriginal)}`);
  assert.ok(odd(rightVsOriginal) > 50, `at 50% the right half shows the original: ${JSON.stringify(rightVsOriginal)}`);
  assert.ok(odd(rightVsPreview) < odd(rightVsOriginal) / 10, `at 50% the right half is not the preview: ${JSON.stringify(rightVsPreview)}`);
  assert.ok(await page.getByText('Results vary between people').isVisible());
});

test('the scalp brush erases and adds dots, one stroke per drag, with undo', async () => {
  await page.getByRole('button', { name: 'Fit' }).click();
  await snap(page, 'b0');
  const undo = page.getByRole('button', { name: 'Undo brush stroke' });
  assert.equal(await undo.isDisabled(), true);
  const paintAcross = async (y) => {
    const a = await toClient(SCALP[0], y);
    const b = await toClient(SCALP[2], y);
    await nextRender(page, () => drag(page, [a, b], 8));
  };
  const midY = Math.round((SCALP[1] + SCALP[3]) / 2);
  await page.getByRole('radio', { name: 'Erase' }).check();
  await paintAcross(midY);
  assert.equal((await design(page)).brush_strokes, 1, 'one drag should be one stroke');
  await snap(page, 'b1');
  const band = [SCALP[0] + 10, midY - 8, SCALP[2] - 10, midY + 8];
  assert.ok((await comparePixels(page, 'orig', 'b0', band)).changed > 100, 'no dots to erase in the band');
  assert.equal((await comparePixels(page, 'orig', 'b1', band)).changed, 0, 'erased band still has dots');
  assert.equal(await undo.isDisabled(), false);

  await nextRender(page, () => undo.click());
  await snap(page, 'b2');
  assert.equal((await comparePixels(page, 'b0', 'b2')).changed, 0, 'undo did not restore the preview');
  assert.equal(await undo.isDisabled(), true);

  // Add scalp on the forehead, below the hairline.
  const foreheadY = Math.round(HY + inSample(70));
  await page.getByRole('radio', { name: 'Add scalp' }).check();
  await paintAcross(foreheadY);
  await snap(page, 'b3');
  const fore = await comparePixels(page, 'b0', 'b3', [SCALP[0] + 10, foreheadY - 8, SCALP[2] - 10, foreheadY + 8], 2);
  assert.ok(fore.darker > 100, `adding scalp drew no dots: ${JSON.stringify(fore)}`);
  await nextRender(page, () => undo.click());
  await page.getByRole('radio', { name: 'Off' }).check();

  // With the brush off, a drag pans instead of painting.
  const strokes = (await design(page)).brush_strokes;
  const a = await toClient(HX, HY + inSample(200));
  await drag(page, [a, { x: a.x + 20, y: a.y }], 3);
  assert.equal((await design(page)).brush_strokes, strokes);
  await page.getByRole('button', { name: 'Fit' }).click();
});

/** Clicks a download button and returns { name, bytes } of the file. */
async function download(name) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).click()]);
  const file = await dl.path();
  return { name: dl.suggestedFilename(), bytes: fs.readFileSync(file) };
}

test('Download PNG and JPEG give the full-size photo with the dots', async () => {
  await snap(page, 'x0');
  const png = await download('Download PNG');
  assert.match(png.name, /\.png$/);
  assert.deepEqual(await decodeInPage(page, 'png', png.bytes, 'image/png'), { width: SAMPLE_SIZE, height: SAMPLE_SIZE });
  // The working copy is the full photo here, so the export is the preview, pixel for pixel.
  const same = await comparePixels(page, 'x0', 'png', null, 1);
  assert.ok(same.darker + same.brighter < 20, `export differs from the preview: ${JSON.stringify(same)}`);
  const jpeg = await download('Download JPEG');
  assert.match(jpeg.name, /\.jpg$/);
  assert.deepEqual([...jpeg.bytes.subarray(0, 3)], [0xff, 0xd8, 0xff], 'not a JPEG');
  assert.deepEqual(await decodeInPage(page, 'jpeg', jpeg.bytes, 'image/jpeg'), { width: SAMPLE_SIZE, height: SAMPLE_SIZE });
  assert.match(await page.locator('.status').textContent(), /Downloaded/);
});

test('a file that is not a photo, or a HEIC, gives a clear message and keeps the preview', async () => {
  await snap(page, 'keep0');
  const photos = await photoCount(page);
  await page.locator('#file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo') });
  await page.locator('.status.error').filter({ hasText: "isn't a photo we can read" }).waitFor();
  assert.match(await page.locator('.status').textContent(), /JPEG or PNG/);

  // An ISO-BMFF header with the HEIC brand: Chromium can't decode it.
  const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic'), Buffer.alloc(64)]);
  await page.locator('#file').setInputFiles({ name: 'IMG_0420.HEIC', mimeType: 'image/heic', buffer: heic });
  await page.locator('.status.error').filter({ hasText: 'HEIC' }).waitFor();
  assert.match(await page.locator('.status').textContent(), /JPEG/);

  assert.equal(await photoCount(page), photos);
  await snap(page, 'keep1');
  assert.equal((await comparePixels(page, 'keep0', 'keep1')).changed, 0, 'the preview changed after a bad file');
  assert.equal(await page.locator('canvas.after').isVisible(), true);
});

test('a photo dropped onto the widget replaces the preview', async () => {
  const photos = await photoCount(page);
  const b64 = fs.readFileSync(photoPath('05')).toString('base64');
  const hint = await page.evaluate((b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'dropped.jpg', { type: 'image/jpeg' }));
    const frame = document.querySelector('smp-preview').shadowRoot.querySelector('.frame');
    const fire = (type) => frame.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, composed: true, cancelable: true }));
    fire('dragenter');
    const accepted = !fire('dragover'); // preventDefault() on dragover accepts the drop
    const shown = !frame.querySelector('.drop-hint').hidden;
    fire('drop');
    return { accepted, shown };
  }, b64);
  assert.deepEqual(hint, { accepted: true, shown: true });
  await waitForPhotos(page, photos + 1);
  assert.equal(await page.locator('.drop-hint').isHidden(), true);
  await snap(page, 'drop-orig', 'before');
  await snap(page, 'drop-after');
  const r = await comparePixels(page, 'drop-orig', 'drop-after', null, 2);
  assert.ok(r.darker > 2000, `dropped photo not stippled: ${JSON.stringify(r)}`);
});

test('no console errors or warnings and no request to another origin during the run', () => {
  assert.deepEqual(app.consoleErrors, []);
  assert.deepEqual(app.consoleWarnings, []);
  assert.deepEqual(app.foreignRequests(), []);
});
