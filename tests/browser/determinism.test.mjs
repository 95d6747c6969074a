// The shipped wasm draws the same pixels, bit for bit, as the native build:
// the frame of a fixed photo hashes to the golden value pinned by
// tests/sampling.rs (preview_frame_matches_the_browser_golden). The frame
// depends on every sampled dot and on the renderer, so this checks both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openApp } from './harness.mjs';

const NATIVE_GOLDEN = 'ab5cc4cf';

test('wasm frame of a fixed photo equals the native golden', async () => {
  const browser = await launchBrowser();
  const app = await openApp(browser, { path: '/index.html' });
  try {
    const hash = await app.page.evaluate(async () => {
      const mod = await import('/pkg/smp_preview.js');
      const wasm = await mod.default({ module_or_path: '/pkg/smp_preview_bg.wasm' });
      const engine = new mod.Engine();
      const rgba = new Uint8Array(160 * 120 * 4);
      for (let i = 0; i < rgba.length; i += 4) rgba.set([200, 150, 130, 255], i);
      engine.load_photo(160, 120, rgba);
      const ptr = engine.render();
      const frame = new Uint8Array(wasm.memory.buffer, ptr, engine.width() * engine.height() * 4);
      // FNV-1a, 32 bits, as the native test computes it.
      let h = 0x811c9dc5;
      for (const b of frame) h = Math.imul(h ^ b, 0x01000193) >>> 0;
      engine.free();
      return h.toString(16).padStart(8, '0');
    });
    assert.equal(hash, NATIVE_GOLDEN);
  } finally {
    await app.close?.();
    await browser.close();
  }
});
