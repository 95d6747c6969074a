// The engine is the one source of the controls' ranges and of the hairline
// curve (issue 18): the sliders carry exactly the engine's min, max, step and
// default, and the guide line drawn over the photo is the engine's curve.
// Either copy drifting from the engine fails here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { nextRender, startSample, closeSample } from './harness.mjs';

let browser;
let app;
let page;

before(async () => ({ browser, app, page } = await startSample()));

after(() => closeSample({ browser, app }));

/** The engine's own answers, from its package loaded in the page: { fields, ranges, curve } (curve: for the widget's photo and design). */
function engineAnswers(p) {
  return p.evaluate(async () => {
    const glue = await import('/pkg/smp_preview.js');
    await glue.default({ module_or_path: await WebAssembly.compile(await (await fetch('/pkg/smp_preview_bg.wasm')).arrayBuffer()) });
    const el = document.querySelector('smp-preview');
    const c = el.shadowRoot.querySelector('canvas.before');
    const o = new OffscreenCanvas(c.width, c.height);
    const ctx = o.getContext('2d');
    ctx.drawImage(c, 0, 0);
    const photo = ctx.getImageData(0, 0, c.width, c.height);
    // The widget's design, carried by its share link.
    const root = el.shadowRoot;
    const shares = el.stats.shares;
    root.querySelector('.share-link').click();
    while (el.stats.shares === shares) await new Promise((r) => setTimeout(r, 20));
    const fragment = root.querySelector('#share-url').value.split('#')[1];
    const e = new glue.Engine();
    try {
      e.load_photo(photo.width, photo.height, new Uint8Array(photo.data.buffer));
      e.apply_link(fragment);
      return { fields: glue.design_fields(), ranges: Array.from(glue.design_ranges()), curve: Array.from(e.hairline_curve()) };
    } finally {
      e.free();
    }
  });
}

test("every design slider has the engine's range and starts at its default", async () => {
  const { fields, ranges } = await engineAnswers(page);
  const names = fields.split(',').map((f) => f.split(':')[0]);
  const sliders = await page.evaluate(() =>
    [...document.querySelector('smp-preview').shadowRoot.querySelectorAll('fieldset.design input[type=range]')].map((s) => ({
      id: s.id,
      min: Number(s.min),
      max: Number(s.max),
      step: Number(s.step),
      value: Number(s.value),
    })),
  );
  const checked = [];
  for (const s of sliders) {
    const i = names.indexOf(s.id);
    // The widget's own: brush size, and time since treatment (its slider steps through stops, journey.js).
    if (i < 0 || s.id === 'months') continue;
    const [min, max, step, value] = ranges.slice(4 * i, 4 * i + 4);
    assert.deepEqual({ min: s.min, max: s.max, step: s.step }, { min, max, step }, `${s.id}: not the engine's range`);
    // The sample opens with the default design; its hairline height is measured on the photo.
    if (s.id !== 'hairline_cm') assert.equal(s.value, value, `${s.id}: not the engine's default`);
    checked.push(s.id);
  }
  assert.deepEqual(checked.sort(), ['density', 'dot_mm', 'hairline_cm', 'session', 'shade']);
});

test("the time slider's stops span the engine's months range, and it starts at the engine's default", async () => {
  const { fields, ranges } = await engineAnswers(page);
  const i = fields.split(',').map((f) => f.split(':')[0]).indexOf('months');
  assert.ok(i >= 0, 'the engine has no months field');
  const [min, max, , value] = ranges.slice(4 * i, 4 * i + 4);
  const { stops } = await page.evaluate(async () => ({ stops: (await import('/journey.js')).TIME_STOPS.map((s) => s.months) }));
  assert.equal(stops[0], min, 'the first time stop is not the engine minimum');
  assert.equal(stops.at(-1), max, 'the last time stop is not the engine maximum');
  assert.ok(stops.includes(value), `no time stop at the engine's default (${value} months)`);
  const slider = await page.evaluate(() => Number(document.querySelector('smp-preview').shadowRoot.querySelector('#months').value));
  assert.equal(stops[slider], value, "the time slider does not start at the engine's default");
});

/** The guide line's points (frame pixels) and the handles' centres (frame pixels). */
function drawn(p) {
  return p.evaluate(() => {
    const root = document.querySelector('smp-preview').shadowRoot;
    const d = root.querySelector('path.hairline').getAttribute('d');
    const points = [...d.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    const handles = [...root.querySelectorAll('.handle')].map((b) => {
      const m = /translate\((-?[\d.]+)px, (-?[\d.]+)px\)/.exec(b.style.transform);
      return [Number(m[1]), Number(m[2])];
    });
    return { points, handles };
  });
}

test("the hairline guide is the engine's curve, for every shape", async () => {
  for (const shape of ['mature', 'rounded', 'classic']) {
    await nextRender(page, () => page.getByLabel('Hairline shape').selectOption(shape));
    const { curve } = await engineAnswers(page);
    const { points, handles } = await drawn(page);
    const rel = (await page.evaluate(() => document.querySelector('smp-preview').design.handles)).flat();
    // The frame's mapping from relative coordinates, from where the handles are drawn.
    const ax = (handles[2][0] - handles[0][0]) / (rel[4] - rel[0]);
    const bx = handles[0][0] - ax * rel[0];
    const ay = (handles[1][1] - handles[0][1]) / (rel[3] - rel[1]);
    const by = handles[0][1] - ay * rel[1];
    assert.equal(points.length, curve.length / 2, `${shape}: the guide has ${points.length} points, the engine's curve ${curve.length / 2}`);
    points.forEach(([x, y], k) => {
      const [wx, wy] = [ax * curve[2 * k] + bx, ay * curve[2 * k + 1] + by];
      assert.ok(Math.abs(x - wx) < 0.2 && Math.abs(y - wy) < 0.2, `${shape}: point ${k} drawn at ${x},${y}, the engine's at ${wx.toFixed(2)},${wy.toFixed(2)}`);
    });
  }
  assert.deepEqual(app.consoleErrors, []);
});
