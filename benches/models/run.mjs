// Runs the MediaPipe models of @mediapipe/{selfie_segmentation,face_mesh,
// face_detection} (devDependencies; model files inside the npm packages) in
// headless Chromium on every annotated photo, and times them.
//
//   node benches/models/run.mjs [--runtime legacy|tasks] [--models seg,mesh,det] [--rates 1,4]
//                               [--views front,top] [--limit N] [--throttle-photos N] [--out target/models]
//
// Writes OUT/raw/<photo>.json (landmarks, detection, per-model ms) and
// OUT/raw/<photo>.seg.png (person-mask confidence, 0..255, photo size), and
// OUT/timing-*.json (load and inference, unthrottled and at 4x CPU throttling,
// cold: fresh profile each time). benches/models/score.py turns these and
// the engine's output (benches/models/engine_masks.rs) into the tables.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const PHOTOS = path.resolve(ROOT, '../shared/photos');
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const OUT = path.resolve(ROOT, opt('--out', 'target/models'));
const LIMIT = Number(opt('--limit', '1000'));
const RUNTIME = opt('--runtime', 'legacy'); // legacy: @mediapipe/{selfie_segmentation,face_mesh,face_detection} (WebGL); tasks: @mediapipe/tasks-vision (CPU)
const MODELS = (opt('--models', 'seg,mesh,det')).split(',');
const RATES = opt('--rates', '1,4').split(',').map(Number);
const THROTTLE_PHOTOS = Number(opt('--throttle-photos', '10'));
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Annotated photos and their views (tests/annotations/*.txt). */
function annotated() {
  const dir = path.join(ROOT, 'tests/annotations');
  const list = [];
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()) {
    for (const raw of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      const line = raw.split('#')[0].trim();
      if (line.startsWith('[')) list.push({ photo: line.slice(1, -1), view: '' });
      else if (line.startsWith('view ')) list[list.length - 1].view = line.slice(5).trim();
    }
  }
  return list;
}

const MIME = { '.js': 'text/javascript', '.html': 'text/html', '.wasm': 'application/wasm', '.jpg': 'image/jpeg',
  '.json': 'application/json', '.mjs': 'text/javascript' };

/** Serves the page, node_modules/@mediapipe as /mp/ and the photos as /photos/, counting bytes per file. */
function serve() {
  const served = {};
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file;
    if (url === '/' || url === '/index.html') file = path.join(HERE, RUNTIME === 'tasks' ? 'tasks.html' : 'page.html');
    else if (url === '/page.js' || url === '/tasks.js') file = path.join(HERE, url.slice(1));
    else if (url.startsWith('/tv/')) file = path.join(ROOT, 'node_modules/@mediapipe/tasks-vision', url.slice(4));
    else if (url.startsWith('/tvm/')) file = path.join(ROOT, 'target/models/tv', url.slice(5));
    else if (url.startsWith('/mp/')) file = path.join(ROOT, 'node_modules/@mediapipe', url.slice(4));
    else if (url.startsWith('/photos/')) file = path.join(PHOTOS, url.slice(8));
    if (!file || file.includes('..') || !fs.existsSync(file)) { res.writeHead(404); res.end(); return; }
    const body = fs.readFileSync(file);
    if (/^\/(mp|tv|tvm)\//.test(url)) served[url] = body.length;
    res.writeHead(200, { 'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'Cache-Control': 'no-store' });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () =>
    resolve({ url: `http://127.0.0.1:${server.address().port}`, served, close: () => server.close() })));
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[s.length >> 1] : null; };

/** One model in a page of its own: MediaPipe's legacy solutions share
 * emscripten globals, and face_mesh beside face_detection in one page aborts
 * (TensorsToDetectionsCalculator: options_.has_num_classes()). */
async function session(browser, base, rate, model) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('pageerror', e.message));
  if (process.env.DEBUG) page.on('console', (m) => console.error('console', m.type(), m.text().slice(0, 400)));
  page.on('response', (r) => { if (r.status() >= 400) console.error('HTTP', r.status(), r.url()); });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  await page.goto(base + '/');
  await page.waitForFunction(() => window.loadModel);
  // "seg+det": several models in one page, as the widget would load them (one runtime).
  const t0 = Date.now();
  for (const m of model.split('+')) await page.evaluate((n) => window.loadModel(n), m);
  return { context, page, load: Date.now() - t0 };
}

const server = await serve();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
fs.mkdirSync(path.join(OUT, 'raw'), { recursive: true });
const VIEWS = opt('--views', '');
const photos = annotated().filter((p) => !VIEWS || VIEWS.split(',').includes(p.view)).slice(0, LIMIT);
const timing = { runs: {} };
try {
  const results = new Map(photos.map((p) => [p.photo, { photo: p.photo, view: p.view, ms: {} }]));
  for (const rate of RATES) {
    const list = rate === 1 ? photos : photos.filter((_, i) => i % Math.ceil(photos.length / THROTTLE_PHOTOS) === 0);
    const run = { photos: list.length, load_ms: {}, first_photo_ms: {}, median_ms: {}, max_ms: {} };
    for (const model of MODELS) {
      const { context, page, load } = await session(browser, server.url, rate, model);
      run.load_ms[model] = load;
      const ms = [];
      for (const [i, p] of list.entries()) {
        const t0 = Date.now();
        const r = await page.evaluate(([u, m]) => window.runPhoto(u, m.includes('+') ? undefined : m), ['/photos/' + p.photo, model]);
        // Inference only (per model, summed for a combination); the photo's fetch and decode not counted.
        const inf = model.split('+').reduce((a, m) => a + r.ms[m], 0);
        r.ms[model] ??= inf;
        if (i === 0) run.first_photo_ms[model] = inf;
        else ms.push(inf);
        if (i === 0) run.first_photo_wall_ms = { ...run.first_photo_wall_ms, [model]: Date.now() - t0 };
        if (rate === 1 && !model.includes('+')) {
          const res = results.get(p.photo);
          Object.assign(res, { width: r.width, height: r.height });
          res.ms[model] = r.ms[model];
          if (model === 'seg' && r.seg) {
            fs.writeFileSync(path.join(OUT, 'raw', p.photo.replaceAll('/', '__') + '.seg.png'),
              Buffer.from(r.seg.png.split(',')[1], 'base64'));
            res.maskChannel = r.seg.channel;
          }
          if (model !== 'seg') res[model] = r[model];
          // Written as it goes (merged with what an earlier run of other models left).
          const jf = path.join(OUT, 'raw', p.photo.replaceAll('/', '__') + '.json');
          const old = fs.existsSync(jf) ? JSON.parse(fs.readFileSync(jf, 'utf8')) : {};
          fs.writeFileSync(jf, JSON.stringify({ ...old, ...res, ms: { ...old.ms, ...res.ms } }));
        }
        process.stdout.write(`\r${rate}x ${model}: ${i + 1}/${list.length} ${p.photo}            `);
      }
      console.log();
      run.median_ms[model] = median(ms);
      run.max_ms[model] = ms.length ? Math.max(...ms) : null;
      await context.close();
    }
    timing.runs[rate] = run;
  }
  timing.files = server.served;
  fs.writeFileSync(path.join(OUT, `timing-${RUNTIME}-${MODELS.join('+')}-${RATES.join('+')}.json`), JSON.stringify(timing, null, 2));
  console.log(JSON.stringify(timing, null, 2));
} finally {
  await browser.close();
  server.close();
}
