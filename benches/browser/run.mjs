#!/usr/bin/env node
// The in-browser benchmark (issue 6). Run it through ./bench, which installs
// what is missing and builds the release wasm first:
//
//   ./bench            full run (about a minute), writes target/bench-browser.json
//   ./bench --quick    tiny cases, one round: checks that it still runs
//                      (timings are never checked); writes target/bench-browser-quick.json
//
// Options: --out FILE (JSON path), --rounds N (timed rounds, default 7),
//          --only uniform,variable,rerender,first,size,phone,models
//
// Everything is measured in Debian's headless Chromium (playwright-core,
// tests/browser/harness.mjs) on pages served from this repository by
// scripts/serve.mjs: benches/browser/index.html for the samplers, the re-render and
// the memory probe; for the first preview and the size, dist/index.html (what a
// clinic uploads: scripts/dist.sh bundles and minifies the widget) and, for
// comparison, www/index.html (the source modules). Every comparison
// is a ratio taken in the same page, ours and the peer alternating (the
// order rotates each round), after one untimed warm-up round; figures are
// medians over the rounds, and a ratio is the median of the per-round ratios.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../scripts/serve.mjs';
import { launchBrowser, CHROMIUM_ARGS, chromiumPath, photoPath } from '../../tests/browser/harness.mjs';
import { bundlePeers } from './bundle-peers.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SEED = 0x5eed2024;
/** tries ladder for fast-2d-poisson-disk-sampling's matched-quality setting (its default is 30). */
const FAST2D_LADDER = [3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 60, 90, 120];

// ---------------------------------------------------------------------------
// Arguments and configuration.

