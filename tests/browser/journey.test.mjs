// The treatment journey in the widget (issue 7): time since treatment with a
// touch-up, the scar tool, diffuse thinning on photo 08, and the message when
// no face is found (photo 07, a top view). One page, tests in order.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  waitForPhotos,
  photoCount,
  snap,
  comparePixels,
  landmarks,
  inSample,
  nextRender,
  drag,
  design,
  photoPath,
  startSample,
  closeSample,
} from './harness.mjs';

let browser;
let app;
let page;
let sampleStatus; // the status line right after the sample (photo 01) loaded

// Photo 01 regions in the sample's pixels (the sample is photo 01 scaled), as in app.test.mjs.
const L = landmarks('01').map(inSample);
const [HX, HY] = L[139]; // hairline centre
const TOP_Y = L[151][1]; // top of the head outline
const SCALP = [HX - inSample(80), TOP_Y + inSample(10), HX + inSample(80), HY - inSample(5)];
const NO_FACE = /couldn't find a face/i;

before(async () => {
  ({ browser, app, page } = await startSample());
  sampleStatus = await page.locator('.status').textContent();
});

after(() => closeSample({ browser, app }));

/** Photo pixel (x, y) -> page coordinates, from the canvas's on-screen box. */
async function toClient(x, y) {
  const box = await page.locator('canvas.after').boundingBox();
  const size = await page.evaluate(() => document.querySelector('smp-preview').shadowRoot.querySelector('canvas.after').width);
  const k = box.width / size;
  return { x: box.x + x * k, y: box.y + y * k };
}

/** Picks a test photo in the widget's file picker and waits until it is shown. */
async function upload(prefix) {
  const n = await photoCount(page);
  await page.locator('#file').setInputFiles(photoPath(prefix));
  await waitForPhotos(page, n + 1, 60_000);
  return page.evaluate(() => {
    const c = document.querySelector('smp-preview').shadowRoot.querySelector('canvas.after');
    return { width: c.width, height: c.height };
  });
}

const status = () => page.locator('.status').textContent();

/**
 * Tone of a snap over a rectangle: mean luma, mean luma of the darkest 5%
 * (the dot cores), mean red minus green (redness) and mean g, b.
 */
function tone(key, [x0, y0, x1, y1]) {
  return page.evaluate(
    ([key, x0, y0, x1, y1]) => {
      const A = window.__snaps[key];
      const v = [];
      let r = 0;
      let g = 0;
      let b = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const i = (y * A.width + x) * 4;
          v.push((A.data[i] + A.data[i + 1] + A.data[i + 2]) / 3);
          r += A.data[i];
          g += A.data[i + 1];
          b += A.data[i + 2];
        }
      }
      const n = v.length;
      v.sort((p, q) => p - q);
      const k = Math.max(1, Math.floor(n * 0.05));
      const core = v.slice(0, k).reduce((s, x) => s + x, 0) / k;
      return { mean: v.reduce((s, x) => s + x, 0) / n, core, redness: (r - g) / n, g: g / n, b: b / n };
    },
    [key, ...[x0, y0, x1, y1].map(Math.round)],
  );
}

test('time control: fresh is darker and 3 years lighter than healed; touch-up restores healed exactly', async () => {
  const slider = page.getByRole('slider', { name: 'Time since treatment', exact: true });
  assert.equal(await slider.count(), 1);
  assert.equal((await design(page)).months, 1, 'the preview should start healed');
  assert.equal(await page.locator('#months-value').textContent(), 'Healed (1 month)');
  await snap(page, 'orig', 'before');
  await snap(page, 'healed');

  // Keyboard: one step left from healed is fresh.
  await slider.focus();
  await nextRender(page, () => page.keyboard.press('ArrowLeft'));
  assert.equal((await design(page)).months, 0);
  assert.equal(await page.locator('#months-value').textContent(), 'Fresh (first days)');
  assert.equal(await slider.getAttribute('aria-valuetext'), 'Fresh (first days)');
  await snap(page, 'fresh');

  await nextRender(page, () => slider.fill('4'));
  assert.equal((await design(page)).months, 37);
  assert.equal(await page.locator('#months-value').textContent(), '3 years');
  await snap(page, 'aged');

  // Dot cores (the darkest 5% of scalp pixels): darker fresh, lighter aged. Healed dots are
  // soft, low-contrast specks as in real shaved scalps (benches/realism.md), so the checks are
  // relative to how much healed dots darken the cores.
  const [o, h, f, a] = await Promise.all(['orig', 'healed', 'fresh', 'aged'].map((k) => tone(k, SCALP)));
  const dark = (x) => o.core - x.core;
  assert.ok(dark(h) > 12, `no dots in the scalp region: ${JSON.stringify({ o, h })}`);
  assert.ok(dark(f) > 1.3 * dark(h), `fresh dots not darker than healed: ${JSON.stringify({ h, f })}`);
  assert.ok(dark(a) < 0.8 * dark(h) && a.mean > h.mean + 1, `3-year dots not lighter than healed: ${JSON.stringify({ h, a })}`);
  assert.ok(dark(a) > 0.4 * dark(h), `aged dots vanished: ${JSON.stringify({ o, a })}`);
  // Fresh skin is faintly red around the dots; aged dots keep the healed hue (no drift to blue or green).
  assert.ok(f.redness > h.redness + 3, `fresh shows no redness: ${JSON.stringify({ h, f })}`);
  assert.ok(Math.abs(a.redness - h.redness) < 3 && a.b - a.g < h.b - h.g + 1, `aged hue drifted: ${JSON.stringify({ h, a })}`);

  await nextRender(page, () => page.getByRole('button', { name: 'Touch-up', exact: true }).click());
  assert.equal((await design(page)).months, 1);
  assert.equal(await page.locator('#months-value').textContent(), 'Healed (1 month)');
  assert.equal(await slider.inputValue(), '1');
  await snap(page, 'touched');
  assert.equal((await comparePixels(page, 'healed', 'touched')).changed, 0, 'touch-up did not restore the healed preview');
});

