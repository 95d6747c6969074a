// The README's embedding snippets, tested as written (issue 20): pages built
// from the code blocks of README.md's "Embedding" section, copied verbatim,
// on the very origins they name (www.yourclinic.example for the clinic's
// page, smp.yourclinic.example for the iframe), which the test serves
// itself from dist/ (Playwright routes: nothing leaves the machine). A
// change to a snippet in README.md changes what is tested.
// - the element snippet under the README's strict CSP for it: the widget works;
// - the iframe snippet and its listener under the README's strict CSP with
//   frame-src: the iframe ends where the widget's content does, the events
//   arrive, and nothing throws;
// - the element under a CSP without 'wasm-unsafe-eval': the console tells
//   the site owner which directive to add, the visitor reads a neutral note;
// - dist/README.txt gives the same iframe and listener.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, REPO_ROOT } from './harness.mjs';

const DIST = path.join(REPO_ROOT, 'dist');
const README = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const SECTION = README.slice(README.indexOf('## Embedding'), README.indexOf('\n## ', README.indexOf('## Embedding') + 5));
/** The README's fenced code blocks in the embedding section: [{ lang, code }]. */
const BLOCKS = [...SECTION.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], code: m[2] }));
const block = (lang, has) => {
  const b = BLOCKS.find((x) => x.lang === lang && x.code.includes(has));
  assert.ok(b, `README.md's embedding section has no \`\`\`${lang} block with ${has}`);
  return b.code;
};

const ELEMENT = block('html', '<smp-preview');
const IFRAME = block('html', '<iframe');
const LISTENER = block('js', 'smp-events.js');
const FRAME_CSP = block('http', 'frame-src').match(/^Content-Security-Policy: (.*)$/m)[1];
/** The element's policy: the one the README gives inline ("A strict policy that works: `...`"). */
const ELEMENT_CSP = SECTION.match(/A strict policy that works:\s*`([^`]+)`/)[1];

const CLINIC = 'https://www.yourclinic.example';
const SMP = 'https://smp.yourclinic.example';
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.jpg': 'image/jpeg', '.svg': 'image/svg+xml', '.txt': 'text/plain' };

/** A clinic page around `body` (snippets pasted in as they are). */
const page = (body) => `<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Our clinic</title></head>\n<body>\n<h1>Our clinic</h1>\n${body}\n</body>\n</html>\n`;

/** Serves dist/ file `rel`, or a 404. */
function distFile(route, rel, headers = {}) {
  const file = path.join(DIST, rel);
  if (!file.startsWith(DIST) || !fs.existsSync(file) || !fs.statSync(file).isFile()) return route.fulfill({ status: 404, body: 'Not Found' });
  return route.fulfill({ status: 200, headers: { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', ...headers }, body: fs.readFileSync(file) });
}

/**
 * A browser context where CLINIC serves `html` at / (with `csp`), dist/ at
 * /smp/, the README's listener at /js/smp-events.js, and SMP serves dist/
 * (with the policy dist/README.txt suggests for the folder).
 */
async function clinic(browser, html, csp, size = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport: size });
  const foreign = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.origin === CLINIC) {
      if (url.pathname === '/') return route.fulfill({ status: 200, headers: { 'content-type': 'text/html', 'content-security-policy': csp }, body: html });
      if (url.pathname === '/js/smp-events.js') return route.fulfill({ status: 200, headers: { 'content-type': 'text/javascript' }, body: LISTENER });
      if (url.pathname.startsWith('/smp/')) return distFile(route, url.pathname.slice(5));
      return route.fulfill({ status: 404, body: 'Not Found' });
    }
    if (url.origin === SMP) {
      return distFile(route, url.pathname.slice(1) || 'index.html', {
        'content-security-policy': `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' blob: data:; style-src 'self'; frame-ancestors ${CLINIC}`,
      });
    }
    foreign.push(url.href);
    return route.abort();
  });
  const p = await context.newPage();
  const errors = [];
  const logged = [];
  p.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  p.on('console', (m) => {
    logged.push(`${m.type()}: ${m.text()}`);
    if (m.type() === 'error') errors.push(m.text());
  });
  await p.goto(`${CLINIC}/`);
  return { context, page: p, errors, logged, foreign };
}

