// Usable by everyone: phone and desktop layouts, accessible names, keyboard
// reach, an aria-live status, WCAG AA text contrast.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, openApp, APP_CSP, waitForPhotos, WWW_DIR } from './harness.mjs';

let browser;
let desktop; // one desktop page shared by the desktop tests (each only reads it)
before(async () => {
  browser = await launchBrowser();
  desktop = await open({ width: 1280, height: 900 });
});
after(async () => {
  await desktop?.close();
  await browser?.close();
});

async function open(viewport, contextOptions = {}) {
  const app = await openApp(browser, { csp: APP_CSP, viewport, contextOptions });
  await waitForPhotos(app.page, 1);
  return app;
}

const boxes = (page) =>
  page.evaluate(() => {
    const sr = document.querySelector('smp-preview').shadowRoot;
    const r = (s) => sr.querySelector(s).getBoundingClientRect().toJSON();
    return {
      viewer: r('.viewer'),
      frame: r('.frame'),
      panel: r('.panel'),
      photoSet: r('.photo-set'),
      compare: r('#compare'),
      note: r('.note'),
      scrollWidth: document.documentElement.scrollWidth,
    };
  });

test('desktop 1280x900: controls beside the photo; photo, slider and note above the fold', async () => {
  const app = desktop;
  const b = await boxes(app.page);
  assert.ok(b.panel.left >= b.viewer.right, `panel not beside the photo: ${JSON.stringify(b)}`);
  assert.ok(b.frame.width > 600 && b.frame.height > 500, `photo too small: ${JSON.stringify(b.frame)}`);
  assert.ok(b.compare.bottom <= 900, 'before/after slider below the fold');
  assert.ok(b.note.bottom <= 900, '"results vary" note below the fold');
  assert.ok(b.scrollWidth <= 1280, 'horizontal scroll');
  assert.equal(await app.page.locator('label[for=camera]').isVisible(), false, 'camera button shown with a mouse');
  assert.deepEqual(app.consoleErrors, []);
});

