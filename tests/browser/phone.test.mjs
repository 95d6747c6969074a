// The widget on phones (issue 20), at 390x844 and 360x740 with touch
// (hasTouch, isMobile), driven by real touch sequences (CDP
// Input.dispatchTouchEvent, as a finger sends them):
// - the photo button is on the first screen;
// - after a photo is chosen, its preview is in the viewport;
// - while each control is operated, at least 40% of the scalp in the
//   preview is on screen (the scalp: the pixels the dots darken);
// - a vertical swipe that starts on any slider scrolls the page and changes
//   no value; a swipe on the photo scrolls the page too.
// Screenshots of the first screen, after a photo, while density is dragged
// and of the share panel go to target/phone-screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, openApp, APP_CSP, waitForPhotos, photoPath, REPO_ROOT } from './harness.mjs';

const SHOTS = path.join(REPO_ROOT, 'target/phone-screenshots');
const PHONES = [
  { width: 390, height: 844 },
  { width: 360, height: 740 },
];
/** Every slider of the widget, by id. */
const SLIDERS = ['compare', 'density', 'shade', 'dot_mm', 'session', 'months', 'hairline_cm', 'brush-size'];

let browser;
before(async () => {
  browser = await launchBrowser();
  fs.mkdirSync(SHOTS, { recursive: true });
});
after(async () => {
  await browser?.close();
});

async function openPhone(size) {
  const app = await openApp(browser, {
    csp: APP_CSP,
    viewport: size,
    contextOptions: { hasTouch: true, isMobile: true, deviceScaleFactor: 2, acceptDownloads: true },
  });
  await waitForPhotos(app.page, 1);
  const cdp = await app.context.newCDPSession(app.page);
  /** One touch event; points: [[x, y], ...] in CSS px of the viewport. */
  app.touch = (type, points) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: points.map(([x, y], id) => ({ x, y, id })) });
  /** A one-finger drag from (x0, y0) to (x1, y1) in `steps` moves; `during()` runs before the finger lifts. */
  app.swipe = async (x0, y0, x1, y1, steps = 12, during = null) => {
    await app.touch('touchStart', [[x0, y0]]);
    for (let i = 1; i <= steps; i++) {
      await app.touch('touchMove', [[x0 + ((x1 - x0) * i) / steps, y0 + ((y1 - y0) * i) / steps]]);
      await app.page.waitForTimeout(16);
    }
    const seen = during ? await during() : null;
    await app.touch('touchEnd', []);
    return seen;
  };
  return app;
}

const shot = (app, name) => app.page.screenshot({ path: path.join(SHOTS, `${name}-${app.page.viewportSize().width}x${app.page.viewportSize().height}.png`) });

/** Every slider's value and the engine's design (what a swipe must not change). */
const values = (page) =>
  page.evaluate((ids) => {
    const el = document.querySelector('smp-preview');
    const root = el.shadowRoot;
    return { sliders: Object.fromEntries(ids.map((id) => [id, root.getElementById(id).value])), design: el.design };
  }, SLIDERS);

/** Remembers where the current photo's scalp is: the pixels its dots darken. */
const markScalp = (page) =>
  page.evaluate(() => {
    const root = document.querySelector('smp-preview').shadowRoot;
    const read = (c) => {
      const ctx = new OffscreenCanvas(c.width, c.height).getContext('2d');
      ctx.drawImage(c, 0, 0);
      return ctx.getImageData(0, 0, c.width, c.height);
    };
    const a = read(root.querySelector('canvas.before'));
    const b = read(root.querySelector('canvas.after'));
    const points = [];
    for (let y = 0; y < a.height; y++) {
      for (let x = 0; x < a.width; x++) {
        const i = (y * a.width + x) * 4;
        if (a.data[i] + a.data[i + 1] + a.data[i + 2] - (b.data[i] + b.data[i + 1] + b.data[i + 2]) > 24) points.push(x, y);
      }
    }
    window.__scalp = { points, width: a.width, height: a.height };
    return points.length / 2;
  });

/**
 * The share of the scalp's points that are on screen now: inside the
 * viewport, inside the photo's frame, and not covered by anything (the
 * frame's center is the frame's own, not a control's).
 */
