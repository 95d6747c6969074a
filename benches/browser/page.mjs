// The benchmark page: every measurement runs here, in the browser, and
// benches/browser/run.mjs (Node, through playwright-core) calls these functions one
// run at a time so that ours and the peers alternate.
//
// window.bench = { init, sample, quality, makeField, rerenderSetup,
//                  rerenderFloor, rerenderOurs, rerenderTeardown, memoryProbe }

import { normalizedRadius, uncoveredFraction, uncoveredUnderField, filterPoints, selfCheck } from './metrics.mjs';

// The shipped engine plus the sampler entry points (scripts/build-wasm.sh --bench).
const ENGINE_JS = '/target/bench-pkg/smp_preview.js';
const ENGINE_WASM = '/target/bench-pkg/smp_preview_bg.wasm';
const PEERS_JS = '/target/bench/peers.mjs';
const SAMPLE_PHOTO = '/www/assets/sample-01.jpg';

let mod = null; // the wasm-bindgen module
let wasm = null; // its instance exports (memory)
let peers = null;
const points = new Map(); // label -> flat Float64Array of the last run
const fields = new Map(); // key -> { values, cols, rows, ...cfg }

const now = () => performance.now();
const collect = () => (typeof globalThis.gc === 'function' ? globalThis.gc() : undefined);

/** A small seeded PRNG (mulberry32) for the peers, so runs are reproducible. */
function mulberry32(seed) {
  let a = seed | 0;
  return function () {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Smallest non-zero step of performance.now() seen over a few thousand reads. */
function timerResolution() {
  let best = Infinity;
  let last = now();
  for (let i = 0; i < 200000 && best > 0.001; i++) {
    const t = now();
    if (t !== last) {
      best = Math.min(best, t - last);
      last = t;
    }
  }
  return best;
}

async function init() {
  mod = await import(ENGINE_JS);
  wasm = await mod.default({ module_or_path: ENGINE_WASM });
  peers = await import(PEERS_JS);
  return {
    exports: {
      sample_uniform: typeof mod.sample_uniform === 'function',
      sample_variable: typeof mod.sample_variable === 'function',
      Engine: typeof mod.Engine === 'function',
    },
    peers: peers.VERSIONS,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    timerResolutionMs: timerResolution(),
    gc: typeof globalThis.gc === 'function',
    metricsSelfCheck: selfCheck(),
    userAgent: navigator.userAgent,
    hardwareConcurrency: navigator.hardwareConcurrency,
  };
}

/** Flat Float64Array from an array of [x, y] arrays. */
function flatten(pts) {
  const out = new Float64Array(pts.length * 2);
  for (let i = 0; i < pts.length; i++) {
    out[2 * i] = pts[i][0];
    out[2 * i + 1] = pts[i][1];
  }
  return out;
}

/**
 * The density field of the variable case, as a grid of values in 0..1 (the
 * convention of poisson-disk-sampling's distanceFunction and of the engine's
 * sample_variable): spacing = rMin + v * (rMax - rMin). Density is 1 inside
 * the head ellipse and falls linearly to 0 over `band` px outside it
 * (spacing rMin / sqrt(density), capped at rMax, so the density floor far
 * from the head is (rMin / rMax)²).
 */
function makeField(key, cfg) {
  const { w, h, rMin, rMax, cell, head, band } = cfg;
  const cols = Math.ceil(w / cell);
  const rows = Math.ceil(h / cell);
  const values = new Float32Array(cols * rows);
  let full = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const dx = (c + 0.5) * (w / cols) - head.cx;
      const dy = (r + 0.5) * (h / rows) - head.cy;
      const q = Math.sqrt((dx / head.a) ** 2 + (dy / head.b) ** 2);
      // Distance outside the ellipse along the ray from its centre.
      const out = q <= 1 ? 0 : ((q - 1) * Math.hypot(dx, dy)) / q;
      const density = Math.max(0, 1 - out / band);
      const s = density > 0 ? Math.min(rMax, rMin / Math.sqrt(density)) : rMax;
      values[r * cols + c] = (s - rMin) / (rMax - rMin);
      if (density === 1) full++;
    }
  }
  fields.set(key, { ...cfg, values, cols, rows });
  return { cols, rows, fullDensityShare: full / (cols * rows) };
}

/** The same nearest-cell lookup as the engine's GridSpacing::at. */
function fieldLookup(f) {
  const { values, cols, rows, w, h } = f;
  return (p) => {
    let c = (p[0] / w) * cols;
    let r = (p[1] / h) * rows;
    c = c >= cols - 1 ? cols - 1 : c | 0;
    r = r >= rows - 1 ? rows - 1 : r | 0;
    const v = values[r * cols + c];
    return v < 0 ? 0 : v > 1 ? 1 : v;
  };
}

/**
 * One timed run of a sampler; keeps its points under `label`.
 * spec.kind: 'ours-uniform' | 'fast2d' | 'ours-variable' | 'pds-variable'
 * Returns { ms, points } or { na } when our engine lacks the export.
 */
