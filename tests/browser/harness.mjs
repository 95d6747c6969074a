// Shared helpers for the browser tests (run with `node --test tests/browser/`).
//
//   import { launchBrowser, openApp } from './harness.mjs';
//   const browser = await launchBrowser();
//   const app = await openApp(browser, { path: '/index.html', csp: "default-src 'self'" });
//   ... app.page, app.consoleErrors, app.requests, app.url ...
//   await app.close(); await browser.close();
//
// Uses Debian's Chromium through playwright-core: never downloads a browser.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const WWW_DIR = path.join(REPO_ROOT, 'www');

/** Path of the system Chromium: CHROMIUM_PATH, `command -v chromium`, or /usr/bin/chromium. */
export function chromiumPath() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    const found = execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
    if (found) return found;
  } catch {
    // fall through
  }
  return '/usr/bin/chromium';
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser(options = {}) {
  const executablePath = chromiumPath();
  if (!fs.existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}: run ./test (it installs Debian's chromium)`);
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    ...options,
  });
}

/** The on-device models' files (www/models-worker.js, www/models/). */
export const MODEL_FILES = /\/models(-worker\.js|\/)/;

/**
 * Serve www/ on a free port and open `path` in a fresh browser context.
 *
 * options:
 *   csp       Content-Security-Policy header sent with every response
 *   path      page to open, default '/index.html'
 *   viewport  { width, height }, default 1280x800
 *   dir       directory to serve, default www/
 *   waitUntil passed to page.goto, default 'load'
 *   contextOptions  extra browser.newContext options (e.g. { hasTouch: true, isMobile: true })
 *   beforeGoto      async (page, context) => {} run before the page opens (e.g. page.route)
 *   models    true: the on-device models load (www/models.js, fetched when the
 *             photo picker opens); by default their requests are refused, so
 *             a person's photo takes the classical path that the other tests'
 *             reference renders (a fresh engine's load_photo) reproduce, as a
 *             browser where they cannot load would (tests/browser/models.test.mjs
 *             tests them)
 *
 * Returns { page, context, server, url, origin, consoleErrors, requests,
 *           foreignRequests(), close() }:
 *   consoleErrors  strings from console 'error' messages and uncaught page errors
 *   consoleWarnings strings from console 'warning' messages
 *   requests       every request URL the page made, in order
 *   foreignRequests() the requests not to the served origin (data:/blob: excluded)
 */
