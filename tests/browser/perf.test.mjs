// How many preview updates per second the density slider gets while it is
// dragged, at a 1280x960 working size. Reported, never asserted: timings
// depend on the machine (and on whatever else it is running).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { photoPath, startSample, closeSample } from './harness.mjs';

let browser;
let app;
let page;

before(async () => ({ browser, app, page } = await startSample()));

after(() => closeSample({ browser, app }));

test('density slider drag at 1280x960: updates per second (reported)', async (t) => {
  // Photo 01 cropped to 4:3 and scaled to 1280x960, loaded through the element's API.
  const size = await page.evaluate(async (src) => {
    const bytes = Uint8Array.from(atob(src), (c) => c.charCodeAt(0));
    const bmp = await createImageBitmap(new Blob([bytes]));
    const c = new OffscreenCanvas(1280, 960);
    c.getContext('2d').drawImage(bmp, 0, 80, 1350, 1012, 0, 0, 1280, 960);
    const el = document.querySelector('smp-preview');
    await el.loadPhoto(await c.convertToBlob({ type: 'image/png' }));
    const canvas = el.shadowRoot.querySelector('canvas.after');
    return { width: canvas.width, height: canvas.height };
  }, fs.readFileSync(photoPath('01')).toString('base64'));
  assert.deepEqual(size, { width: 1280, height: 960 });

  await page.evaluate(() => {
    window.__renders = [];
    window.__inputs = 0;
    const el = document.querySelector('smp-preview');
    el.addEventListener('smp-render', (e) => window.__renders.push(e.detail.ms));
    el.shadowRoot.querySelector('#density').addEventListener('input', () => window.__inputs++);
  });
  const summary = () =>
    page.evaluate(() => {
      const ms = window.__renders.slice().sort((a, b) => a - b);
      const r = { inputs: window.__inputs, updates: ms.length, median: ms[Math.floor(ms.length / 2)], p95: ms[Math.floor(ms.length * 0.95)] };
      window.__renders = [];
      window.__inputs = 0;
      return r;
    });
  const report = (what, r, seconds) => {
    const line =
      `${what} at 1280x960: ${(r.updates / seconds).toFixed(1)} updates/s ` +
      `(${r.updates} repaints for ${r.inputs} input events in ${seconds.toFixed(2)} s; ` +
      `render+paint median ${r.median?.toFixed(1)} ms, p95 ${r.p95?.toFixed(1)} ms; load average ${os.loadavg()[0].toFixed(1)})`;
    t.diagnostic(line);
    console.log(line);
  };

  // 1. A real mouse drag on the slider thumb, swept back and forth for ~3 s.
  // Each automated move waits for the page, so this also counts the automation's latency.
  const box = await page.locator('#density').boundingBox();
  const y = box.y + box.height / 2;
  const x0 = box.x + 8;
  const x1 = box.x + box.width - 8;
  await page.mouse.move(x0 + ((70 - 20) / 80) * (x1 - x0), y);
  await page.mouse.down();
  const t0 = Date.now();
  for (let i = 0; Date.now() - t0 < 3000; i++) {
    const phase = (i % 40) / 40;
    const f = phase < 0.5 ? phase * 2 : 2 - phase * 2;
    await page.mouse.move(x0 + f * (x1 - x0), y);
  }
  await page.mouse.up();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const seconds = (Date.now() - t0) / 1000;
  const drag = await summary();
  report('mouse drag of the density slider', drag, seconds);

  // 2. Input events as fast as the page takes them (a scrubbing hand on a
  // 120 Hz screen sends one every ~8 ms): the most the app can repaint.
  const scrubSeconds = await page.evaluate(async () => {
    const input = document.querySelector('smp-preview').shadowRoot.querySelector('#density');
    const start = performance.now();
    let i = 0;
    while (performance.now() - start < 3000) {
      input.value = String(20 + ((i++ * 3) % 81));
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((r) => setTimeout(r, 8));
    }
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return (performance.now() - start) / 1000;
  });
  const scrub = await summary();
  report('density input events every 8 ms', scrub, scrubSeconds);

  assert.ok(drag.updates > 0 && scrub.updates > 0, 'dragging the slider never repainted the preview');
  assert.ok(scrub.updates <= scrub.inputs, 'repaints should be coalesced to at most one per input');
});