function sample(label, spec) {
  const { kind, w, h, r, seed } = spec;
  let run;
  if (kind === 'ours-uniform') {
    if (typeof mod.sample_uniform !== 'function') return { na: 'n/a: engine export missing (sample_uniform)' };
    run = () => mod.sample_uniform(w, h, r, seed);
  } else if (kind === 'fast2d') {
    const F = peers.FastPoissonDiskSampling;
    run = () => {
      const opts = { shape: [w, h], radius: r };
      if (spec.tries != null) opts.tries = spec.tries;
      return new F(opts, mulberry32(seed)).fill();
    };
  } else if (kind === 'ours-variable') {
    if (typeof mod.sample_variable !== 'function') return { na: 'n/a: engine export missing (sample_variable)' };
    const f = fields.get(spec.field);
    run = () => mod.sample_variable(w, h, f.rMin, f.rMax, f.values, f.cols, f.rows, seed, !!spec.nested);
  } else if (kind === 'pds-variable') {
    const f = fields.get(spec.field);
    const P = peers.PoissonDiskSampling;
    const distanceFunction = fieldLookup(f);
    run = () => {
      const opts = { shape: [w, h], minDistance: f.rMin, maxDistance: f.rMax, distanceFunction };
      if (spec.tries != null) opts.tries = spec.tries;
      return new P(opts, mulberry32(seed)).fill();
    };
  } else {
    throw new Error(`unknown sampler kind ${kind}`);
  }
  collect();
  const t0 = now();
  const out = run();
  const ms = now() - t0;
  const xy = out instanceof Float64Array ? out : flatten(out);
  points.set(label, xy);
  return { ms, points: xy.length >> 1 };
}

/**
 * Quality of the points kept under `label`.
 * Uniform: rho over the domain and the uncovered fraction at spacing r.
 * Variable (spec.field): the same figures inside the full-density ellipse.
 */
function quality(label, spec) {
  const xy = points.get(label);
  if (!xy) throw new Error(`no points for ${label}`);
  const t0 = now();
  let q;
  if (spec.field) {
    const f = fields.get(spec.field);
    const { cx, cy, a, b } = f.head;
    const inside = (x, y) => ((x - cx) / a) ** 2 + ((y - cy) / b) ** 2 <= 1;
    const xyIn = filterPoints(xy, inside);
    const area = Math.PI * a * b;
    const unc = uncoveredFraction(xy, [cx - a, cy - b, cx + a, cy + b], f.rMin, 1, [0, 0, f.w, f.h], inside);
    // Over the whole domain, each probe against its own spacing: room left anywhere the field allows a point.
    const lookup = fieldLookup(f);
    const probe = [0, 0];
    const spacingAt = (x, y) => {
      probe[0] = x;
      probe[1] = y;
      return f.rMin + lookup(probe) * (f.rMax - f.rMin);
    };
    const uncField = uncoveredUnderField(xy, [0, 0, f.w, f.h], spacingAt, f.rMin, f.rMax, 1);
    q = {
      points: xy.length >> 1,
      pointsInHead: xyIn.length >> 1,
      rho: normalizedRadius(xyIn, area),
      uncovered: unc.fraction,
      probes: unc.probes,
      uncoveredField: uncField.fraction,
    };
  } else {
    const { w, h, r } = spec;
    const unc = uncoveredFraction(xy, [0, 0, w, h], r, 1);
    q = { points: xy.length >> 1, rho: normalizedRadius(xy, w * h), uncovered: unc.fraction, probes: unc.probes };
  }
  q.metricsMs = now() - t0;
  return q;
}

// ---------------------------------------------------------------------------
// Re-render after a slider change.

let rr = null; // { engine, w, h, canvas, ctx, input, photo, values, i }

/** RGBA of a synthetic portrait: grey background, skin-coloured head and neck (as benches/sampler.rs). */
function syntheticPortrait(w, h) {
  const px = new Uint8Array(w * h * 4);
  const cx = w / 2;
  const cy = h * 0.45;
  const r = h * 0.3;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const dx = x - cx;
      const dy = y - cy;
      const skin = dx * dx + dy * dy < r * r || (Math.abs(dx) < 0.8 * r && y > cy);
      const i = (y * w + x) * 4;
      if (skin) {
        px[i] = 214;
        px[i + 1] = 160;
        px[i + 2] = 135;
      } else {
        px[i] = 190;
        px[i + 1] = 192;
        px[i + 2] = 190;
      }
      px[i + 3] = 255;
    }
  }
  return px;
}