function parseArgs(argv) {
  const opts = { quick: false, out: null, rounds: null, only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--quick') opts.quick = true;
    else if (a === '--out') opts.out = value();
    else if (a === '--rounds') opts.rounds = Number(value());
    else if (a === '--only') opts.only = value().split(',');
    else if (a === '-h' || a === '--help') {
      console.log('usage: ./bench [--quick] [--out FILE] [--rounds N] [--only uniform,variable,rerender,first,size,phone,models]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (opts.rounds !== null && !(Number.isInteger(opts.rounds) && opts.rounds >= 1)) throw new Error('--rounds needs a whole number >= 1');
  return opts;
}

function config(quick, rounds) {
  if (quick) {
    const pxPerCm = 9.6; // the full case's head, shrunk to a 400x300 domain
    return {
      rounds: rounds ?? 1,
      uniform: { w: 400, h: 300, r: 11, ladder: [10, 30] },
      variable: variableConfig(400, 300, pxPerCm, 11, 8),
      rerender: {
        reps: 2,
        sizes: [
          { key: 'preview', photo: 'sample', w: 320, h: 240 },
          { key: 'large', photo: 'synthetic', w: 640, h: 480 },
        ],
      },
      first: { cold: 1, warm: 1 },
      phone: { rounds: 1 },
      models: { rounds: 1, rates: [1], network: false },
      memory: { w: 640, h: 480 },
    };
  }
  return {
    rounds: rounds ?? 7,
    uniform: { w: 4000, h: 3000, r: 11, ladder: FAST2D_LADDER },
    // 96 px/cm: the 1350-px studio portrait's 32 px/cm at 12 MP.
    variable: variableConfig(4000, 3000, 96, 11, 8),
    rerender: {
      reps: 5,
      sizes: [
        { key: 'preview', photo: 'sample', w: 1280, h: 960 },
        { key: 'large', photo: 'synthetic', w: 4000, h: 3000 },
      ],
    },
    first: { cold: 7, warm: 5 },
    phone: { rounds: 3 },
    models: { rounds: 3, rates: [1, 4], network: true },
    memory: { w: 4000, h: 3000 },
  };
}

/**
 * The variable-density field: full density (spacing rMin) on a head-shaped
 * ellipse 16 cm wide and 20 cm tall, falling linearly to zero over a 1 cm
 * band; spacing = rMin / sqrt(density) capped at rMax = ratio * rMin, which
 * both samplers need finite (density floor (1 / ratio)² far from the head).
 */
function variableConfig(w, h, pxPerCm, rMin, ratio) {
  return {
    w,
    h,
    pxPerCm,
    rMin,
    rMax: rMin * ratio,
    cell: Math.max(1, Math.round(w / 1000)),
    band: pxPerCm,
    head: { cx: w / 2, cy: h / 2, a: 8 * pxPerCm, b: 10 * pxPerCm },
  };
}

// ---------------------------------------------------------------------------
// Small statistics and formatting helpers.

function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

const rotate = (arr, k) => arr.map((_, i) => arr[(i + k) % arr.length]);
const log = (...a) => console.error('==>', ...a);

function fmt(x, digits = 2) {
  if (x === null || x === undefined) return '-';
  if (typeof x === 'string') return x;
  if (!Number.isFinite(x)) return '-';
  return x.toFixed(digits);
}

const pct = (x, digits = 3) => (Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : '-');
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`;

/** A text table; columns after the first are right-aligned unless `left` is true. */
function table(headers, rows, left = false) {
  const cells = [headers, ...rows].map((r) => r.map((c) => String(c)));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r) => r.map((c, i) => (i === 0 || left ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].map((l) => '  ' + l).join('\n');
}

// ---------------------------------------------------------------------------
// Browser plumbing.

/**
 * A context whose responses carry COOP/COEP, so the page is cross-origin
 * isolated and performance.now() has fine resolution (5 µs instead of 100 µs).
 */
async function isolatedContext(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.route('**/*', async (route) => {
    const response = await route.fetch();
    await route.fulfill({
      response,
      headers: { ...response.headers(), 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' },
    });
  });
  return context;
}

async function openBenchPage(browser, url) {
  const context = await isolatedContext(browser);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e.stack || e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${url}/benches/browser/index.html`);
  await page.waitForFunction(() => window.benchReady === true, null, { timeout: 30_000 }).catch((e) => {
    throw new Error(`bench page did not start: ${errors.join('; ') || e.message}`);
  });
  const info = await page.evaluate(() => window.bench.init());
  return { context, page, info, errors };
}

const call = (page, fn, ...args) => page.evaluate(([fn, args]) => window.bench[fn](...args), [fn, args]);

// ---------------------------------------------------------------------------
// Case 1: uniform sampler.

async function caseUniform(page, cfg, rounds) {
  const { w, h, r, ladder } = cfg.uniform;
  const base = { w, h, r, seed: SEED };
  const ours = { label: 'ours', name: 'ours (wasm sample_uniform)', setting: '32-step ring (Roberts)', spec: { ...base, kind: 'ours-uniform' } };
  const peerDefault = { label: 'fast2d-default', name: 'fast-2d-poisson-disk-sampling', setting: 'tries=30 (default)', spec: { ...base, kind: 'fast2d' } };

  // Warm-up round (untimed) and the quality of each default.
  log('uniform: warm-up and quality');
  const oursWarm = await call(page, 'sample', ours.label, ours.spec);
  if (oursWarm.na) return { na: oursWarm.na, domain: [w, h], spacing: r, seed: SEED, rounds, ...(await peerOnly(page, peerDefault, rounds, base)) };
  const qOurs = await call(page, 'quality', ours.label, base);
  await call(page, 'sample', peerDefault.label, peerDefault.spec);
  const qPeerDefault = await call(page, 'quality', peerDefault.label, base);

  // Matched quality: the smallest tries whose rho and uncovered fraction are
  // at least as good as ours (or the best on the ladder if none is).
  log('uniform: calibrating fast-2d tries to our quality');
  const calibration = [];
  let match = null;
  for (const tries of ladder) {
    const label = `fast2d-${tries}`;
    await call(page, 'sample', label, { ...base, kind: 'fast2d', tries });
    const q = await call(page, 'quality', label, base);
    calibration.push({ tries, rho: q.rho, uncovered: q.uncovered, points: q.points });
    if (q.rho >= qOurs.rho && q.uncovered <= qOurs.uncovered) {
      match = { tries, matched: true };
      break;
    }
  }
  if (!match) {
    const best = calibration.reduce((a, b) => (b.rho - b.uncovered * 100 > a.rho - a.uncovered * 100 ? b : a));
    match = { tries: best.tries, matched: false };
  }
  const peerMatched = {
    label: 'fast2d-matched',
    name: 'fast-2d-poisson-disk-sampling',
    setting: `tries=${match.tries} (${match.matched ? 'matched' : 'closest, not matched'})`,
    spec: { ...base, kind: 'fast2d', tries: match.tries },
  };
  await call(page, 'sample', peerMatched.label, peerMatched.spec); // warm-up
  const qPeerMatched = await call(page, 'quality', peerMatched.label, base);

  const samplers = [ours, peerDefault, peerMatched];
  const times = Object.fromEntries(samplers.map((s) => [s.label, []]));
  const counts = {};
  for (let k = 0; k < rounds; k++) {
    for (const s of rotate(samplers, k)) {
      const res = await call(page, 'sample', s.label, s.spec);
      times[s.label].push(res.ms);
      counts[s.label] = res.points;
    }
    log(`uniform: round ${k + 1}/${rounds}: ` + samplers.map((s) => `${s.label} ${fmt(times[s.label][k], 1)} ms`).join(', '));
  }
  const quality = { ours: qOurs, 'fast2d-default': qPeerDefault, 'fast2d-matched': qPeerMatched };
  const rows = samplers.map((s) => {
    const ms = median(times[s.label]);
    const ppm = counts[s.label] / ms;
    const perRound = times[s.label].map((t, k) => (counts.ours / times.ours[k]) / (counts[s.label] / t));
    return {
      label: s.label,
      name: s.name,
      setting: s.setting,
      points: counts[s.label],
      median_ms: ms,
      points_per_ms: ppm,
      ours_over_peer: s === ours ? null : median(perRound),
      rho: quality[s.label].rho,
      uncovered: quality[s.label].uncovered,
      times_ms: times[s.label],
    };
  });
  return { domain: [w, h], spacing: r, seed: SEED, rounds, matched_tries: match.tries, matched: match.matched, calibration, rows };
}

/** The peer alone, when our export is missing (so the row still shows what we compare against). */
async function peerOnly(page, peer, rounds, base) {
  await call(page, 'sample', peer.label, peer.spec);
  const times = [];
  let n = 0;
  for (let k = 0; k < rounds; k++) {
    const res = await call(page, 'sample', peer.label, peer.spec);
    times.push(res.ms);
    n = res.points;
  }
  const q = await call(page, 'quality', peer.label, base);
  const ms = median(times);
  return {
    rows: [
      { label: peer.label, name: peer.name, setting: peer.setting, points: n, median_ms: ms, points_per_ms: n / ms, ours_over_peer: null, rho: q.rho, uncovered: q.uncovered, times_ms: times },
    ],
  };
}

// ---------------------------------------------------------------------------
// Case 2: variable-density sampler.

async function caseVariable(page, cfg, rounds) {
  const v = cfg.variable;
  const fieldInfo = await call(page, 'makeField', 'head', v);
  const base = { w: v.w, h: v.h, seed: SEED, field: 'head' };
  const ours = { label: 'var-ours', name: 'ours (wasm sample_variable)', setting: 'single pass', spec: { ...base, kind: 'ours-variable', nested: false } };
  const nested = { label: 'var-ours-nested', name: 'ours (wasm sample_variable)', setting: 'nested + ranks (product)', spec: { ...base, kind: 'ours-variable', nested: true } };
  const peer = { label: 'var-pds', name: 'poisson-disk-sampling', setting: 'distanceFunction, tries=30 (default)', spec: { ...base, kind: 'pds-variable' } };
  log('variable: warm-up');
  const warm = await call(page, 'sample', ours.label, ours.spec);
  const samplers = warm.na ? [peer] : [ours, peer, nested];
  if (!warm.na) await call(page, 'sample', nested.label, nested.spec);
  await call(page, 'sample', peer.label, peer.spec);
  const times = Object.fromEntries(samplers.map((s) => [s.label, []]));
  const counts = {};
  for (let k = 0; k < rounds; k++) {
    for (const s of rotate(samplers, k)) {
      const res = await call(page, 'sample', s.label, s.spec);
      times[s.label].push(res.ms);
      counts[s.label] = res.points;
    }
    log(`variable: round ${k + 1}/${rounds}: ` + samplers.map((s) => `${s.label} ${fmt(times[s.label][k], 1)} ms`).join(', '));
  }
  const rows = [];
  for (const s of samplers) {
    const q = await call(page, 'quality', s.label, base);
    const ms = median(times[s.label]);
    const perRound = times[s.label].map((t, k) => (counts[ours.label] / times[ours.label]?.[k]) / (counts[s.label] / t));
    rows.push({
      label: s.label,
      name: s.name,
      setting: s.setting,
      points: counts[s.label],
      points_in_head: q.pointsInHead,
      median_ms: ms,
      points_per_ms: counts[s.label] / ms,
      ms_per_1000_points: (1000 * ms) / counts[s.label],
      ours_over_peer: s === peer && !warm.na ? median(perRound) : null,
      rho_in_head: q.rho,
      uncovered_in_head: q.uncovered,
      uncovered_under_field: q.uncoveredField,
      times_ms: times[s.label],
    });
  }
  const { cell: _, ...field } = v;
  return { na: warm.na, seed: SEED, field: { ...field, field_grid: [fieldInfo.cols, fieldInfo.rows], field_cell_px: v.cell, full_density_share: fieldInfo.fullDensityShare }, rounds, rows };
}

// ---------------------------------------------------------------------------
// Case 3: re-render after a slider change.

async function caseRerender(page, cfg, rounds) {
  const values = [40, 50, 60, 70, 80, 90, 100];
  const out = [];
  for (const size of cfg.rerender.sizes) {
    log(`re-render: ${size.w}x${size.h} (${size.photo})`);
    const setup = await call(page, 'rerenderSetup', { ...size, values });
    if (setup.na) {
      out.push({ ...size, na: setup.na });
      continue;
    }
    // Warm-up: a few of each.
    for (let i = 0; i < 3; i++) {
      await call(page, 'rerenderOurs');
      await call(page, 'rerenderFloor');
    }
    const reps = cfg.rerender.reps;
    const rs = { ours: [], floor: [], engine: [], put: [], ratio: [] };
    for (let k = 0; k < rounds; k++) {
      const ours = [];
      const floor = [];
      for (let j = 0; j < reps; j++) {
        // Alternate one by one, the order rotating with the round.
        const first = (k + j) % 2 === 0 ? 'ours' : 'floor';
        for (const which of first === 'ours' ? ['ours', 'floor'] : ['floor', 'ours']) {
          if (which === 'ours') {
            const r = await call(page, 'rerenderOurs');
            ours.push(r.ms);
            rs.engine.push(r.engineMs);
            rs.put.push(r.putMs);
          } else {
            floor.push((await call(page, 'rerenderFloor')).ms);
          }
        }
      }
      rs.ours.push(...ours);
      rs.floor.push(...floor);
      rs.ratio.push(median(ours) / median(floor));
    }
    await call(page, 'rerenderTeardown');
    out.push({
      key: size.key,
      photo: size.photo === 'sample' ? 'sample photo (4:3 crop)' : 'synthetic portrait',
      width: size.w,
      height: size.h,
      slider: 'density (40-100, changing every event)',
      load_photo_ms: setup.loadPhotoMs,
      first_render_ms: setup.firstRenderMs,
      stippled_pixel_share: setup.changedFraction,
      ours_ms: median(rs.ours),
      engine_ms: median(rs.engine),
      put_in_handler_ms: median(rs.put),
      floor_ms: median(rs.floor),
      ours_over_floor: median(rs.ratio),
      samples: rs.ours.length,
      ours_times_ms: rs.ours,
      floor_times_ms: rs.floor,
    });
    log(`re-render ${size.w}x${size.h}: ours ${fmt(median(rs.ours))} ms, floor ${fmt(median(rs.floor))} ms`);
  }
  return { rounds, reps_per_round: cfg.rerender.reps, sizes: out };
}

// ---------------------------------------------------------------------------
// Case 4: first preview of the app page.

const FIRST_PREVIEW_PROBE = () => {
  window.__fp = null;
  document.addEventListener(
    'smp-render',
    (e) => {
      if (window.__fp) return;
      const fp = (window.__fp = { event: performance.now(), engineMs: e.detail.ms, raf: null });
      requestAnimationFrame(() => (fp.raf = performance.now()));
    },
    true,
  );
};

async function firstPreviewOnce(page, url, site, reload) {
  if (reload) await page.reload({ waitUntil: 'commit' });
  else await page.goto(`${url}/${site}/index.html`, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__fp && window.__fp.raf !== null, null, { timeout: 60_000 });
  return page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0];
    const res = performance.getEntriesByType('resource');
    const find = (s) => res.find((r) => r.name.includes(s));
    const mark = (name) => performance.getEntriesByName(name)[0]?.startTime;
    const wasmRes = find('smp_preview_bg.wasm');
    const photoRes = find('sample-01.jpg');
    return {
      first_render_event_ms: window.__fp.event,
      next_frame_ms: window.__fp.raf,
      engine_ms: window.__fp.engineMs,
      response_end_ms: n?.responseEnd,
      dom_content_loaded_ms: n?.domContentLoadedEventEnd,
      load_event_ms: n?.loadEventEnd,
      wasm_loaded_ms: wasmRes?.responseEnd,
      photo_loaded_ms: photoRes?.responseEnd,
      engine_ready_ms: mark('smp-engine-ready'),
      photo_decoded_ms: mark('smp-photo-decoded'),
      photo_in_engine_ms: mark('smp-photo-loaded'),
    };
  });
}