let browser;
before(async () => {
  assert.ok(fs.existsSync(path.join(DIST, 'embed.html')), 'dist/ is missing: run scripts/dist.sh');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('README: the element snippet works under the policy the README gives for it', async () => {
  const c = await clinic(browser, page(ELEMENT), ELEMENT_CSP);
  try {
    await c.page.waitForFunction(() => document.querySelector('smp-preview')?.stats?.photos >= 1, null, { timeout: 30_000 });
    assert.equal(await c.page.evaluate(() => document.querySelector('smp-preview').stats.engine), 'worker');
    assert.deepEqual(c.errors, []);
    assert.deepEqual(c.foreign, []);
  } finally {
    await c.context.close();
  }
});

test('README: the iframe snippet and its listener, under a strict CSP with frame-src: the iframe ends at the widget, nothing throws', async () => {
  assert.match(FRAME_CSP, /frame-src https:\/\/smp\.yourclinic\.example/);
  assert.doesNotMatch(FRAME_CSP, /wasm-unsafe-eval/, 'the framing page should not need wasm');
  const c = await clinic(browser, page(IFRAME), FRAME_CSP);
  try {
    // The listener's events, seen from the page (the listener itself only logs them).
    const frameEl = c.page.locator('#smp-frame');
    const frame = c.page.frameLocator('#smp-frame');
    const inner = c.page.frames().find((f) => f.url().startsWith(SMP)) ?? (await (await frameEl.elementHandle()).contentFrame());
    await inner.waitForFunction(() => document.querySelector('smp-preview')?.stats?.photos >= 1, null, { timeout: 30_000 });
    // The iframe's height follows the widget's content: no scroll bar inside, no gap below.
    const fits = async () => {
      const content = await inner.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
      const inside = await inner.evaluate(() => document.documentElement.scrollHeight - innerHeight);
      const box = await frameEl.evaluate((f) => f.clientHeight);
      return { content, box, inside };
    };
    await c.page.waitForFunction(() => document.getElementById('smp-frame').clientHeight !== 980);
    let f = await fits();
    assert.ok(f.content > 1500, `the widget's content is only ${f.content} px?`);
    assert.ok(Math.abs(f.box - f.content) <= 1, `the iframe is ${f.box} px for ${f.content} px of content`);
    assert.ok(f.inside <= 1, `the iframe scrolls inside by ${f.inside} px`);

    // A narrower iframe: taller content, and the iframe follows it.
    await c.page.setViewportSize({ width: 600, height: 900 });
    await c.page.waitForFunction((h) => document.getElementById('smp-frame').clientHeight > h + 50, f.box);
    await c.page.waitForTimeout(300);
    f = await fits();
    assert.ok(Math.abs(f.box - f.content) <= 1 && f.inside <= 1, `after a resize: ${JSON.stringify(f)}`);

    // The events reach the listener (it logs them) and nothing throws.
    await frame.getByRole('slider', { name: 'Density' }).fill('40');
    await c.page.waitForFunction(() => true);
    await c.page.waitForTimeout(800);
    assert.ok(c.logged.some((l) => l.startsWith('log: smp-design-change')), `no smp-design-change logged: ${c.logged.join(' | ')}`);
    assert.deepEqual(c.errors, []);
    assert.deepEqual(c.foreign, []);
  } finally {
    await c.context.close();
  }
});

test("the element under a CSP without 'wasm-unsafe-eval': the console names the directive, the visitor reads a neutral note", async () => {
  const c = await clinic(browser, page(ELEMENT), FRAME_CSP);
  try {
    const message = c.page.locator('smp-preview .message.error');
    await message.waitFor({ state: 'visible', timeout: 30_000 });
    const text = await message.textContent();
    assert.match(text, /can't start on this page/);
    assert.doesNotMatch(text, /browser|CSP|Content-Security-Policy|wasm/i, 'the visitor is told something only the site can fix');
    const owner = c.errors.find((e) => e.startsWith("smp-preview: this page's Content-Security-Policy"));
    assert.ok(owner, `no explanation for the site owner in the console: ${c.errors.join(' | ')}`);
    assert.match(owner, /Add 'wasm-unsafe-eval' to the page's script-src/);
    assert.ok(!c.errors.some((e) => e.startsWith('pageerror')), c.errors.join(' | '));
  } finally {
    await c.context.close();
  }
});

test('dist/README.txt gives the same iframe and listener as README.md', () => {
  const txt = fs.readFileSync(path.join(DIST, 'README.txt'), 'utf8');
  const flat = (s) => s.split('\n').map((l) => l.trim()).filter(Boolean).join('\n');
  assert.ok(flat(txt).includes(flat(IFRAME)), 'dist/README.txt: another iframe snippet');
  assert.ok(flat(txt).includes(flat(LISTENER)), 'dist/README.txt: another listener');
});