test('the scar tool camouflages on the scalp only: past the head and on the forehead it paints nothing; undo removes it', async () => {
  await page.getByRole('button', { name: 'Fit' }).click();
  await snap(page, 's0');
  const undo = page.getByRole('button', { name: 'Undo brush stroke' });
  assert.equal(await undo.isDisabled(), true);
  await page.getByRole('radio', { name: 'Scar', exact: true }).check();

  // A strip dragged across the forehead, below the hairline, and far past
  // the head on both sides: no dots go there (it used to paint a dark bar
  // and dot the background).
  const y = Math.round(HY + inSample(70));
  const size = await page.evaluate(() => document.querySelector('smp-preview').shadowRoot.querySelector('canvas.after').width);
  const a = await toClient(2, y);
  const b = await toClient(size - 3, y);
  await nextRender(page, () => drag(page, [a, b], 12));
  await snap(page, 's1');
  const band = [SCALP[0] + 10, y - 8, SCALP[2] - 10, y + 8];
  assert.equal((await comparePixels(page, 'orig', 's0', band)).changed, 0, 'the forehead band had dots before the scar');
  assert.equal((await comparePixels(page, 's0', 's1', band)).changed, 0, 'a scar stroke inked the forehead');
  // The photo's edges beside the head are background.
  for (const x0 of [0, size - 16]) {
    const edge = [x0, y - 8, x0 + 15, y + 8];
    assert.equal((await comparePixels(page, 's0', 's1', edge)).changed, 0, 'a scar stroke dotted the background');
  }
  // Nothing changes far from the scar (the face below it).
  const face = [L[0][0] - inSample(60), L[0][1] - inSample(40), L[1][0] + inSample(60), L[0][1] + inSample(350)];
  assert.equal((await comparePixels(page, 's0', 's1', face)).changed, 0, 'the scar changed the face');
  assert.equal(await undo.isDisabled(), false, 'undo should take back a scar');
  await nextRender(page, () => undo.click());

  // A strip across the scalp, dragged past the head's outline on both
  // sides: the blended band around it gets more dots on the scalp (read
  // back: darker pixels there), and the background beside the head none.
  const ys = Math.round((SCALP[1] + SCALP[3]) / 2);
  const c = await toClient(2, ys);
  const d = await toClient(size - 3, ys);
  await nextRender(page, () => drag(page, [c, d], 12));
  await snap(page, 's2');
  const scalpBand = [SCALP[0], ys - inSample(25), SCALP[2], ys + inSample(25)];
  const marked = await comparePixels(page, 's0', 's2', scalpBand, 2);
  assert.ok(marked.darker > 20, `no camouflage dots on the scalp: ${JSON.stringify(marked)}`);
  assert.equal(marked.brighter, 0, 'pigment must only darken skin');
  // The photo's edges beside the head are background.
  for (const x0 of [0, size - 16]) {
    const edge = [x0, ys - inSample(25), x0 + 15, ys + inSample(25)];
    assert.equal((await comparePixels(page, 'orig', 's2', edge)).changed, 0, 'a scar stroke dotted the background');
  }
  await nextRender(page, () => undo.click());
  await snap(page, 's3');
  assert.equal((await comparePixels(page, 's0', 's3')).changed, 0, 'undo did not remove the scar');
  assert.equal(await undo.isDisabled(), true);
  await page.getByRole('radio', { name: 'Off', exact: true }).check();
});

test('photo 07 (a top view) says no face was found; the sample does not', async () => {
  assert.match(sampleStatus, /sample photo/);
  assert.doesNotMatch(sampleStatus, NO_FACE);
  await upload('07');
  assert.match(await status(), NO_FACE);
  assert.equal(await page.locator('.status.error').count(), 0);
});

test('diffuse thinning on photo 08 changes the preview and only darkens skin', async () => {
  await upload('08');
  const toggle = page.getByRole('checkbox', { name: "I'm keeping my hair (diffuse thinning)" });
  assert.equal(await toggle.isChecked(), false);
  await snap(page, 'orig8', 'before');
  await snap(page, 'full8');
  await nextRender(page, () => toggle.check());
  assert.equal((await design(page)).thinning, true);
  await snap(page, 'thin8');
  const diff = await comparePixels(page, 'full8', 'thin8');
  assert.ok(diff.changed > 0.01 * diff.pixels, `thinning barely changed the preview: ${JSON.stringify(diff)}`);
  assert.equal((await comparePixels(page, 'orig8', 'thin8', null, 1)).brighter, 0, 'pigment must only darken');
  // Off restores the full-shave look exactly.
  await nextRender(page, () => toggle.uncheck());
  await snap(page, 'full8b');
  assert.equal((await comparePixels(page, 'full8', 'full8b')).changed, 0);
  assert.deepEqual(app.consoleErrors, []);
});