/** First preview of `site`/index.html ('dist': the shipped bundle, 'www': the source modules). */
async function caseFirstPreview(browser, url, cfg, site) {
  const cold = [];
  const warm = [];
  let requests = [];
  for (let i = 0; i < cfg.first.cold; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      const reqs = [];
      const errors = [];
      page.on('request', (r) => reqs.push(r.url()));
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.addInitScript(FIRST_PREVIEW_PROBE);
      try {
        cold.push(await firstPreviewOnce(page, url, site, false));
      } catch (e) {
        throw new Error(`${e.message}${errors.length ? ` (page errors: ${errors.join('; ')})` : ''}`);
      }
      if (i === 0) requests = reqs.slice();
      if (i < cfg.first.warm) warm.push(await firstPreviewOnce(page, url, site, true));
    } finally {
      await context.close();
    }
    log(`first preview (${site}): run ${i + 1}/${cfg.first.cold}: ${fmt(cold[i].first_render_event_ms, 0)} ms`);
  }
  const summarize = (runs) =>
    Object.fromEntries(Object.keys(runs[0] ?? {}).map((k) => [k, median(runs.map((r) => r[k]))]));
  return { page: `/${site}/index.html (served from localhost)`, cold: summarize(cold), warm: summarize(warm), cold_runs: cold, warm_runs: warm, requests };
}

