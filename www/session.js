// The session behind one <smp-preview>: its engine (the Rust wasm, compiled
// once per page and run in a Web Worker by engine-host.js), the photo in it
// and the design. The design lives in the engine alone: the session keeps
// the engine's last answer (`state`, with the design whole, in the layout
// the engine defines) and no copy of its own. The element reads values by
// name and asks for changes by name; changes go to the engine together, once
// per animation frame, as one whole design the engine checks. After an error
// inside the engine, the session starts a fresh one on the same photo with
// the same design.

import { startEngine, painted } from './engine-host.js';
import { decodePhoto, PhotoError, NOT_A_PHOTO } from './photo.js';

// The engine is compiled once per page, on first use, relative to this file
// (the compiled module is shared by every widget).
let modulePromise = null;
function compileEngine(base) {
  const url = new URL('pkg/smp_preview_bg.wasm', base);
  modulePromise ??= (async () => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`);
    try {
      return await WebAssembly.compileStreaming(response.clone());
    } catch (e) {
      // A host that serves .wasm with another content type: compile the bytes (CSP refusals fail here again).
      if (!(e instanceof TypeError)) throw e;
      return WebAssembly.compile(await response.arrayBuffer());
    }
  })();
  return modulePromise;
}

/** A CSP violation of WebAssembly seen on this page (set by the listener below). */
let wasmBlocked = false;
document.addEventListener('securitypolicyviolation', (e) => {
  if (/wasm|eval/.test(e.blockedURI) || /wasm/.test(e.sample)) wasmBlocked = true;
});

/** Tells the site's developer what to add when the page's CSP refuses WebAssembly (true when that was the cause). */
export function explainCsp(error) {
  const message = String(error?.message || error);
  if (!wasmBlocked && !/Content Security Policy|wasm-unsafe-eval|unsafe-eval/i.test(message)) return false;
  console.error(
    "smp-preview: this page's Content-Security-Policy does not allow WebAssembly, so the preview can't start. " +
      "Add 'wasm-unsafe-eval' to the page's script-src directive (for example: script-src 'self' 'wasm-unsafe-eval'), " +
      'or embed the widget in an iframe (embed.html; see the README). Browser message: ' + message,
  );
  return true;
}

/** The values read by a name of their own: the seed (two 32-bit halves) and the three handles. */
const SEED = ['seed_high', 'seed_low'];
const HANDLES = ['left_x', 'left_y', 'middle_x', 'middle_y', 'right_x', 'right_y'];
/** What the design property and events hold, and the decimals each number is given with. */
const SHOWN = { density: 6, shade: 6, dot_mm: 6, hairline_cm: 2, shape: 0, edge: 0, session: 0, months: 6, thinning: 0, view: 0, seed: 0, px_per_cm: 3, temple_half_cm: 2 };

/**
 * The design's layout as the engine defines it (design_fields and
 * design_ranges in src/web.rs): where each value sits, the names of coded
 * values and the controls' ranges.
 */
export class Layout {
  #index = {};
  #codes = {};
  /** The ranges of the numeric values by name: { min, max, step, value }. */
  ranges = {};

  constructor({ fields, ranges }) {
    fields.split(',').forEach((field, i) => {
      const [name, codes] = field.split(':');
      this.#index[name] = i;
      if (codes) this.#codes[name] = codes.split('/');
      const [min, max, step, value] = ranges.slice(4 * i, 4 * i + 4);
      if (!Number.isNaN(min)) this.ranges[name] = { min, max, step, value };
    });
  }

  /**
   * `name`'s value in `values` (a design from the engine) as the element
   * uses it: a code's name (shape, edge, view), the seed as decimal text
   * (a u64 does not survive a JavaScript number), thinning as a boolean, the
   * handles as [x0, y0, x1, y1, x2, y2]; else the number.
   */
  read(values, name) {
    const at = (n) => values[this.#index[n]];
    if (name === 'seed') return ((BigInt(at(SEED[0])) << 32n) | BigInt(at(SEED[1]))).toString();
    if (name === 'handles') return HANDLES.map(at);
    if (name === 'thinning') return at(name) !== 0;
    return this.#codes[name] ? this.#codes[name][at(name)] : at(name);
  }

  /** The changes ([[index, number], ...]) that set `name` to `value` (as read() gives it). */
  changes(name, value) {
    if (name === 'seed') {
      const seed = BigInt(value);
      return [[this.#index[SEED[0]], Number(seed >> 32n)], [this.#index[SEED[1]], Number(seed & 0xffffffffn)]];
    }
    if (name === 'handles') return HANDLES.map((n, i) => [this.#index[n], value[i]]);
    const codes = this.#codes[name];
    return [[this.#index[name], codes ? codes.indexOf(value) : Number(value)]];
  }

  /** The design as the widget's `design` property and events show it (plain data). */
  shown(values, strokes) {
    const d = {};
    for (const [name, decimals] of Object.entries(SHOWN)) {
      const v = this.read(values, name);
      d[name] = decimals ? Number(v.toFixed(decimals)) : v;
    }
    const h = this.read(values, 'handles').map((v) => Number(v.toFixed(5)));
    d.handles = [h.slice(0, 2), h.slice(2, 4), h.slice(4, 6)];
    d.brush_strokes = strokes;
    return d;
  }
}

/** Throws the first error among an engine answer's results. */
export function must(results) {
  const failed = results.find((r) => 'error' in r);
  if (failed) throw new Error(failed.error);
}

/** A photo that could not be opened, with what to tell the person (`stage`: 'decode' or 'load'). */
export class OpenError extends Error {
  constructor(stage, message) {
    super(message);
    this.stage = stage;
  }
}

/** The working-size name of a file: no extension, only safe characters. */
function baseName(name) {
  return (
    String(name)
      .replace(/\.[^.]*$/, '')
      .replace(/[^\w.-]+/g, '-')
      .slice(0, 60) || 'photo'
  );
}

export class Session {
  /** The engine's state as of its last answer (engine-core.js): design, curve, strokes, face, width, height; null before a photo. */
  state = null;
  /** The photo in the engine: { full (ImageBitmap), width, height, name, capped, sourceWidth, sourceHeight, hints }, or null. */
  photo = null;
  /** The layout of the design (Layout). */
  layout;
  /** 'worker' or 'page': where the engine runs. */
  kind;
  #engine;
  #base;
  #stats;
  #opening = 0; // the latest open(): an older one that finishes later is dropped
  #pending = new Map(); // changes by name, waiting for the next animation frame
  #raf = 0;
  #busy = false; // a change is out: later ones wait for it, then go as one
  #on;

  /**
   * on: { frame(frame) (a frame from the engine to show), error(message)
   * (a change the engine refused), photo() (the working photo's ImageData,
   * for a restart), restarted(message, failed) (after a restart: `failed`
   * says why it did not work, else null) }; base: the folder of the
   * widget's files (the models); stats: the element's counters (models).
   */
  constructor(engine, on, base, stats) {
    this.#engine = engine;
    this.#on = on;
    this.#base = base;
    this.#stats = stats;
    this.layout = new Layout(engine.layout);
    this.kind = engine.kind;
  }

  /** Starts the engine (the wasm next to `base`) for a session. */
  static async start(base, on, stats) {
    return new Session(await startEngine(compileEngine(base), base), on, base, stats);
  }

  /** The engine itself, for requests of its own (the export). */
  get engine() {
    return this.#engine;
  }

  /** `name`'s value in the design (Layout.read), or undefined before a photo. */
  get(name) {
    return this.state ? this.layout.read(this.state.design, name) : undefined;
  }

  /** The design as plain data (the element's `design` property), or null before a photo. */
  design() {
    return this.state && this.layout.shown(this.state.design, this.state.strokes);
  }

  /** A text that changes whenever the design or the brush edits do ('' before a photo). */
  key() {
    return this.state ? `${this.state.design}|${this.state.strokes}` : '';
  }

  /** The request call that sets each of `values` ({ name: value }) in one whole design. */
  edits(values) {
    return ['edit', Object.entries(values).flatMap(([name, v]) => this.layout.changes(name, v))];
  }

  /** `name`'s value as asked for: a change waiting to be sent, else the engine's. */
  wanted(name) {
    return this.#pending.has(name) ? this.#pending.get(name) : this.get(name);
  }

  /** Whether a change of `name` waits to be sent. */
  pending(name) {
    return this.#pending.has(name);
  }

  /** Forgets the changes not sent yet (a new photo or a link sets the design instead), or only that of `name`. */
  clearPending(name) {
    if (name) this.#pending.delete(name);
    else this.#pending.clear();
  }

  /**
   * Sends `calls` ([[name, ...args], ...]) to the engine, and a render when
   * `render`; follows the new state and shows the frame. Resolves to the
   * answer's results ([{ value } | { error }]). An error inside the engine
   * while rendering restarts it.
   */
  async send(calls, render = false, transfer = []) {
    const answer = await this.#engine.request({ calls, render }, transfer);
    this.#follow(answer);
    if (answer.renderError) await this.restart(answer.renderError);
    else if (answer.frame) this.#on.frame(answer.frame);
    return answer.results;
  }

  /** One engine call: its value, or throws its error. */
  async call(name, ...args) {
    const [r] = await this.send([[name, ...args]]);
    if ('error' in r) throw new Error(r.error);
    return r.value;
  }

  /** Repaints. */
  render() {
    return this.send([], true);
  }

  /**
   * Opens a photo into the engine: `blob` is decoded (unless `decoded`, a
   * decodePhoto or decodeImage promise, is already under way), the
   * on-device models look at it when `models`, and the engine loads it,
   * then runs `calls()` (the request calls that follow, asked for once the
   * old photo's design is final) and renders when `render`. Resolves to
   * { working (the working ImageData), answer (the engine's) }, or null
   * when a later open() overtook it; rejects with an OpenError.
   */
  async open({ blob = null, decoded = null, name, models = false, calls = () => [], render = false }) {
    const token = ++this.#opening;
    const stale = () => token !== this.#opening;
    let photo;
    try {
      photo = await (decoded ?? decodePhoto(blob));
    } catch (e) {
      if (stale()) return null;
      throw new OpenError('decode', e instanceof PhotoError ? e.message : NOT_A_PHOTO);
    }
    const drop = () => (photo.full.close(), null);
    if (stale()) return drop();
    performance.mark('smp-photo-decoded');
    // Let the status paint over the current preview: sampling the dot pattern
    // takes a while. (The first photo's loading message is already showing.)
    if (this.photo) {
      await painted();
      if (stale()) return drop();
    }
    const { working } = photo;
    // A person's own photo: the on-device models find the head and face (null when they can't run).
    let hints = models ? await this.#detect(working) : null;
    if (stale()) return drop();
    let answer;
    try {
      // A copy goes to the engine: the page keeps the pixels for its 'before' canvas.
      const copy = working.data.buffer.slice(0);
      const { width: w, height: h } = working;
      const load = ['load_photo', w, h, copy, hints?.person, hints?.face];
      this.#pending.clear();
      answer = await this.#engine.request({ calls: [load, ...calls()], render }, [copy]);
      this.#follow(answer);
      must(answer.results.slice(0, 1));
      if (hints && !answer.results[0].value) {
        // The engine found no scalp from the models' outputs: it took the classical way.
        this.#stats.models = 'no scalp from the models: classical';
        hints = null;
      }
      performance.mark('smp-photo-loaded');
    } catch (e) {
      if (stale()) return drop();
      photo.full.close();
      throw new OpenError('load', `This photo can't be previewed: ${e.message}`);
    }
    if (stale()) return drop();
    this.photo?.full.close();
    // The working pixels now live in the engine and the page's 'before' canvas; keep only the full bitmap.
    const { working: _, ...kept } = photo;
    this.photo = { ...kept, width: working.width, height: working.height, name: baseName(name), hints };
    return { working, answer };
  }

  /**
   * The on-device models' outputs for a person's own photo (`working`, its
   * ImageData): { person, face }, or null when they can't run (the engine's
   * classical detection then, and the status says it is less sure).
   */
  async #detect(working) {
    try {
      // models.js comes with the first own photo (or the picker opening): the sample never needs it.
      const { detectPhoto } = await import('./models.js');
      const hints = await detectPhoto(this.#base, working);
      this.#stats.models = `used (${Math.round(hints.ms)} ms)`;
      return hints;
    } catch (e) {
      this.#stats.models = `failed: ${e.message}`;
      console.info(`smp-preview: the on-device models could not run (${e.message}); using the classical detection.`);
      return null;
    }
  }

  /** Asks for `name` to become `value` (see Layout.read); changes are sent and drawn once per frame. */
  edit(name, value) {
    this.#pending.set(name, value);
    this.#raf ||= requestAnimationFrame(() => this.#flush());
  }

  async #flush() {
    this.#raf = 0;
    if (!this.state || this.#busy || !this.#pending.size) return;
    const edit = this.edits(Object.fromEntries(this.#pending));
    this.#pending.clear();
    this.#busy = true;
    try {
      const [r] = await this.send([edit], true);
      if ('error' in r) this.#on.error(r.error);
    } finally {
      this.#busy = false;
      if (this.#pending.size) this.#raf ||= requestAnimationFrame(() => this.#flush());
    }
  }

  #follow(answer) {
    if (answer.state) this.state = answer.state;
  }

  /**
   * The engine threw while rendering (a wasm panic or trap): start a fresh
   * engine on the same photo with the design as it was (from the old
   * engine's share link when it still answers, brush edits included, else
   * from the last design it gave) and repaint; then tells on.restarted.
   * When even that fails, the next action tries again.
   */
  async restart(message) {
    let fragment = null;
    try {
      fragment = await this.call('share_fragment', undefined);
    } catch {
      // the old engine is beyond asking
    }
    const px = this.#on.photo();
    const hints = this.photo?.hints;
    const last = this.state?.design;
    const calls = [['restart'], ['load_photo', px.width, px.height, px.data.buffer, hints?.person, hints?.face]];
    if (fragment) calls.push(['apply_link', fragment, true]);
    else if (last) calls.push(['edit', Array.from(last, (v, i) => [i, v])]);
    let failed;
    try {
      const answer = await this.#engine.request({ calls, render: true }, [px.data.buffer]);
      this.#follow(answer);
      failed = answer.results.find((r) => 'error' in r)?.error ?? answer.renderError;
      if (!failed) this.#on.frame(answer.frame);
    } catch (e) {
      failed = e.message;
    }
    this.#on.restarted(message, failed ?? null);
  }
}
