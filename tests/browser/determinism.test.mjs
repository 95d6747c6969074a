// The wasm build samples the same dots, bit for bit, as the native build:
// the pattern digest of a fixed photo equals the golden value pinned by
// tests/sampling.rs (preview_pattern_digest_matches_the_browser_golden).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openApp } from './harness.mjs';

const NATIVE_GOLDEN = '78b32b299b5d81a3';

test('wasm pattern digest equals the native golden', async () => {
  const browser = await launchBrowser();
  const app = await openApp(browser, { path: '/index.html' });
  try {
    const digest = await app.page.evaluate(async () => {
      const mod = await import('/pkg/smp_preview.js');
      await mod.default({ module_or_path: '/pkg/smp_preview_bg.wasm' });
      const engine = new mod.Engine();
      const rgba = new Uint8Array(160 * 120 * 4);
      for (let i = 0; i < rgba.length; i += 4) rgba.set([200, 150, 130, 255], i);
      engine.load_photo(160, 120, rgba);
      return engine.pattern_digest();
    });
    assert.equal(digest, NATIVE_GOLDEN);
  } finally {
    await app.close?.();
    await browser.close();
  }
});