test('phone 375x812: controls stack under the photo, nothing overflows, camera offered', async () => {
  const app = await open({ width: 375, height: 812 }, { isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  try {
    const b = await boxes(app.page);
    // On a phone the photo sticks to the top and the controls scroll under it (phone.test.mjs).
    assert.ok(b.photoSet.top >= b.frame.bottom, `controls not under the photo: ${JSON.stringify(b)}`);
    assert.ok(b.scrollWidth <= 375, `page scrolls sideways: ${b.scrollWidth}`);
    assert.ok(b.frame.width >= 340, 'photo should use the width');
    // Every element inside the widget fits the screen's width.
    const wide = await app.page.evaluate(() => {
      const sr = document.querySelector('smp-preview').shadowRoot;
      return [...sr.querySelectorAll('.panel *, .toolbar *, .compare *')]
        .filter((e) => e.getClientRects().length && e.getBoundingClientRect().right > 375.5)
        .map((e) => e.className || e.tagName);
    });
    assert.deepEqual(wide, []);
    assert.equal(await app.page.locator('label[for=camera]').isVisible(), true, 'camera button hidden on a phone');
    // Handles are big enough to hit with a finger.
    const h = await app.page.locator('.handle').first().boundingBox();
    assert.ok(h.width >= 44 && h.height >= 44, `handle ${h.width}x${h.height}`);

    // Pinch with two fingers zooms about their midpoint; one finger pans.
    const zoom = async () => parseInt(await app.page.locator('.zoom-level').textContent(), 10);
    const frame = await app.page.locator('.frame').boundingBox();
    const cx = frame.x + frame.width / 2;
    const cy = frame.y + frame.height * 0.7; // below the handles
    const cdp = await app.context.newCDPSession(app.page);
    const touch = (type, points) =>
      cdp.send('Input.dispatchTouchEvent', { type, touchPoints: points.map(([x, y], id) => ({ x, y, id })) });
    const fit = await zoom();
    await touch('touchStart', [[cx - 30, cy], [cx + 30, cy]]);
    for (let d = 40; d <= 120; d += 20) await touch('touchMove', [[cx - d, cy], [cx + d, cy]]);
    await touch('touchEnd', []);
    const pinched = await zoom();
    assert.ok(pinched > fit * 3, `pinch zoomed ${fit}% -> ${pinched}%`);
    const before = await app.page.locator('canvas.after').boundingBox();
    await touch('touchStart', [[cx, cy]]);
    for (let d = 10; d <= 50; d += 10) await touch('touchMove', [[cx + d, cy + d / 2]]);
    await touch('touchEnd', []);
    const after = await app.page.locator('canvas.after').boundingBox();
    assert.ok(Math.abs(after.x - before.x - 50) < 1 && Math.abs(after.y - before.y - 25) < 1, 'one-finger drag did not pan');
    assert.equal(await zoom(), pinched);
    assert.deepEqual(app.consoleErrors, []);
  } finally {
    await app.close();
  }
});

test('every control has an accessible name and is reachable with Tab', async () => {
  const page = desktop.page;
  for (const name of ['Density', 'Shade', 'Dot size', 'Hairline height', 'Session', 'Before / after', 'Brush size']) {
    assert.equal(await page.getByRole('slider', { name, exact: true }).count(), 1, `slider ${name}`);
  }
  assert.equal(await page.getByRole('combobox', { name: 'Hairline shape' }).count(), 1);
  for (const name of ['Soft', 'Defined', 'Off', 'Add scalp', 'Erase']) {
    assert.equal(await page.getByRole('radio', { name, exact: true }).count(), 1, `radio ${name}`);
  }
  for (const name of ['New pattern', 'Undo brush stroke', 'Download PNG', 'Download JPEG', 'Zoom in', 'Zoom out', 'Fit', 'Actual size, 100%']) {
    assert.equal(await page.getByRole('button', { name, exact: true }).count(), 1, `button ${name}`);
  }
  assert.equal(await page.getByRole('button', { name: /^Hairline handle/ }).count(), 3);
  assert.equal(await page.getByLabel('Choose a photo…').count(), 1);
  assert.equal(await page.getByRole('status').getAttribute('aria-live'), 'polite');

  // Generic check: nothing interactive without a name.
  const unnamed = await page.evaluate(() => {
    const sr = document.querySelector('smp-preview').shadowRoot;
    return [...sr.querySelectorAll('input, select, button, [tabindex]')]
      .filter((e) => {
        const label = e.getAttribute('aria-label') || e.getAttribute('aria-labelledby');
        const labels = e.labels ? [...e.labels].map((l) => l.textContent.trim()).join('') : '';
        const text = e.tagName === 'BUTTON' ? e.textContent.trim() : '';
        return !(label || labels || text);
      })
      .map((e) => e.outerHTML.slice(0, 80));
  });
  assert.deepEqual(unnamed, []);

  // Tab from the top of the page reaches every kind of control.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  const reached = new Set();
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    reached.add(
      await page.evaluate(() => {
        const a = document.querySelector('smp-preview').shadowRoot.activeElement;
        return a ? a.id || a.getAttribute('aria-label') || a.textContent.trim() || a.className : document.activeElement?.tagName;
      }),
    );
  }
  for (const want of ['file', 'density', 'shade', 'dot_mm', 'session', 'hairline_cm', 'shape', 'compare', 'brush-size', 'Download PNG', 'Download JPEG', 'New pattern', 'Zoom in', 'Hairline handle: left temple']) {
    assert.ok(reached.has(want), `Tab never reached ${want}: ${[...reached].join(' | ')}`);
  }
});

test('text contrast meets WCAG AA', async () => {
  const failures = await desktop.page.evaluate(() => {
    const parse = (c) => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m) return null;
      const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
      return { r, g, b, a };
    };
    const lum = ({ r, g, b }) => {
      const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const up = (e) => e.parentElement || e.getRootNode().host || null;
    const background = (e) => {
      for (let n = e; n; n = up(n)) {
        const c = parse(getComputedStyle(n).backgroundColor);
        if (c && c.a > 0.5) return c;
      }
      return { r: 255, g: 255, b: 255, a: 1 };
    };
    const out = [];
    const visit = (root) => {
      for (const e of root.querySelectorAll('*')) {
        if (e.shadowRoot) visit(e.shadowRoot);
        const hasText = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
        if (!hasText || !e.getClientRects().length || e.closest(':disabled')) continue;
        const cs = getComputedStyle(e);
        if (cs.visibility === 'hidden') continue;
        const fg = parse(cs.color);
        const bg = background(e);
        const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
        const ratio = (l1 + 0.05) / (l2 + 0.05);
        const size = parseFloat(cs.fontSize);
        const large = size >= 24 || (size >= 18.66 && Number(cs.fontWeight) >= 700);
        if (ratio < (large ? 3 : 4.5)) out.push(`${e.tagName}.${e.className} "${e.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}`);
      }
    };
    visit(document);
    return out;
  });
  assert.deepEqual(failures, []);
});

test('no inline scripts or styles anywhere (the CSP forbids them)', () => {
  for (const file of fs.readdirSync(WWW_DIR).filter((f) => /\.(html|js)$/.test(f))) {
    const text = fs.readFileSync(path.join(WWW_DIR, file), 'utf8');
    assert.doesNotMatch(text, /<style[\s>]/i, `${file}: <style> element`);
    assert.doesNotMatch(text, /\sstyle\s*=\s*["']/i, `${file}: style="" attribute`);
    assert.doesNotMatch(text, /\son[a-z]+\s*=\s*["']/i, `${file}: inline event handler`);
    for (const tag of text.match(/<script\b[^>]*>/gi) ?? []) assert.match(tag, /\ssrc=/, `${file}: inline <script>`);
  }
});
