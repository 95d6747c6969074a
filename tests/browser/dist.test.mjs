// The shipped folder (scripts/dist.sh: the widget bundled and minified with
// esbuild) works as the source does: the app and the iframe embed open
// stippled under the strict CSP, load one widget script and the engine once,
// and make no console error; the Share and Download panels' chunk comes on
// their first use, and a chunk that cannot be fetched says so.
// ./test builds dist/ before the browser tests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { launchBrowser, openApp, waitForPhotos, snap, comparePixels, APP_CSP, REPO_ROOT, PHOTOS_DIR } from './harness.mjs';

const DIST_DIR = path.join(REPO_ROOT, 'dist');

let browser;
before(async () => {
  assert.ok(fs.existsSync(path.join(DIST_DIR, 'smp-preview.js')), 'dist/ is missing: run scripts/dist.sh (./test does)');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Requests for files of the widget, by path. */
function widgetRequests(app) {
  return app.requests.map((u) => new URL(u).pathname).filter((p) => /\.(js|wasm|css)$/.test(p));
}

test('dist/index.html: the bundled widget shows the stippled sample, fetching its script, its worker and the engine once', async () => {
  const app = await openApp(browser, { dir: DIST_DIR, csp: APP_CSP });
  try {
    await waitForPhotos(app.page, 1);
    await snap(app.page, 'photo', 'before');
    await snap(app.page, 'preview');
    const d = await comparePixels(app.page, 'photo', 'preview');
    assert.ok(d.darker > 0.005 * d.pixels, `only ${d.darker} of ${d.pixels} pixels are darker than the photo`);
    const files = widgetRequests(app);
    assert.deepEqual(files.filter((p) => p.endsWith('.wasm')), ['/pkg/smp_preview_bg.wasm'], 'the engine was fetched more than once (preload not used?)');
    // The widget's modules are inside the bundle: no template.js, photo.js ...; the
    // engine's worker is a bundle of its own (engine-core.js and the glue inside).
    assert.deepEqual(files.filter((p) => p.endsWith('.js')).sort(), ['/engine-worker.js', '/smp-preview.js'], 'the glue is not in the bundles');
    assert.equal(await app.page.evaluate(() => document.querySelector('smp-preview').stats.engine), 'worker', 'the engine is not in its worker');
    assert.deepEqual(app.consoleErrors, []);
    assert.deepEqual(app.foreignRequests(), []);
  } finally {
    await app.close();
  }
});

test('dist/embed.html: the iframe page works from the bundle too', async () => {
  const app = await openApp(browser, { dir: DIST_DIR, csp: APP_CSP, path: '/embed.html' });
  try {
    await waitForPhotos(app.page, 1);
    await app.page.getByRole('slider', { name: 'Density' }).fill('40');
    await app.page.waitForFunction(() => document.querySelector('smp-preview').design?.density === 40);
    assert.deepEqual(app.consoleErrors, []);
  } finally {
    await app.close();
  }
});

/** The Share and Download panels' chunk in dist/ (www/panels.js, named by esbuild with a hash). */
const panelsChunk = () => fs.readdirSync(DIST_DIR).filter((f) => /^panels-\w+\.js$/.test(f));

test('dist/: the Share and Download panels come on first use: the first click downloads, from the chunk beside the bundle', async () => {
  const app = await openApp(browser, { dir: DIST_DIR, csp: APP_CSP, contextOptions: { acceptDownloads: true } });
  try {
    await waitForPhotos(app.page, 1);
    assert.equal(panelsChunk().length, 1, `dist/ has ${panelsChunk().join(', ') || 'no'} panels chunk`);
    const chunk = `/${panelsChunk()[0]}`;
    assert.ok(!widgetRequests(app).includes(chunk), 'the first preview fetched the panels');
    const [dl] = await Promise.all([app.page.waitForEvent('download'), app.page.getByRole('button', { name: 'Download JPEG' }).click()]);
    assert.match(dl.suggestedFilename(), /-smp-preview\.jpg$/);
    assert.deepEqual(widgetRequests(app).filter((p) => p.startsWith('/panels-')), [chunk], 'the panels chunk, once');
    assert.deepEqual(app.consoleErrors, []);
  } finally {
    await app.close();
  }
});

test("dist/: when the panels' chunk cannot be fetched, a click says so, and the next press, once it can, works", async () => {
  const app = await openApp(browser, { dir: DIST_DIR, csp: APP_CSP, contextOptions: { acceptDownloads: true } });
  try {
    await waitForPhotos(app.page, 1);
    await app.context.route(/\/panels-\w+\.js$/, (route) => route.abort());
    const button = app.page.getByRole('button', { name: 'Share link' });
    await button.click();
    const status = app.page.locator('smp-preview .status');
    await app.page.waitForFunction(() => /couldn't load/.test(document.querySelector('smp-preview').shadowRoot.querySelector('.status').textContent));
    assert.match(await status.textContent(), /The Download and Share buttons couldn't load\. Check the connection/);
    assert.equal(await button.isEnabled(), true);
    // The connection is back: the next press fetches the chunk again and makes the link.
    await app.context.unroute(/\/panels-\w+\.js$/);
    await button.click();
    await app.page.waitForFunction(() => document.querySelector('smp-preview').stats.shares === 1);
  } finally {
    await app.close();
  }
});

test("dist/: the models' page side comes with the photo picker, and runs the models on a person's own photo", async () => {
  const app = await openApp(browser, { dir: DIST_DIR, csp: APP_CSP, models: true });
  try {
    await waitForPhotos(app.page, 1);
    const chunk = (p) => /^\/models-\w+\.js$/.test(p) && p !== '/models-worker.js';
    assert.deepEqual(widgetRequests(app).filter(chunk), [], 'the first preview fetched models.js');
    const chooser = app.page.waitForEvent('filechooser');
    const fetched = app.page.waitForRequest((r) => chunk(new URL(r.url()).pathname), { timeout: 10_000 });
    await app.page.getByText('Choose a photo…', { exact: true }).click();
    const picker = await chooser;
    await fetched; // opening the picker fetches models.js's chunk
    await picker.setFiles(path.join(PHOTOS_DIR, 'phone/front_n5_10_12e882f3.jpg'));
    await waitForPhotos(app.page, 2, 180_000);
    assert.match(await app.page.evaluate(() => document.querySelector('smp-preview').stats.models), /^used/);
    assert.deepEqual(app.consoleErrors, []);
  } finally {
    await app.close();
  }
});

/** Most the widget's first preview may weigh over the wire: wasm + JS + CSS, gzip (issue 18). */
const WIDGET_GZIP_BUDGET = 100_000;

/**
 * Most the code loaded on first use may weigh, gzip: the Share and Download
 * panels' chunk (2.7 KB when it was split off). Fetched on a click, it is one
 * round trip on a slow phone connection up to about 4 KB; past that the
 * first click waits noticeably, and the panels' code should be looked at
 * rather than the cap raised.
 */
const LAZY_GZIP_BUDGET = 4_000;

test('dist/: the widget (wasm + JS + CSS its first preview loads, gzip) is at most 100,000 B; its panels, loaded on first use, at most 4,000 B', async () => {
  // The widget's files are what the bundled page fetches to show its first
  // preview, less the page's own stylesheet; the sample photo (and any model
  // file) is not code and is not counted. The Share and Download panels'
  // chunk, fetched on their first use, is not in the first figure: it is
  // the second, with its own cap.
  const app = await openApp(browser, { dir: DIST_DIR, csp: APP_CSP });
  let files;
  try {
    await waitForPhotos(app.page, 1);
    files = [...new Set(widgetRequests(app))].filter((p) => p !== '/index.css').sort();
  } finally {
    await app.close();
  }
  assert.deepEqual(files, ['/engine-worker.js', '/pkg/smp_preview_bg.wasm', '/smp-preview.css', '/smp-preview.js']);
  const sizes = files.map((p) => {
    const buf = fs.readFileSync(path.join(DIST_DIR, p));
    return { file: p, raw: buf.length, gzip: zlib.gzipSync(buf, { level: 9 }).length };
  });
  const total = sizes.reduce((t, f) => t + f.gzip, 0);
  const detail = sizes.map((f) => `${f.file} ${f.gzip} B (${f.raw} B raw)`).join(', ');
  assert.ok(sizes.every((f) => f.gzip > 0), `an empty widget file: ${detail}`);
  assert.ok(total <= WIDGET_GZIP_BUDGET, `the widget is ${total} B gzip, over ${WIDGET_GZIP_BUDGET} B: ${detail}`);
  console.log(`widget, first preview: ${total} B gzip: ${detail}`);
  const lazy = panelsChunk().map((f) => ({ file: f, raw: fs.statSync(path.join(DIST_DIR, f)).size, gzip: zlib.gzipSync(fs.readFileSync(path.join(DIST_DIR, f)), { level: 9 }).length }));
  const lazyTotal = lazy.reduce((t, f) => t + f.gzip, 0);
  const lazyDetail = lazy.map((f) => `/${f.file} ${f.gzip} B (${f.raw} B raw)`).join(', ');
  assert.equal(lazy.length, 1, `dist/ has ${lazy.length} panels chunks`);
  assert.ok(lazyTotal <= LAZY_GZIP_BUDGET, `the panels are ${lazyTotal} B gzip, over ${LAZY_GZIP_BUDGET} B: ${lazyDetail}`);
  console.log(`widget, on first use (Share and Download): ${lazyTotal} B gzip: ${lazyDetail}`);
});

/** Most the on-device models may weigh, fetched only when a person opens the photo picker (issue 17). */
const MODELS_GZIP_BUDGET = 6_000_000;

test('dist/: the on-device models (their worker, runtime and model files, loaded lazily) are at most 6 MB gzip', () => {
  // Not part of the widget above: the page fetches none of these for its
  // first preview (the file list above says so); models.test.mjs checks
  // that they load when the picker opens.
  const lazy = [
    ...fs.readdirSync(DIST_DIR).filter((f) => /^models-\w+\.js$/.test(f) && f !== 'models-worker.js'), // www/models.js, the page's side
    'models-worker.js',
    'models/tasks-vision/vision_bundle.mjs',
    'models/tasks-vision/vision_wasm_module_internal.js',
    'models/tasks-vision/vision_wasm_module_internal.wasm',
    'models/selfie_segmentation.tflite',
    'models/face_detector.tflite',
  ];
  const gzip = (rel) => zlib.gzipSync(fs.readFileSync(path.join(DIST_DIR, rel)), { level: 9 }).length;
  const total = lazy.reduce((t, f) => t + gzip(f), 0);
  assert.ok(total <= MODELS_GZIP_BUDGET, `the models are ${total} B gzip, over ${MODELS_GZIP_BUDGET} B`);
  console.log(`models, lazy: ${total} B gzip (${lazy.join(', ')})`);
});
