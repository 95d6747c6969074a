// The engine's side of <smp-preview>: runs the widget's requests against one
// Engine (the Rust wasm) and answers with the new frame and state. It runs
// in a Web Worker (engine-worker.js), so the heavy work (a photo's mask and
// face, sampling the dot pattern, exports) never freezes the page; where a
// worker can't start it runs on the page itself (engine-host.js).
//
// A request: { calls: [[name, ...args], ...], render }. Every call is tried
// in turn (one failing does not stop the next: each gets its own result);
// `render` then draws a frame. The answer:
//   { results: [{ value } | { error }], frame: { width, height, pixels, ms }
//     | null, renderError, state }
// with state = { design (the engine's design, whole: a Float64Array in the
// order of layout().fields), curve (the hairline guide, relative [x0, y0,
// ...]), strokes, face, width, height, memory } once a photo is loaded
// (null before).
//
// ['edit', [[index, value], ...]] changes some of the design's values
// (indices into that order) and hands the whole design to the engine's one
// set_design, which checks it and keeps it or refuses it whole.
// After a frame, the rest of the dot pattern is sampled (finish_pattern)
// once no request is waiting.

import { Engine, design_fields, design_ranges, read_link } from './pkg/smp_preview.js';

/** The Engine methods a request may call by name (besides the ones below). */
const METHODS = new Set(['brush', 'undo_brush', 'share_fragment', 'apply_link', 'carry_link', 'hairline_at']);

/** What a person (or the site's developer) can read of an error. */
export const text = (e) => (e && e.message) || String(e);

export class EngineCore {
  #memory;
  #engine;
  #idle;
  #queue = [];
  #running = false;
  #finishDue = false;
  #loaded = false;

  /** memory: the initialised wasm's WebAssembly.Memory; idle(): resolves when the host has a moment. */
  constructor(memory, idle) {
    this.#memory = memory;
    this.#idle = idle;
    this.#engine = new Engine();
  }

  /** The design's layout as the engine defines it: { fields (design_fields), ranges (design_ranges) }. */
  layout() {
    return { fields: design_fields(), ranges: design_ranges() };
  }

  /** Queues a request; resolves to its answer (requests run one at a time, in order). */
  submit(request) {
    return new Promise((resolve) => {
      this.#queue.push({ request, resolve });
      if (!this.#running) this.#drain();
    });
  }

  async #drain() {
    this.#running = true;
    for (;;) {
      while (this.#queue.length) {
        const { request, resolve } = this.#queue.shift();
        resolve(await this.#run(request));
      }
      if (!this.#finishDue) break;
      // The frame is out: sample the rest of the pattern unless something new arrives first.
      await this.#idle();
      if (this.#queue.length) continue;
      this.#finishDue = false;
      try {
        this.#engine.finish_pattern();
      } catch {
        // an engine that fails here fails its next render too, which the widget recovers from
      }
    }
    this.#running = false;
  }

  async #run({ calls = [], render = false }) {
    const results = [];
    for (const [name, ...args] of calls) {
      try {
        results.push({ value: await this.#call(name, args) });
      } catch (e) {
        results.push({ error: text(e) });
      }
    }
    let frame = null;
    let renderError = null;
    if (render && this.#loaded) {
      try {
        const t0 = performance.now();
        const e = this.#engine;
        const ptr = e.render();
        const [width, height] = [e.width(), e.height()];
        // A copy: wasm memory may grow (and move) before the page draws it.
        const pixels = new Uint8ClampedArray(this.#memory.buffer, ptr, width * height * 4).slice();
        frame = { width, height, pixels, ms: performance.now() - t0 };
        this.#finishDue = true;
      } catch (e) {
        renderError = text(e);
      }
    }
    return { results, frame, renderError, state: this.#state() };
  }

  async #call(name, args) {
    switch (name) {
      case 'restart': {
        // A fresh engine (after an error inside the old one); the photo is loaded again by the next call.
        try {
          this.#engine.free();
        } catch {
          // already beyond use
        }
        this.#engine = new Engine();
        this.#loaded = false;
        return true;
      }
      case 'load_photo': {
        // `person` and `face`, when the on-device models ran (models.js): the person mask (one byte a pixel) and the
        // face detection. Resolves to true, or, with them, to false when the engine found no scalp from them (no
        // person, say): the photo is then loaded the classical way.
        const [width, height, pixels, person, face] = args;
        const rgba = new Uint8Array(pixels.buffer ?? pixels);
        if (person) {
          this.#loaded = true;
          this.#finishDue = false;
          try {
            this.#engine.load_photo(width, height, rgba, new Uint8Array(person.buffer ?? person), new Float64Array(face));
            if (this.#dotted(rgba)) return true;
          } catch {
            // the classical way below
          }
        }
        this.#engine.load_photo(width, height, rgba);
        this.#loaded = true;
        this.#finishDue = false;
        return !person;
      }
      case 'edit': {
        const values = this.#engine.design();
        for (const [i, v] of args[0]) values[i] = v;
        this.#engine.set_design(values);
        return true;
      }
      case 'read_link':
        // Checks a share link and gives the photo it carries, if any: a plain function, no photo needed.
        return read_link(args[0]);
      case 'export':
        return this.#export(...args);
      default:
        if (!METHODS.has(name)) throw new Error(`Unknown engine call ${name}.`);
        return this.#engine[name](...args);
    }
  }

  /**
   * Whether the default design puts any dot on the photo just loaded
   * (`rgba`, its pixels): one render (its dot pattern is the one the first
   * frame uses, so little is lost), compared with the photo.
   */
  #dotted(rgba) {
    const ptr = this.#engine.render(); // first: it may grow (and move) the memory
    const frame = new Uint8Array(this.#memory.buffer, ptr, rgba.length);
    let changed = 0;
    for (let i = 0; i < rgba.length; i += 4) if (frame[i] !== rgba[i] || frame[i + 1] !== rgba[i + 1] || frame[i + 2] !== rgba[i + 2]) changed++;
    return changed > 0.001 * (rgba.length / 4);
  }

  /** The design drawn over `bitmap` (the full-resolution photo), encoded as `type`: a Blob. */
  async #export(bitmap, type) {
    const { width, height } = bitmap;
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    bitmap.close();
    const image = ctx.getImageData(0, 0, width, height);
    image.data.set(this.#engine.render_full(width, height, image.data));
    ctx.putImageData(image, 0, 0);
    return canvas.convertToBlob({ type, quality: 0.92 });
  }

  #state() {
    if (!this.#loaded) return null;
    const e = this.#engine;
    try {
      return {
        design: e.design(),
        curve: e.hairline_curve(),
        strokes: e.brush_strokes(),
        face: e.face_found(),
        width: e.width(),
        height: e.height(),
        memory: this.#memory.buffer.byteLength,
      };
    } catch {
      return null; // an engine beyond asking: the widget restarts it
    }
  }
}