// ---------------------------------------------------------------------------
// Case 6 (issue 20): a phone's CPU. At 4x CPU throttling (CDP
// Emulation.setCPUThrottlingRate) and a 390x844 touch screen: the sample's
// first preview from navigation, then the longest main-thread task (and
// the total blocking time: the sum of each long task's time past 50 ms)
// from choosing a top-view photo (07) until its pattern is finished, with
// the time to its preview. Ours (dist/, the engine in a Web Worker) beside
// the widget as it was before (BASELINE_REF's www/, bundled the same way,
// on the same wasm: the engine's work on the page), alternating.

/** The last commit whose widget ran its engine on the page (before issue 20's worker). */
const BASELINE_REF = 'c01782a';
const THROTTLE = 4;

/** Builds the baseline's page in target/bench-baseline/www/ (its modules bundled, our wasm); null when git can't. */
function buildBaseline() {
  // The baseline's widget runs on our wasm, so it needs the exports it calls; since the design crosses whole
  // (issue 18: set_design instead of set/set_text/design_json) it has none of them, and the comparison ends.
  const glue = fs.readFileSync(path.join(REPO_ROOT, 'www/pkg/smp_preview.js'), 'utf8');
  if (!glue.includes('design_json')) {
    log("phone: no baseline (its widget calls engine exports this wasm no longer has: set, design_json; issue 20's figures are in benches/README.md)");
    return null;
  }
  const dir = path.join(REPO_ROOT, 'target/bench-baseline');
  try {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    execFileSync('sh', ['-c', `git -C "${REPO_ROOT}" archive ${BASELINE_REF} www | tar -x -C "${dir}"`], { stdio: ['ignore', 'ignore', 'pipe'] });
    fs.renameSync(path.join(dir, 'www'), path.join(dir, 'src'));
    fs.cpSync(path.join(dir, 'src'), path.join(dir, 'www'), { recursive: true });
    fs.cpSync(path.join(REPO_ROOT, 'www/pkg'), path.join(dir, 'src/pkg'), { recursive: true });
    fs.cpSync(path.join(REPO_ROOT, 'www/pkg'), path.join(dir, 'www/pkg'), { recursive: true });
    execFileSync(path.join(REPO_ROOT, 'node_modules/.bin/esbuild'), [
      path.join(dir, 'src/smp-preview.js'), '--bundle', '--minify', '--format=esm', '--target=es2022', '--legal-comments=none', '--log-level=warning',
      `--outfile=${path.join(dir, 'www/smp-preview.js')}`,
    ]);
    const index = path.join(dir, 'www/index.html');
    fs.writeFileSync(index, fs.readFileSync(index, 'utf8').replace(/.*rel="modulepreload".*\n/, ''));
    return 'target/bench-baseline/www';
  } catch (e) {
    log(`phone: no baseline (${String(e.message).split('\n')[0]})`);
    return null;
  }
}

const LONG_TASKS_PROBE = () => {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, ms: e.duration });
  }).observe({ type: 'longtask', buffered: true });
};

async function phoneOnce(browser, url, site, photo) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE });
    await page.addInitScript(FIRST_PREVIEW_PROBE);
    await page.addInitScript(LONG_TASKS_PROBE);
    await page.goto(`${url}/${site}/index.html`, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__fp && window.__fp.raf !== null, null, { timeout: 120_000 });
    const first = await page.evaluate(() => window.__fp.event);
    await page.waitForFunction(() => document.querySelector('smp-preview')?.stats?.photos >= 1, null, { timeout: 120_000 });
    await page.waitForTimeout(3000); // the sample's pattern finished, the page quiet
    const t0 = await page.evaluate(() => {
      window.__photoShown = null;
      document.addEventListener('smp-photo', () => (window.__photoShown = performance.now()), { once: true });
      return performance.now();
    });
    await page.locator('#file').setInputFiles(photo);
    await page.waitForFunction(() => window.__photoShown !== null, null, { timeout: 120_000 });
    await page.waitForTimeout(5000); // the rest of the pattern, sampled after the first frame
    const r = await page.evaluate((t0) => {
      const tasks = window.__longTasks.filter((t) => t.start + t.ms > t0);
      return {
        longest_task_ms: tasks.reduce((m, t) => Math.max(m, t.ms), 0),
        blocking_ms: tasks.reduce((s, t) => s + Math.max(0, t.ms - 50), 0),
        long_tasks: tasks.length,
        photo_preview_ms: window.__photoShown - t0,
        engine: document.querySelector('smp-preview').stats.engine || 'page',
      };
    }, t0);
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    return { first_preview_ms: first, ...r };
  } finally {
    await context.close();
  }
}

async function casePhone(browser, url, cfg) {
  const baseline = buildBaseline();
  const sites = [['ours', 'dist'], ...(baseline ? [['before', baseline]] : [])];
  const photo = photoPath('07');
  const runs = Object.fromEntries(sites.map(([k]) => [k, []]));
  for (let i = 0; i < cfg.phone.rounds; i++) {
    for (const [key, site] of rotate(sites, i)) {
      const r = await phoneOnce(browser, url, site, photo);
      runs[key].push(r);
      log(`phone (${THROTTLE}x CPU): ${key} run ${i + 1}/${cfg.phone.rounds}: first preview ${fmt(r.first_preview_ms, 0)} ms, longest task after the photo ${fmt(r.longest_task_ms, 0)} ms`);
    }
  }
  const summary = (list) => ({
    first_preview_ms: median(list.map((r) => r.first_preview_ms)),
    longest_task_ms: median(list.map((r) => r.longest_task_ms)),
    blocking_ms: median(list.map((r) => r.blocking_ms)),
    photo_preview_ms: median(list.map((r) => r.photo_preview_ms)),
    engine: list[0]?.engine,
  });
  return {
    throttle: THROTTLE,
    viewport: '390x844, touch',
    photo: path.basename(photo),
    baseline_ref: baseline ? BASELINE_REF : null,
    ours: summary(runs.ours),
    before: baseline ? summary(runs.before) : null,
    runs,
  };
}

// ---------------------------------------------------------------------------
// Case 7 (issue 17, item 8): a person's own photo with the on-device models
// (www/models.js: person segmentation and face detection, fetched from
// localhost when the photo picker opens). In dist/ at 1x and 4x CPU
// throttling: the sample shown, the picker opened (a click on "Choose a
// photo…"), CHOOSE_MS later a phone photo chosen; the time from choosing to
// its first stippled preview (smp-photo), and from the picker opening.
// Beside it today's path: the same with every model request blocked (the
// classical detection; the widget then says it is less sure). And, as a
// figure only, the models at 4x CPU with the network throttled to 9 Mbit/s
// (CDP Network.emulateNetworkConditions), from the picker opening. A fresh
// browser context (empty HTTP cache) each run: the download is included.