/** RGBA of the sample photo cropped to 4:3 and scaled to w x h (as tests/browser/perf.test.mjs). */
async function samplePhoto(w, h) {
  const blob = await (await fetch(SAMPLE_PHOTO)).blob();
  const bmp = await createImageBitmap(blob);
  const c = new OffscreenCanvas(w, h);
  const ctx = c.getContext('2d');
  const cropH = Math.round((bmp.width * 3) / 4);
  ctx.drawImage(bmp, 0, Math.round((bmp.height - cropH) / 2), bmp.width, cropH, 0, 0, w, h);
  return new Uint8Array(ctx.getImageData(0, 0, w, h).data.buffer);
}

function frameView(ptr) {
  // A fresh view each time: wasm memory may have grown (detaching old views).
  return new Uint8ClampedArray(wasm.memory.buffer, ptr, rr.w * rr.h * 4);
}

async function rerenderSetup({ photo, w, h, values }) {
  if (!mod.Engine) return { na: 'n/a: engine export missing (Engine)' };
  rerenderTeardown();
  const rgba = photo === 'synthetic' ? syntheticPortrait(w, h) : await samplePhoto(w, h);
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  canvas.style.width = '640px';
  document.getElementById('stage').append(canvas);
  const ctx = canvas.getContext('2d');
  const input = document.getElementById('density');
  const engine = new mod.Engine();
  rr = { engine, w, h, canvas, ctx, input, values, i: 0, ptr: 0, last: null };
  const t0 = now();
  engine.load_photo(w, h, rgba);
  const t1 = now();
  rr.ptr = engine.render(); // samples the pattern once
  const t2 = now();
  ctx.putImageData(new ImageData(frameView(rr.ptr), w, h), 0, 0);
  // The frame must actually be stippled: count pixels that differ from the photo.
  const frame = frameView(rr.ptr);
  let changed = 0;
  for (let i = 0; i < frame.length; i += 4) {
    if (frame[i] !== rgba[i] || frame[i + 1] !== rgba[i + 1] || frame[i + 2] !== rgba[i + 2]) changed++;
  }
  // The slider: one input event = one engine change + render + putImageData.
  input.oninput = () => {
    const e0 = now();
    setDesign(engine, { density: Number(input.value) });
    const ptr = engine.render();
    const e1 = now();
    rr.ctx.putImageData(new ImageData(frameView(ptr), rr.w, rr.h), 0, 0);
    rr.ptr = ptr;
    rr.last = { engineMs: e1 - e0, putMs: now() - e1 };
  };
  return {
    loadPhotoMs: t1 - t0,
    firstRenderMs: t2 - t1,
    changedFraction: changed / (w * h),
    design: Object.fromEntries(Array.from(engine.design(), (v, i) => [designFields()[i], v])),
    wasmMemoryBytes: wasm.memory.buffer.byteLength,
  };
}

/** The names of the design's values, in the order the engine gives and takes them (src/web.rs). */
function designFields() {
  return mod.design_fields().split(',').map((f) => f.split(':')[0]);
}

/** Sets some of `engine`'s design values by name: the design crosses whole, so read it, change it, hand it back. */
function setDesign(engine, changes) {
  const fields = designFields();
  const design = engine.design();
  for (const [name, v] of Object.entries(changes)) design[fields.indexOf(name)] = v;
  engine.set_design(design);
}

/** The floor: a zero-copy putImageData of the current frame. */
function rerenderFloor() {
  const t0 = now();
  rr.ctx.putImageData(new ImageData(frameView(rr.ptr), rr.w, rr.h), 0, 0);
  return { ms: now() - t0 };
}

/** One slider change: from dispatching the input event to the frame on the canvas. */
function rerenderOurs() {
  let v;
  do v = rr.values[rr.i++ % rr.values.length];
  while (String(v) === rr.input.value);
  rr.input.value = String(v);
  const ev = new Event('input', { bubbles: true });
  const t0 = now();
  rr.input.dispatchEvent(ev);
  const ms = now() - t0;
  return { ms, value: v, ...rr.last };
}

function rerenderTeardown() {
  if (!rr) return;
  rr.input.oninput = null;
  rr.canvas.remove();
  rr.engine.free();
  rr = null;
}

// ---------------------------------------------------------------------------
// Peak wasm memory for one photo (call in a fresh page: memory only grows).

function memoryProbe({ w, h }) {
  const mem = () => wasm.memory.buffer.byteLength;
  const stages = { instantiated: mem() };
  const rgba = syntheticPortrait(w, h);
  const engine = new mod.Engine();
  engine.load_photo(w, h, rgba);
  stages.loadPhoto = mem();
  engine.render();
  stages.firstRender = mem();
  setDesign(engine, { density: 90 });
  engine.render();
  setDesign(engine, { shade: 0.5, dot_mm: 0.4 });
  engine.render();
  stages.sliderRenders = mem();
  engine.free();
  return { photoBytes: w * h * 4, stages, peakBytes: mem() };
}

window.bench = {
  init,
  sample,
  quality,
  makeField,
  rerenderSetup,
  rerenderFloor,
  rerenderOurs,
  rerenderTeardown,
  memoryProbe,
};
window.benchReady = true;