const scalpVisible = (page) =>
  page.evaluate(() => {
    const root = document.querySelector('smp-preview').shadowRoot;
    const frame = root.querySelector('.frame');
    const f = frame.getBoundingClientRect();
    const cx = Math.min(Math.max(f.left + f.width / 2, 0), innerWidth - 1);
    const cy = Math.min(Math.max(f.top + f.height / 2, 0), innerHeight - 1);
    const onTop = root.elementFromPoint(cx, cy);
    if (!onTop || !frame.contains(onTop)) return 0;
    const c = root.querySelector('canvas.after').getBoundingClientRect();
    const { points, width, height } = window.__scalp;
    const [x0, y0, x1, y1] = [Math.max(f.left, 0), Math.max(f.top, 0), Math.min(f.right, innerWidth), Math.min(f.bottom, innerHeight)];
    let shown = 0;
    for (let k = 0; k < points.length; k += 2) {
      const x = c.left + (points[k] / width) * c.width;
      const y = c.top + (points[k + 1] / height) * c.height;
      if (x >= x0 && x < x1 && y >= y0 && y < y1) shown++;
    }
    return shown / (points.length / 2);
  });

/** Scrolls the control `selector` to the middle of the screen, as a person scrolls to it; its box (viewport px) after. */
async function reach(page, selector) {
  await page.evaluate((s) => {
    const root = document.querySelector('smp-preview').shadowRoot;
    const el = root.querySelector(s);
    (el.closest('label') ?? el).scrollIntoView({ block: 'center' });
  }, selector);
  await page.waitForTimeout(50);
  return page.locator(selector).boundingBox();
}

/** What a finger taps for the control `el`: a radio's or check box's label, else the control itself. */
const TAP_TARGET = (el) => (el.type === 'radio' || el.type === 'checkbox' ? el.closest('label') : el);

/** True when a tap at the middle of `selector` lands on it (or its label), not on the photo over it. */
const tappable = (page, selector) =>
  page.evaluate(
    ([s, tapTarget]) => {
      const root = document.querySelector('smp-preview').shadowRoot;
      const el = root.querySelector(s);
      const target = eval(tapTarget)(el);
      const r = target.getBoundingClientRect();
      const hit = root.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return !!hit && (target === hit || target.contains(hit));
    },
    [selector, TAP_TARGET.toString()],
  );