/** How long a person takes to choose a photo once the picker is open (ms). */
const CHOOSE_MS = 3000;
const MODELS_PHOTO = 'phone/front_n3_51_9984411d.jpg';

async function modelsOnce(browser, url, { rate, blocked, mbit = 0, choose = CHOOSE_MS }) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    let modelBytes = 0;
    page.on('requestfinished', async (r) => {
      if (!/\/models(-worker\.js|\/)/.test(r.url())) return;
      const sizes = await r.sizes().catch(() => null);
      modelBytes += sizes ? sizes.responseBodySize : 0;
    });
    if (blocked) await page.route(/\/models(-worker\.js|\/)/, (route) => route.abort());
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate });
    if (mbit) {
      await cdp.send('Network.enable');
      const bytesPerS = (mbit * 1e6) / 8;
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 40, downloadThroughput: bytesPerS, uploadThroughput: bytesPerS });
    }
    await page.addInitScript(LONG_TASKS_PROBE);
    await page.goto(`${url}/dist/index.html`, { waitUntil: 'commit' });
    await page.waitForFunction(() => document.querySelector('smp-preview')?.stats?.photos >= 1, null, { timeout: 120_000 });
    await page.waitForTimeout(2000); // the sample's pattern finished, the page quiet
    const chooser = page.waitForEvent('filechooser');
    const opened = await page.evaluate(() => {
      window.__photoShown = null;
      document.addEventListener('smp-photo', () => (window.__photoShown = performance.now()), { once: true });
      return performance.now();
    });
    await page.getByText('Choose a photo…', { exact: true }).click();
    const picker = await chooser;
    await page.waitForTimeout(choose);
    const chosen = await page.evaluate(() => performance.now());
    await picker.setFiles(path.join(REPO_ROOT, '../shared/photos', MODELS_PHOTO));
    await page.waitForFunction(() => window.__photoShown !== null, null, { timeout: 300_000 });
    const r = await page.evaluate(([opened, chosen]) => {
      const el = document.querySelector('smp-preview');
      const tasks = window.__longTasks.filter((t) => t.start + t.ms > opened);
      return {
        choose_to_preview_ms: window.__photoShown - chosen,
        picker_to_preview_ms: window.__photoShown - opened,
        longest_task_ms: tasks.reduce((m, t) => Math.max(m, t.ms), 0),
        models: el.stats.models,
        view: el.design?.view,
      };
    }, [opened, chosen]);
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    return { ...r, model_bytes: modelBytes };
  } finally {
    await context.close();
  }
}

async function caseModels(browser, url, cfg) {
  const runs = [];
  const variants = [];
  for (const rate of cfg.models.rates) {
    variants.push({ key: `models ${rate}x`, rate, blocked: false });
    variants.push({ key: `classical (models blocked) ${rate}x`, rate, blocked: true });
  }
  if (cfg.models.network) variants.push({ key: 'models 4x, 9 Mbit/s', rate: 4, blocked: false, mbit: 9 });
  const byKey = Object.fromEntries(variants.map((v) => [v.key, []]));
  for (let i = 0; i < cfg.models.rounds; i++) {
    for (const v of rotate(variants, i)) {
      const r = await modelsOnce(browser, url, v);
      byKey[v.key].push(r);
      runs.push({ variant: v.key, ...r });
      log(`models: ${v.key} run ${i + 1}/${cfg.models.rounds}: choose -> preview ${fmt(r.choose_to_preview_ms, 0)} ms, picker -> preview ${fmt(r.picker_to_preview_ms, 0)} ms (${r.models})`);
    }
  }
  const rows = variants.map((v) => {
    const list = byKey[v.key];
    return {
      variant: v.key,
      rate: v.rate,
      mbit: v.mbit ?? null,
      choose_to_preview_ms: median(list.map((r) => r.choose_to_preview_ms)),
      picker_to_preview_ms: median(list.map((r) => r.picker_to_preview_ms)),
      longest_task_ms: median(list.map((r) => r.longest_task_ms)),
      model_bytes: median(list.map((r) => r.model_bytes)),
      models: list[0]?.models,
      view: list[0]?.view,
    };
  });
  return { photo: MODELS_PHOTO, choose_ms: CHOOSE_MS, rows, runs };
}

// ---------------------------------------------------------------------------
// Case 5: size and peak wasm memory.

/** The widget's files: what the shipped app page loaded under dist/ (scripts, styles, wasm), minus the host page's own. */
function widgetFiles(requests, url) {
  const files = new Set();
  for (const u of requests) {
    let p;
    try {
      p = new URL(u).pathname;
    } catch {
      continue;
    }
    if (!u.startsWith(url) || !p.startsWith('/dist/')) continue;
    if (!/\.(js|mjs|css|wasm)$/.test(p)) continue;
    if (p === '/dist/index.css') continue; // the demo page's stylesheet, not the widget's
    files.add(p.slice(1));
  }
  return [...files].sort();
}

/** Fallback when the first-preview case did not run: the shipped widget's files. */
function staticWidgetFiles() {
  return ['dist/pkg/smp_preview_bg.wasm', 'dist/smp-preview.css', 'dist/smp-preview.js'];
}