export async function openApp(
  browser,
  { csp, path: pagePath = '/index.html', viewport, dir = WWW_DIR, waitUntil = 'load', contextOptions = {}, beforeGoto, models = false } = {},
) {
  const server = await startServer({ dir, port: 0, csp });
  const context = await browser.newContext({ viewport: viewport ?? { width: 1280, height: 800 }, ...contextOptions });
  const page = await context.newPage();
  const consoleErrors = [];
  const consoleWarnings = [];
  const requests = [];
  page.on('console', (msg) => {
    const type = msg.type();
    if (type === 'error' || type === 'warning') {
      const loc = msg.location();
      const text = loc && loc.url ? `${msg.text()} (${loc.url}:${loc.lineNumber})` : msg.text();
      (type === 'error' ? consoleErrors : consoleWarnings).push(text);
    }
  });
  page.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.stack || err.message || err}`));
  page.on('request', (req) => requests.push(req.url()));

  const origin = new URL(server.url).origin;
  const app = {
    page,
    context,
    server,
    url: server.url,
    origin,
    consoleErrors,
    consoleWarnings,
    requests,
    foreignRequests() {
      return requests.filter((u) => {
        if (u.startsWith('data:') || u.startsWith('blob:')) return false;
        try {
          return new URL(u).origin !== origin;
        } catch {
          return true;
        }
      });
    },
    async close() {
      await context.close().catch(() => {});
      await server.close();
    },
  };
  try {
    if (!models) await context.route(MODEL_FILES, (route) => route.abort());
    if (beforeGoto) await beforeGoto(page, context);
    await page.goto(server.url + pagePath, { waitUntil });
  } catch (e) {
    await app.close();
    throw e;
  }
  return app;
}

// ---------------------------------------------------------------------------
// Helpers for tests of the <smp-preview> app.

/** The policy the app must run under (see the issue "The preview app in the browser"). */
export const APP_CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' blob: data:; style-src 'self'";

/** Test photos: shared/ sits beside the repository (also in CI's clean clone). */
export const PHOTOS_DIR = path.resolve(REPO_ROOT, '../shared/photos');

/** The files in `dir`, a folder of the test photos; a clear error when it is missing. */
function photoFiles(dir) {
  if (!fs.existsSync(dir)) throw new Error(`these tests need the test photos in ${dir} (../shared/photos beside the repository)`);
  return fs.readdirSync(dir);
}

/** Full path of the test photo whose name starts with `prefix` ("01", "11", ...). */
export function photoPath(prefix) {
  const name = photoFiles(PHOTOS_DIR).find((f) => f.startsWith(prefix + '_') && /\.jpe?g$/i.test(f));
  if (!name) throw new Error(`no photo ${prefix}_* in ${PHOTOS_DIR}`);
  return path.join(PHOTOS_DIR, name);
}

/** Landmarks of a London photo as [[x, y], ...] (point i at index i), or null when the photo has none. */
export function landmarks(prefix) {
  const dir = path.join(PHOTOS_DIR, 'landmarks');
  const name = photoFiles(dir).find((f) => f.startsWith(prefix + '_'));
  if (!name) return null;
  const lines = fs.readFileSync(path.join(dir, name), 'utf8').trim().split('\n');
  const n = Number(lines[0]);
  return lines.slice(1, n + 1).map((l) => l.trim().split(/\s+/).map(Number));
}

/** Side of the shipped sample photo, in pixels: photo 01 (1350 x 1350) scaled down. */
export const SAMPLE_SIZE = 1080;

/**
 * Photo 01's pixel coordinates -> the sample's: `v` times SAMPLE_SIZE / 1350,
 * for a number, an [x, y] point or an [x0, y0, x1, y1] rectangle.
 */
export function inSample(v) {
  const k = SAMPLE_SIZE / 1350;
  return Array.isArray(v) ? v.map((u) => u * k) : v * k;
}

/** Waits until the widget has loaded at least `n` photos (stats.photos). */
export async function waitForPhotos(page, n = 1, timeout = 30_000) {
  await page.waitForFunction((k) => document.querySelector('smp-preview')?.stats?.photos >= k, n, { timeout });
}

/**
 * The app at a desktop size under the strict CSP, with the sample photo
 * loaded and stippled: the starting point of most browser tests.
 */
export async function openSample(browser) {
  const app = await openApp(browser, { csp: APP_CSP, viewport: { width: 1280, height: 900 } });
  await waitForPhotos(app.page, 1);
  return app;
}

/**
 * A browser showing the sample, for a test file's before():
 * { browser, app, page }. A start that fails closes what it opened.
 */
export async function startSample() {
  const browser = await launchBrowser();
  try {
    const app = await openSample(browser);
    return { browser, app, page: app.page };
  } catch (e) {
    await browser.close();
    throw e;
  }
}

/** Closes what startSample() opened, for a test file's after() (either may be missing after a failed start). */
export async function closeSample({ browser, app }) {
  await app?.close();
  await browser?.close();
}

/** Number of photos the widget has loaded so far. */
export function photoCount(page) {
  return page.evaluate(() => document.querySelector('smp-preview').stats.photos);
}

/** A mouse drag through client points `points` ([{ x, y }, ...]), `steps` moves per leg. */
export async function drag(page, points, steps) {
  await page.mouse.move(points[0].x, points[0].y);
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(p.x, p.y, { steps });
  await page.mouse.up();
}

/** Runs `action`, then waits until the preview has repainted. */
export async function nextRender(page, action, timeout = 10_000) {
  const before = await page.evaluate(() => document.querySelector('smp-preview').stats.renders);
  await action();
  await page.waitForFunction((k) => document.querySelector('smp-preview').stats.renders > k, before, { timeout });
}

/**
 * Copies the pixels of the widget's 'after' (preview) or 'before' (original)
 * canvas into the page under window.__snaps[key]. Pixel comparisons then run
 * in the page (see comparePixels), so megabytes never travel over CDP.
 */
export async function snap(page, key, which = 'after') {
  return page.evaluate(
    ([key, which]) => {
      const c = document.querySelector('smp-preview').shadowRoot.querySelector(`canvas.${which}`);
      // A fresh canvas per read: reading the widget's own canvas repeatedly would warn.
      const o = new OffscreenCanvas(c.width, c.height);
      const ctx = o.getContext('2d');
      ctx.drawImage(c, 0, 0);
      (window.__snaps ??= {})[key] = ctx.getImageData(0, 0, c.width, c.height);
      return { width: c.width, height: c.height };
    },
    [key, which],
  );
}

/** Decodes image bytes in the page into window.__snaps[key]; returns its size. */
export async function decodeInPage(page, key, buffer, type = 'image/png') {
  return page.evaluate(
    async ([key, b64, type]) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const bmp = await createImageBitmap(new Blob([bytes], { type }));
      const o = new OffscreenCanvas(bmp.width, bmp.height);
      const ctx = o.getContext('2d');
      ctx.drawImage(bmp, 0, 0);
      (window.__snaps ??= {})[key] = ctx.getImageData(0, 0, bmp.width, bmp.height);
      return { width: bmp.width, height: bmp.height };
    },
    [key, Buffer.from(buffer).toString('base64'), type],
  );
}

/**
 * Compares two snaps over a rectangle [x0, y0, x1, y1) (default: everything).
 * Returns { pixels, changed, darker, brighter, meanDarkening, sumLumaA, sumLumaB }
 * where luma is (r + g + b) / 3, "darker" means b's luma is below a's by more than `tol`.
 */
export function comparePixels(page, keyA, keyB, rect = null, tol = 0) {
  return page.evaluate(
    ([ka, kb, rect, tol]) => {
      const A = window.__snaps[ka];
      const B = window.__snaps[kb];
      if (A.width !== B.width || A.height !== B.height) throw new Error(`size mismatch ${A.width}x${A.height} vs ${B.width}x${B.height}`);
      const [x0, y0, x1, y1] = (rect ?? [0, 0, A.width, A.height]).map(Math.round);
      const r = { pixels: 0, changed: 0, darker: 0, brighter: 0, meanDarkening: 0, sumLumaA: 0, sumLumaB: 0 };
      for (let y = Math.max(0, y0); y < Math.min(A.height, y1); y++) {
        for (let x = Math.max(0, x0); x < Math.min(A.width, x1); x++) {
          const i = (y * A.width + x) * 4;
          const la = (A.data[i] + A.data[i + 1] + A.data[i + 2]) / 3;
          const lb = (B.data[i] + B.data[i + 1] + B.data[i + 2]) / 3;
          r.pixels++;
          r.sumLumaA += la;
          r.sumLumaB += lb;
          if (A.data[i] !== B.data[i] || A.data[i + 1] !== B.data[i + 1] || A.data[i + 2] !== B.data[i + 2]) r.changed++;
          if (la - lb > tol) r.darker++;
          if (lb - la > tol) r.brighter++;
          r.meanDarkening += la - lb;
        }
      }
      r.meanDarkening /= Math.max(1, r.pixels);
      return r;
    },
    [keyA, keyB, rect, tol],
  );
}

/** The widget's current design (its `design` property: density, handles, ...). */
export function design(page) {
  return page.evaluate(() => document.querySelector('smp-preview').design);
}
