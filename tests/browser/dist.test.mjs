// The shipped folder (scripts/dist.sh: the widget bundled and minified with
// esbuild) works as the source does: the app and the iframe embed open
// stippled under the strict CSP, load one widget script and the engine once,
// and make no console error. ./test builds dist/ before the browser tests.
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

/** The models' page side in dist/ (www/models.js, a chunk named by esbuild with a hash). */
const modelsChunk = () => fs.readdirSync(DIST_DIR).filter((f) => /^models-\w+\.js$/.test(f) && f !== 'models-worker.js');

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

/** Most the widget may weigh over the wire: wasm + JS + CSS, gzip (issue 18). */
const WIDGET_GZIP_BUDGET = 100_000;

const gzipSize = (rel) => zlib.gzipSync(fs.readFileSync(path.join(DIST_DIR, rel)), { level: 9 }).length;

test('dist/: the widget (all its wasm + JS + CSS, gzip) is at most 100,000 B', async () => {
  // The widget's files are what the bundled page fetches to show its first
  // preview, less the page's own stylesheet; the sample photo (and any model
  // file) is not code and is not counted.
  const app = await openApp(browser, { dir: DIST_DIR, csp: APP_CSP });
  let files;
  try {
    await waitForPhotos(app.page, 1);
    files = [...new Set(widgetRequests(app))].filter((p) => p !== '/index.css').sort();
  } finally {
    await app.close();
  }
  assert.deepEqual(files, ['/engine-worker.js', '/pkg/smp_preview_bg.wasm', '/smp-preview.css', '/smp-preview.js']);
  // Nothing of the widget's own code waits outside that count to be loaded
  // later: every other script in dist/ is the models' (counted with them
  // below), a page's own (not the widget), or engine-page.js, the engine's
  // other host for pages where no worker starts, which the widget fetches
  // instead of engine-worker.js, so it may not be the larger of the two.
  const others = fs
    .readdirSync(DIST_DIR)
    .filter((f) => /\.(js|mjs|css|wasm)$/.test(f) && !files.includes(`/${f}`))
    .sort();
  const notWidget = ['clinic-example.css', 'clinic-example.js', 'embed.css', 'embed.js', 'index.css', 'models-worker.js', ...modelsChunk()];
  assert.deepEqual(others, ['engine-page.js', ...notWidget].sort(), 'a file of the widget that the size count does not see');
  assert.deepEqual(fs.readdirSync(path.join(DIST_DIR, 'pkg')), ['smp_preview_bg.wasm'], 'pkg/ holds only the engine');
  assert.ok(gzipSize('engine-page.js') <= gzipSize('engine-worker.js'), 'engine-page.js is larger than the engine-worker.js counted in its place');
  const sizes = files.map((p) => ({ file: p, raw: fs.statSync(path.join(DIST_DIR, p)).size, gzip: gzipSize(p) }));
  const total = sizes.reduce((t, f) => t + f.gzip, 0);
  const detail = sizes.map((f) => `${f.file} ${f.gzip} B (${f.raw} B raw)`).join(', ');
  assert.ok(sizes.every((f) => f.gzip > 0), `an empty widget file: ${detail}`);
  assert.ok(total <= WIDGET_GZIP_BUDGET, `the widget is ${total} B gzip, over ${WIDGET_GZIP_BUDGET} B: ${detail}`);
  console.log(`widget: ${total} B gzip: ${detail}`);
});

/** Most the on-device models may weigh, fetched only when a person opens the photo picker (issue 17). */
const MODELS_GZIP_BUDGET = 6_000_000;

test('dist/: the on-device models (their worker, runtime and model files, loaded lazily) are at most 6 MB gzip', () => {
  // Not part of the widget above: the page fetches none of these for its
  // first preview (the file list above says so); models.test.mjs checks
  // that they load when the picker opens.
  const lazy = [
    ...modelsChunk(), // www/models.js, the page's side
    'models-worker.js',
    'models/tasks-vision/vision_bundle.mjs',
    'models/tasks-vision/vision_wasm_module_internal.js',
    'models/tasks-vision/vision_wasm_module_internal.wasm',
    'models/selfie_segmentation.tflite',
    'models/face_detector.tflite',
  ];
  const total = lazy.reduce((t, f) => t + gzipSize(f), 0);
  assert.ok(total <= MODELS_GZIP_BUDGET, `the models are ${total} B gzip, over ${MODELS_GZIP_BUDGET} B`);
  console.log(`models, lazy: ${total} B gzip (${lazy.join(', ')})`);
});