async function caseSize(browser, url, cfg, requests) {
  const list = requests?.length ? widgetFiles(requests, url) : staticWidgetFiles();
  const files = list.map((rel) => {
    const buf = fs.readFileSync(path.join(REPO_ROOT, rel));
    return {
      file: rel,
      raw: buf.length,
      gzip: zlib.gzipSync(buf, { level: 9 }).length,
      brotli: zlib.brotliCompressSync(buf, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
  });
  const total = files.reduce((t, f) => ({ raw: t.raw + f.raw, gzip: t.gzip + f.gzip, brotli: t.brotli + f.brotli }), { raw: 0, gzip: 0, brotli: 0 });
  const byKind = {};
  for (const f of files) {
    const kind = f.file.endsWith('.wasm') ? 'wasm' : f.file.endsWith('.css') ? 'css' : 'js';
    byKind[kind] ??= { raw: 0, gzip: 0, brotli: 0 };
    for (const k of ['raw', 'gzip', 'brotli']) byKind[kind][k] += f[k];
  }
  log(`size: memory probe ${cfg.memory.w}x${cfg.memory.h} in a fresh page`);
  const { context, page } = await openBenchPage(browser, url);
  let memory;
  try {
    memory = await call(page, 'memoryProbe', cfg.memory);
  } finally {
    await context.close();
  }
  return {
    files_from: requests?.length ? 'requests of the app page' : 'static list (first preview did not run)',
    files,
    by_kind: byKind,
    total,
    memory: { width: cfg.memory.w, height: cfg.memory.h, ...memory, peak_over_photo: memory.peakBytes / memory.photoBytes },
  };
}

// ---------------------------------------------------------------------------
// Report.

function targets(r, quick) {
  const t = [];
  const add = (name, figure, goal, met) => t.push({ name, figure, target: goal, met: quick ? null : met });
  const u = r.uniform;
  if (u && !u.error && !u.na) {
    const ours = u.rows.find((x) => x.label === 'ours');
    const d = u.rows.find((x) => x.label === 'fast2d-default');
    const m = u.rows.find((x) => x.label === 'fast2d-matched');
    add(
      'uniform vs fast-2d-poisson-disk-sampling (default)',
      `${fmt(d.ours_over_peer)}x at rho ${fmt(ours.rho, 3)} vs ${fmt(d.rho, 3)}, uncovered ${pct(ours.uncovered)} vs ${pct(d.uncovered)}`,
      '>= 3x, rho >= 0.80 and >= peer, uncovered <= 0.1% and <= peer',
      d.ours_over_peer >= 3 && ours.rho >= 0.8 && ours.uncovered <= 0.001 && ours.rho >= d.rho && ours.uncovered <= d.uncovered,
    );
    // The matched peer runs at the smallest tries whose rho and uncovered
    // fraction are at least as good as ours, so it is at >= our quality by
    // construction (requiring ours >= its rho as well could only pass on a
    // tie); where no tries on the ladder reaches our quality it runs at its
    // best, and then ours must be at least as good.
    add(
      'uniform vs fast-2d-poisson-disk-sampling (matched quality)',
      `${fmt(m.ours_over_peer)}x at rho ${fmt(ours.rho, 3)} vs ${fmt(m.rho, 3)}, uncovered ${pct(ours.uncovered)} vs ${pct(m.uncovered)}`,
      '>= 3x vs the peer at >= our quality (or its best), rho >= 0.80, uncovered <= 0.1%',
      m.ours_over_peer >= 3 && ours.rho >= 0.8 && ours.uncovered <= 0.001 && (u.matched || (ours.rho >= m.rho && ours.uncovered <= m.uncovered)),
    );
  }
  const v = r.variable;
  if (v && !v.error && !v.na) {
    const ours = v.rows.find((x) => x.label === 'var-ours');
    const peer = v.rows.find((x) => x.label === 'var-pds');
    add(
      'variable vs poisson-disk-sampling',
      `${fmt(peer.ours_over_peer)}x; uncovered under the field ${pct(ours.uncovered_under_field)} vs ${pct(peer.uncovered_under_field)}`,
      '>= 5x, uncovered under the field <= 0.1%',
      peer.ours_over_peer >= 5 && ours.uncovered_under_field <= 0.001,
    );
    const uOurs = u && !u.error && !u.na ? u.rows.find((x) => x.label === 'ours') : null;
    if (uOurs) {
      const rel = ours.median_ms / ours.points / (uOurs.median_ms / uOurs.points);
      add('variable cost per point / uniform cost per point (ours)', `${fmt(rel)}x`, '<= 1.5x', rel <= 1.5);
    }
  }
  for (const s of r.rerender?.sizes ?? []) {
    if (s.na) continue;
    if (s.key === 'large') add(`re-render ${s.width}x${s.height} / putImageData floor`, `${fmt(s.ours_over_floor)}x (${fmt(s.ours_ms, 1)} vs ${fmt(s.floor_ms, 1)} ms)`, '<= 3x', s.ours_over_floor <= 3);
    if (s.key === 'preview') add(`re-render ${s.width}x${s.height}`, `${fmt(s.ours_ms)} ms`, '<= 8 ms', s.ours_ms <= 8);
  }
  const f = r.first_preview;
  if (f && !f.error) add('first preview, dist/ (cold, to first smp-render)', `${fmt(f.cold.first_render_event_ms, 0)} ms`, '< 400 ms', f.cold.first_render_event_ms < 400);
  const ph = r.phone;
  if (ph && !ph.error) {
    const was = (k, d = 0) => (ph.before ? ` (before: ${fmt(ph.before[k], d)} ms)` : '');
    add(`longest main-thread task after choosing a photo, ${ph.throttle}x CPU`, `${fmt(ph.ours.longest_task_ms, 0)} ms${was('longest_task_ms')}`, '<= 100 ms', ph.ours.longest_task_ms <= 100);
    add(`first preview of the sample, ${ph.throttle}x CPU, phone`, `${fmt(ph.ours.first_preview_ms, 0)} ms${was('first_preview_ms')}`, '<= 1,000 ms', ph.ours.first_preview_ms <= 1000);
  }
  const mo = r.models;
  const m4 = mo && !mo.error && mo.rows.find((x) => x.variant === 'models 4x');
  if (m4) add('a photo with the models, 4x CPU: choosing to the first stippled preview', `${fmt(m4.choose_to_preview_ms, 0)} ms`, '<= 2,000 ms', m4.choose_to_preview_ms <= 2000);
  const z = r.size;
  if (z && !z.error) {
    add('widget wasm + JS + CSS, gzip', `${kb(z.total.gzip)} (${z.total.gzip} B)`, '<= 100 KB (100,000 B)', z.total.gzip <= 100_000);
    add(`peak wasm memory, ${z.memory.width}x${z.memory.height} photo`, `${fmt(z.memory.peakBytes / 1e6, 1)} MB = ${fmt(z.memory.peak_over_photo)}x RGBA`, '<= 3x RGBA', z.memory.peak_over_photo <= 3);
  }
  return t;
}

function report(r) {
  const out = [];
  const m = r.machine;
  out.push(`smp-preview browser benchmark${r.quick ? ' (--quick: tiny cases, timings meaningless)' : ''}`);
  out.push(`${r.browser.version}, headless; ${m.cpus} x ${m.cpu_model}; load average ${m.loadavg_start.map((x) => x.toFixed(1)).join(' ')} at start, ${m.loadavg_end.map((x) => x.toFixed(1)).join(' ')} at end`);
  out.push(`timer resolution ${fmt(r.browser.timer_resolution_ms * 1000, 0)} µs (cross-origin isolated: ${r.browser.cross_origin_isolated}); medians of ${r.rounds} alternating rounds after a warm-up`);
  const na = (c) => (c?.error ? `  n/a: error: ${c.error}` : null);

  const u = r.uniform;
  if (u) {
    out.push('', `1. Uniform sampler${u.domain ? `, ${u.domain[0]}x${u.domain[1]} px, min spacing ${u.spacing} px` : ''}`);
    if (u.error) out.push(na(u));
    else {
      if (u.na) out.push(`  ours: ${u.na}`);
      out.push(
        table(
          ['sampler', 'setting', 'points', 'ms', 'pts/ms', 'ours x', 'rho', 'uncovered'],
          u.rows.map((x) => [x.name, x.setting, x.points, fmt(x.median_ms, 1), fmt(x.points_per_ms, 1), x.ours_over_peer === null ? '' : `${fmt(x.ours_over_peer)}x`, fmt(x.rho, 3), pct(x.uncovered)]),
        ),
      );
      if (u.calibration) out.push(`  matched-quality ladder (tries: rho / uncovered): ${u.calibration.map((c) => `${c.tries}: ${fmt(c.rho, 3)} / ${pct(c.uncovered)}`).join(', ')}`);
    }
  }
  const v = r.variable;
  if (v) {
    const f = v.field;
    out.push('', `2. Variable-density sampler${f ? `, ${f.w}x${f.h} px at ${f.pxPerCm} px/cm: full density (spacing ${f.rMin} px) on a 16x20 cm head ellipse, to zero over 1 cm (spacing capped at ${f.rMax} px)` : ''}`);
    if (v.error) out.push(na(v));
    else {
      if (v.na) out.push(`  ours: ${v.na}`);
      out.push(
        table(
          ['sampler', 'setting', 'points', 'in head', 'ms', 'pts/ms', 'ms/1k pts', 'ours x', 'rho head', 'uncov. head', 'uncov. field'],
          v.rows.map((x) => [
            x.name,
            x.setting,
            x.points,
            x.points_in_head,
            fmt(x.median_ms, 1),
            fmt(x.points_per_ms, 1),
            fmt(x.ms_per_1000_points, 3),
            x.ours_over_peer === null ? '' : `${fmt(x.ours_over_peer)}x`,
            fmt(x.rho_in_head, 3),
            pct(x.uncovered_in_head),
            pct(x.uncovered_under_field),
          ]),
        ),
      );
      out.push('  rho/uncov. head: inside the full-density ellipse (spacing ' + f.rMin + ' px); uncov. field: whole domain, each 1-px probe farther than its own spacing from every point');
    }
  }
  const rr = r.rerender;
  if (rr) {
    out.push('', '3. Re-render after a slider change (density), input event to pixels on the canvas, vs a zero-copy putImageData of the same frame');
    if (rr.error) out.push(na(rr));
    else
      out.push(
        table(
          ['photo', 'size', 'ours ms', 'engine ms', 'put ms', 'floor ms', 'ours / floor', 'first render ms', 'stippled px'],
          rr.sizes.map((s) =>
            s.na ? [s.photo, `${s.w}x${s.h}`, s.na, '', '', '', '', '', ''] : [s.photo, `${s.width}x${s.height}`, fmt(s.ours_ms), fmt(s.engine_ms), fmt(s.put_in_handler_ms), fmt(s.floor_ms), `${fmt(s.ours_over_floor)}x`, fmt(s.first_render_ms, 0), pct(s.stippled_pixel_share, 1)],
          ),
        ),
      );
  }
  if (r.first_preview) {
    out.push('', '4. First preview: navigation to the first stippled frame of the sample photo (on localhost)');
    const row = (name, s, n) => [
      name,
      n,
      fmt(s.first_render_event_ms, 0),
      fmt(s.next_frame_ms, 0),
      fmt(s.response_end_ms, 0),
      fmt(s.dom_content_loaded_ms, 0),
      fmt(s.wasm_loaded_ms, 0),
      fmt(s.engine_ready_ms, 0),
      fmt(s.photo_loaded_ms, 0),
      fmt(s.photo_decoded_ms, 0),
      fmt(s.photo_in_engine_ms, 0),
      fmt(s.engine_ms, 0),
    ];
    const rows = [];
    for (const [site, fp] of [['dist/ (shipped)', r.first_preview], ['www/ (source modules)', r.first_preview_source]]) {
      if (!fp) continue;
      if (fp.error) {
        rows.push([`${site}: ${na(fp).trim()}`, '', '', '', '', '', '', '', '', '', '', '']);
        continue;
      }
      rows.push(row(`${site} cold (fresh context)`, fp.cold, fp.cold_runs.length));
      if (fp.warm_runs.length) rows.push(row(`${site} reload (same context)`, fp.warm, fp.warm_runs.length));
    }
    out.push(table(['run', 'n', 'smp-render', 'next frame', 'html', 'DCL', 'wasm fetched', 'engine ready', 'photo fetched', 'decoded', 'in engine', 'render ms'], rows));
    out.push('  times in ms from navigation; "in engine": load_photo done (mask, face, hairline); "render ms": the first render (dot pattern sampled, drawn, put on the canvas)');
  }
  const z = r.size;
  if (z) {
    out.push('', '5. Size of the widget (without the sample photo) and peak wasm memory');
    if (z.error) out.push(na(z));
    else {
      out.push(table(['file', 'raw', 'gzip -9', 'brotli'], [...z.files.map((f) => [f.file, f.raw, f.gzip, f.brotli]), ['total', z.total.raw, z.total.gzip, z.total.brotli]]));
      const mm = z.memory;
      out.push(
        `  peak wasm memory for a ${mm.width}x${mm.height} photo: ${fmt(mm.peakBytes / 1e6, 1)} MB = ${fmt(mm.peak_over_photo)}x its RGBA (${fmt(mm.photoBytes / 1e6, 1)} MB); ` +
          `after instantiate ${fmt(mm.stages.instantiated / 1e6, 1)}, load_photo ${fmt(mm.stages.loadPhoto / 1e6, 1)}, first render ${fmt(mm.stages.firstRender / 1e6, 1)}, slider renders ${fmt(mm.stages.sliderRenders / 1e6, 1)} MB`,
      );
    }
  }
  const ph = r.phone;
  if (ph) {
    out.push('', `6. A phone's CPU (${ph.throttle ?? THROTTLE}x throttling, ${ph.viewport ?? '390x844'}): the sample's first preview, then choosing ${ph.photo ?? 'photo 07'} (a top view)`);
    if (ph.error) out.push(na(ph));
    else {
      const row = (name, s) => [name, s.engine, fmt(s.first_preview_ms, 0), fmt(s.longest_task_ms, 0), fmt(s.blocking_ms, 0), fmt(s.photo_preview_ms, 0)];
      const rows = [row('ours (dist/)', ph.ours)];
      if (ph.before) rows.push(row(`before (${ph.baseline_ref}, engine on the page)`, ph.before));
      out.push(table(['widget', 'engine in', 'first preview ms', 'longest task ms', 'blocking ms', 'photo to preview ms'], rows));
      out.push('  medians; "longest task": the longest main-thread task from choosing the photo until its pattern is finished; "blocking": the sum of those tasks\' time past 50 ms');
    }
  }
  const mo = r.models;
  if (mo) {
    out.push('', `7. A person's own photo with the on-device models (dist/, 390x844; ${mo.photo ?? ''}, chosen ${mo.choose_ms ?? CHOOSE_MS} ms after the picker opened; fresh cache each run)`);
    if (mo.error) out.push(na(mo));
    else {
      const rows = mo.rows.map((x) => [x.variant, fmt(x.choose_to_preview_ms, 0), fmt(x.picker_to_preview_ms, 0), fmt(x.longest_task_ms, 0), kb(x.model_bytes), `${x.models} (${x.view})`]);
      out.push(table(['path', 'choose -> preview ms', 'picker -> preview ms', 'longest task ms', 'model bytes', 'models (view)'], rows));
      out.push('  medians; "choose -> preview": from the file chosen to the first stippled preview (smp-photo); the model download (localhost) and warm-up start when the picker opens');
    }
  }
  out.push('', 'Targets (reported, never gated)');
  out.push(table(['target', 'figure', 'goal', 'met'], r.targets.map((t) => [t.name, t.figure, t.target, t.met === null ? 'n/a (quick)' : t.met ? 'yes' : 'NO']), true));
  return out.join('\n');
}

// ---------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const cfg = config(opts.quick, opts.rounds);
  const want = (c) => !opts.only || opts.only.includes(c);
  const outFile = path.resolve(REPO_ROOT, opts.out ?? (opts.quick ? 'target/bench-browser-quick.json' : 'target/bench-browser.json'));
  if (!fs.existsSync(path.join(REPO_ROOT, 'www/pkg/smp_preview_bg.wasm'))) throw new Error('www/pkg/ is missing: run ./bench (it builds the wasm first)');
  if (!fs.existsSync(path.join(REPO_ROOT, 'target/bench-pkg/smp_preview_bg.wasm'))) throw new Error('target/bench-pkg/ is missing: run ./bench (it builds the wasm first)');
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist/smp-preview.js'))) throw new Error('dist/ is missing: run ./bench (it runs scripts/dist.sh)');

  const bundle = bundlePeers(path.join(REPO_ROOT, 'target/bench/peers.mjs'));
  let chromiumVersion = 'Chromium';
  try {
    chromiumVersion = execFileSync(chromiumPath(), ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // reported from the user agent below
  }

  const results = {
    benchmark: 'smp-preview browser benchmark (issue 6)',
    quick: opts.quick,
    date: new Date().toISOString(),
    rounds: cfg.rounds,
    machine: { cpus: os.cpus().length, cpu_model: os.cpus()[0]?.model ?? '?', memory_bytes: os.totalmem(), loadavg_start: os.loadavg(), loadavg_end: null, node: process.version },
    peers: bundle.versions,
  };

  const server = await startServer({ dir: REPO_ROOT, port: 0 });
  const browser = await launchBrowser({ args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc'] });
  let failed = false;
  const guard = async (name, fn) => {
    try {
      return await fn();
    } catch (e) {
      failed = true;
      log(`${name} FAILED: ${e.stack || e.message}`);
      return { error: String(e.message || e).split('\n')[0] };
    }
  };
  try {
    if (want('uniform') || want('variable') || want('rerender')) {
      const bp = await openBenchPage(browser, server.url);
      results.browser = {
        version: chromiumVersion,
        user_agent: bp.info.userAgent,
        cross_origin_isolated: bp.info.crossOriginIsolated,
        timer_resolution_ms: bp.info.timerResolutionMs,
        expose_gc: bp.info.gc,
        engine_exports: bp.info.exports,
      };
      results.metrics_self_check = bp.info.metricsSelfCheck;
      try {
        if (want('uniform')) results.uniform = await guard('uniform', () => caseUniform(bp.page, cfg, cfg.rounds));
        if (want('variable')) results.variable = await guard('variable', () => caseVariable(bp.page, cfg, cfg.rounds));
      } finally {
        await bp.context.close();
      }
      if (want('rerender')) {
        // A fresh page: the samplers' garbage and grown memory stay out of it.
        results.rerender = await guard('rerender', async () => {
          const rp = await openBenchPage(browser, server.url);
          try {
            return await caseRerender(rp.page, cfg, cfg.rounds);
          } finally {
            await rp.context.close();
          }
        });
      }
    }
    results.browser ??= { version: chromiumVersion, timer_resolution_ms: NaN, cross_origin_isolated: false };
    if (want('first')) {
      results.first_preview = await guard('first preview', () => caseFirstPreview(browser, server.url, cfg, 'dist'));
      results.first_preview_source = await guard('first preview (source modules)', () => caseFirstPreview(browser, server.url, cfg, 'www'));
    }
    if (want('size')) results.size = await guard('size', () => caseSize(browser, server.url, cfg, results.first_preview?.requests));
    if (want('phone')) results.phone = await guard('phone', () => casePhone(browser, server.url, cfg));
    if (want('models')) results.models = await guard('models', () => caseModels(browser, server.url, cfg));
  } finally {
    await browser.close().catch(() => {});
    await server.close();
  }
  results.machine.loadavg_end = os.loadavg();
  results.targets = targets(results, opts.quick);
  const text = report(results);
  console.log(text);
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, JSON.stringify(results, null, 2) + '\n');
  log(`wrote ${path.relative(REPO_ROOT, outFile)}`);
  if (failed) {
    log('some cases FAILED (see above)');
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(`bench: ${e.stack || e.message}`);
  process.exit(1);
});