for (const size of PHONES) {
  const tag = `${size.width}x${size.height}`;

  test(`phone ${tag}: the photo button on the first screen; after a photo, its preview in view`, async () => {
    const app = await openPhone(size);
    try {
      const { page } = app;
      assert.equal(await page.evaluate(() => scrollY), 0);
      const button = await page.locator('.photo-set label[for=file]').boundingBox();
      assert.ok(button && button.y >= 0 && button.y + button.height <= size.height, `"Choose a photo…" below the first screen: ${JSON.stringify(button)}`);
      assert.equal(await tappable(page, '.photo-set label[for=file]'), true, 'the photo button is covered');
      await shot(app, 'first-screen');

      // A person who scrolled down to the controls picks a photo (a top view).
      await page.evaluate(() => scrollTo(0, document.documentElement.scrollHeight / 2));
      await page.setInputFiles('#file', photoPath('07'));
      await waitForPhotos(page, 2);
      const frame = await page.locator('.frame').boundingBox();
      assert.ok(frame.y >= -1 && frame.y + frame.height <= size.height + 1, `the preview is not in view after the photo: ${JSON.stringify(frame)}`);
      await markScalp(page);
      const shown = await scalpVisible(page);
      assert.ok(shown >= 0.99, `only ${(shown * 100).toFixed(0)}% of the scalp is on screen after the photo`);
      await page.evaluate(() => scrollTo(0, 0));
      await shot(app, 'after-photo');
      assert.deepEqual(app.consoleErrors, []);
    } finally {
      await app.close();
    }
  });

  test(`phone ${tag}: while each control is operated, at least 40% of the scalp is on screen`, { timeout: 120_000 }, async (t) => {
    const app = await openPhone(size);
    try {
      const { page } = app;
      assert.ok((await markScalp(page)) > 1000, 'no scalp found on the sample');
      const report = [];
      const check = async (what) => {
        const shown = await scalpVisible(page);
        report.push(`${what} ${(shown * 100).toFixed(0)}%`);
        assert.ok(shown >= 0.4, `${what}: only ${(shown * 100).toFixed(1)}% of the scalp on screen while it is operated`);
      };

      // Sliders: a deliberate horizontal drag, measured with the finger still down.
      for (const id of SLIDERS) {
        const box = await reach(page, `#${id}`);
        assert.equal(await tappable(page, `#${id}`), true, `${id} is covered`);
        const before = await page.locator(`#${id}`).inputValue();
        const el = await page.evaluate((id) => {
          const s = document.querySelector('smp-preview').shadowRoot.getElementById(id);
          return { min: Number(s.min), max: Number(s.max), value: Number(s.value) };
        }, id);
        // Start on the thumb, move a third of the track towards the far end.
        const f = (el.value - el.min) / (el.max - el.min);
        const x = box.x + 10 + f * (box.width - 20);
        const y = box.y + box.height / 2;
        const dx = (f < 0.5 ? 1 : -1) * box.width * 0.33;
        await app.swipe(x, y, x + dx, y + 2, 10, async () => {
          if (id === 'density') await shot(app, 'dragging-density');
          await check(id);
        });
        await page.waitForTimeout(50);
        assert.notEqual(await page.locator(`#${id}`).inputValue(), before, `a horizontal drag did not move ${id}`);
      }

      // Taps: radios, check boxes, buttons (the brush goes back off, so the photo stays scrollable).
      const taps = [
        'input[name=edge][value=defined]',
        '#show-line',
        '.new-pattern',
        '.touch-up',
        '#thinning',
        '#thinning',
        'input[name=brush][value=add]',
        'input[name=brush][value=off]',
        '.zoom-in',
        '.fit',
        '.download[data-type="image/jpeg"]',
        '#share-photo',
        '#share-photo',
        '.share-link',
      ];
      for (const s of taps) {
        const box = await reach(page, s);
        assert.equal(await tappable(page, s), true, `${s} is covered`);
        const target = await page.evaluate(
          ([s, tapTarget]) => {
            const el = document.querySelector('smp-preview').shadowRoot.querySelector(s);
            const r = eval(tapTarget)(el).getBoundingClientRect();
            return { x: r.left + Math.min(r.width / 2, 12), y: r.top + r.height / 2 };
          },
          [s, TAP_TARGET.toString()],
        );
        await app.touch('touchStart', [[target.x, target.y]]);
        await check(s);
        await app.touch('touchEnd', []);
        await page.waitForTimeout(80);
        assert.ok(box, s);
      }
      await page.locator('.share-out').waitFor();
      await page.locator('.share-out').scrollIntoViewIfNeeded();
      await page.evaluate(() => scrollBy(0, 40));
      await check('share link shown');
      await shot(app, 'share-panel');

      // The shape list: chosen from the list (a phone opens its own picker).
      await reach(page, '#shape');
      assert.equal(await tappable(page, '#shape'), true, 'the shape list is covered');
      await page.locator('#shape').selectOption('rounded');
      await check('#shape');
      t.diagnostic(report.join(', '));
      assert.deepEqual(app.consoleErrors, []);
    } finally {
      await app.close();
    }
  });

  test(`phone ${tag}: a vertical swipe starting on any slider scrolls the page and changes nothing; so does one on the photo`, { timeout: 90_000 }, async () => {
    const app = await openPhone(size);
    try {
      const { page } = app;
      const start = await values(page);
      for (const id of SLIDERS) {
        const box = await reach(page, `#${id}`);
        const y0 = await page.evaluate(() => scrollY);
        // Up the screen (the page scrolls down), starting off the thumb, where a tap would move it.
        const x = box.x + box.width * 0.85;
        const y = box.y + box.height / 2;
        await app.swipe(x, y, x - 6, Math.max(y - 220, size.height * 0.45 - 200), 12);
        await page.waitForTimeout(300);
        const y1 = await page.evaluate(() => scrollY);
        assert.ok(y1 > y0 + 50, `a swipe on ${id} did not scroll the page (${y0} -> ${y1})`);
        assert.deepEqual(await values(page), start, `a swipe on ${id} changed a value`);
        // And back down, a swipe the other way.
        const back = await reach(page, `#${id}`);
        await app.swipe(back.x + back.width * 0.15, back.y + back.height / 2, back.x + back.width * 0.15 + 5, back.y + back.height / 2 + 150, 10);
        await page.waitForTimeout(300);
        assert.deepEqual(await values(page), start, `a downward swipe on ${id} changed a value`);
      }

      // A swipe on the photo scrolls the page; the photo neither pans nor zooms.
      await page.evaluate(() => scrollTo(0, 0));
      await page.waitForTimeout(100);
      const frame = await page.locator('.frame').boundingBox();
      const zoom = await page.locator('.zoom-level').textContent();
      const canvas = await page.locator('canvas.after').boundingBox();
      const fx = frame.x + frame.width / 2;
      const fy = frame.y + frame.height * 0.8;
      await app.swipe(fx, fy, fx + 4, fy - 200, 12);
      await page.waitForTimeout(300);
      assert.ok((await page.evaluate(() => scrollY)) > 50, 'a swipe on the photo did not scroll the page');
      assert.equal(await page.locator('.zoom-level').textContent(), zoom);
      const moved = await page.locator('canvas.after').boundingBox();
      assert.ok(Math.abs(moved.x - canvas.x) < 1, 'the swipe panned the photo');
      assert.deepEqual(await values(page), start);
      assert.deepEqual(app.consoleErrors, []);
    } finally {
      await app.close();
    }
  });
}
