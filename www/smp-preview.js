// <smp-preview sample="assets/sample-01.jpg">: shows a person what scalp
// micropigmentation would look like on a photo of their own head. The Rust
// engine (wasm, in ./pkg/) does all pixel work; this element owns the UI.
// Works under CSP `script-src 'self' 'wasm-unsafe-eval'; style-src 'self'`:
// no inline styles or scripts, styles come from smp-preview.css.
//
// Events (bubble, composed): smp-photo {width, height, name} after a photo
// loads; smp-render {ms, design} after each repaint.

import { decodePhoto, PhotoError, FULL_MAX, WORKING_MAX } from './photo.js';
import { Viewport } from './viewport.js';
import { Handles } from './handles.js';
import { Brush } from './brush.js';
import { SLIDERS, HAIRLINE, TEMPLATE } from './template.js';
import { exportImage, saveBlob } from './export.js';

const HERE = new URL('./', import.meta.url);
const DEFAULT_SAMPLE = new URL('assets/sample-01.jpg', HERE).href;

// One engine module per page, loaded on first use relative to this file.
let enginePromise = null;
function loadEngine() {
  enginePromise ??= (async () => {
    const mod = await import(new URL('pkg/smp_preview.js', HERE).href);
    const wasm = await mod.default({ module_or_path: new URL('pkg/smp_preview_bg.wasm', HERE) });
    return { Engine: mod.Engine, memory: wasm.memory };
  })();
  return enginePromise;
}

class SmpPreview extends HTMLElement {
  static observedAttributes = ['sample'];

  #els = {};
  #engine = null;
  #memory = null;
  #photo = null; // { full: ImageBitmap, width, height, name, capped, sourceWidth, sourceHeight }
  #ownPhoto = false; // once a person picks a photo, the sample attribute no longer replaces it
  #loadToken = 0;
  #pending = new Map(); // control changes waiting for the next animation frame
  #pendingHandle = null;
  #raf = 0;
  #exporting = false;
  #seed = ''; // set by "New pattern"; kept for later photos
  #design = null; // the engine's design as last rendered
  #viewport;
  #handles;
  #brush;
  /** Counters for tests and integrations: renders, last render time (ms), photos loaded. */
  stats = { renders: 0, lastRenderMs: 0, photos: 0 };

  connectedCallback() {
    if (this.shadowRoot) return;
    const root = this.attachShadow({ mode: 'open' });
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = new URL('smp-preview.css', HERE).href;
    root.innerHTML = TEMPLATE;
    root.prepend(link);
    // Hidden until the stylesheet arrives, so the unstyled form never flashes.
    const shell = root.querySelector('.root');
    shell.style.visibility = 'hidden';
    const reveal = () => (shell.style.visibility = '');
    link.addEventListener('load', reveal);
    link.addEventListener('error', reveal);
    this.#wire(root);
    this.setAttribute('state', 'loading');
    this.#start();
  }

  attributeChangedCallback(name, old, value) {
    if (name === 'sample' && old !== value && this.#engine && !this.#ownPhoto) this.#loadSample();
  }

  /** The current design (the engine's design_json), or null before a photo. */
  get design() {
    return this.#photo ? JSON.parse(this.#engine.design_json()) : null;
  }

  /** Loads a photo (File or Blob) as if picked by the person. */
  loadPhoto(blob) {
    this.#ownPhoto = true;
    return this.#load(blob, blob.name || 'photo');
  }

  async #start() {
    try {
      const { Engine, memory } = await loadEngine();
      this.#engine = new Engine();
      this.#memory = memory;
    } catch (e) {
      this.setAttribute('state', 'error');
      this.#showMessage("The preview engine couldn't start in this browser. Try an up-to-date Chrome, Edge, Firefox or Safari.", true);
      this.#say("The preview engine couldn't start.", true);
      this.#els.photoSet.disabled = true;
      return;
    }
    this.#showMessage('Loading the sample photo…');
    if (!this.#photo) await this.#loadSample();
  }

  async #loadSample() {
    const url = this.hasAttribute('sample') ? new URL(this.getAttribute('sample'), document.baseURI).href : DEFAULT_SAMPLE;
    let blob;
    try {
      const res = await fetch(url);
      if (!res.ok) throw new Error(String(res.status));
      blob = await res.blob();
    } catch {
      if (!this.#photo) {
        this.#showMessage("The sample photo couldn't be loaded. Choose a photo of your own head to start.", true);
        this.setAttribute('state', 'ready');
      }
      this.#say("The sample photo couldn't be loaded.", true);
      return;
    }
    if (!this.#ownPhoto) await this.#load(blob, 'sample', true);
  }

  async #load(blob, name, isSample = false) {
    if (!this.#engine) {
      this.#say('The preview engine is still loading. Try again in a moment.', true);
      return;
    }
    const token = ++this.#loadToken;
    this.#say(isSample ? 'Opening the sample photo…' : 'Opening your photo…');
    this.#els.busy.hidden = !this.#photo; // over the current preview; the first load has its own message
    try {
      await this.#loadNow(blob, name, isSample, token);
    } finally {
      if (token === this.#loadToken) this.#els.busy.hidden = true;
    }
  }

  async #loadNow(blob, name, isSample, token) {
    let decoded;
    try {
      decoded = await decodePhoto(blob);
    } catch (e) {
      if (token !== this.#loadToken) return;
      const message = e instanceof PhotoError ? e.message : "This file isn't a photo we can read. Try a JPEG or PNG.";
      this.#failLoad(message);
      return;
    }
    if (token !== this.#loadToken) return decoded.full.close();
    // Let the status paint: sampling the dot pattern takes a few hundred ms.
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
    if (token !== this.#loadToken) return decoded.full.close();
    const { working } = decoded;
    try {
      this.#engine.load_photo(working.width, working.height, new Uint8Array(working.data.buffer));
    } catch (e) {
      decoded.full.close();
      this.#failLoad(`This photo can't be previewed: ${e.message}`);
      return;
    }
    this.#photo?.full.close();
    // The working pixels now live in the engine and the 'before' canvas; keep only the full bitmap.
    const { working: _, ...kept } = decoded;
    this.#photo = { ...kept, width: working.width, height: working.height, name: baseName(name) };
    const { after, before, afterCtx, beforeCtx } = this.#els;
    for (const c of [after, before]) [c.width, c.height] = [working.width, working.height];
    beforeCtx.putImageData(working, 0, 0);
    afterCtx.putImageData(working, 0, 0);
    this.#els.frame.classList.remove('empty');
    this.#hideMessage();
    this.#viewport.setImageSize(working.width, working.height);
    try {
      this.#applyControls();
    } catch (e) {
      this.#say(e.message, true);
    }
    this.#render();
    for (const f of this.#els.designSets) f.disabled = false;
    this.#updateExportNote();
    this.stats.photos++;
    this.setAttribute('state', 'ready');
    const { sourceWidth: sw, sourceHeight: sh } = decoded;
    this.#say(
      isSample
        ? 'Showing the sample photo. Choose or drop your own photo to see yourself.'
        : `Photo loaded (${sw} × ${sh} pixels).` +
            (decoded.capped ? ` It is larger than ${FULL_MAX} pixels, so downloads are scaled down to ${decoded.full.width} × ${decoded.full.height}.` : ''),
    );
    this.dispatchEvent(new CustomEvent('smp-photo', { bubbles: true, composed: true, detail: { width: sw, height: sh, name } }));
  }

  #failLoad(message) {
    this.#say(this.#photo ? `${message} The current preview stays.` : message, true);
    if (!this.#photo) this.#showMessage(message, true);
    this.#els.file.value = '';
    this.#els.camera.value = '';
  }

  // Carries the person's choices over to a newly loaded photo; the hairline's
  // place comes from the new photo itself.
  #applyControls() {
    const e = this.#engine;
    for (const s of SLIDERS) if (s !== HAIRLINE) e.set(s.name, this.#value(s.name));
    e.set_shape(this.#els.shape.value);
    e.set_edge(this.#els.root.querySelector('input[name=edge]:checked').value);
    if (this.#seed) e.set_seed(this.#seed);
    this.#pending.clear();
    this.#pendingHandle = null;
  }

  #value(name) {
    // Rounded so float steps (0.15 + k * 0.05) never land a hair outside the engine's range.
    return Number(Number(this.#els[name].value).toFixed(4));
  }

  /** Queues an engine change; changes are applied and drawn once per frame. */
  #queue(name, value) {
    this.#pending.set(name, value);
    this.#raf ||= requestAnimationFrame(() => this.#flush());
  }

  #flush() {
    this.#raf = 0;
    if (!this.#photo) return;
    const e = this.#engine;
    for (const [name, value] of this.#pending) {
      try {
        if (name === 'shape') e.set_shape(value);
        else if (name === 'edge') e.set_edge(value);
        else if (name === 'seed') e.set_seed(value);
        else e.set(name, value);
      } catch (err) {
        this.#say(err.message, true);
      }
    }
    this.#pending.clear();
    if (this.#pendingHandle) {
      const { i, x, y } = this.#pendingHandle;
      this.#pendingHandle = null;
      try {
        e.set_handle(i, x, y);
      } catch (err) {
        this.#say(err.message, true);
      }
    }
    this.#render();
  }

  #render() {
    const e = this.#engine;
    const t0 = performance.now();
    const ptr = e.render();
    const w = e.width();
    const h = e.height();
    // A fresh view every time: wasm memory may have grown (detaching old views).
    const pixels = new Uint8ClampedArray(this.#memory.buffer, ptr, w * h * 4);
    this.#els.afterCtx.putImageData(new ImageData(pixels, w, h), 0, 0);
    const ms = performance.now() - t0;
    this.stats.renders++;
    this.stats.lastRenderMs = ms;
    const design = JSON.parse(e.design_json());
    this.#syncFromDesign(design);
    this.dispatchEvent(new CustomEvent('smp-render', { bubbles: true, composed: true, detail: { ms, design } }));
  }

  // Controls the engine can change by itself (hairline height after a handle
  // drag or preset, brush history) follow the design.
  #syncFromDesign(d) {
    const els = this.#els;
    this.#design = d;
    if (!this.#pending.has('hairline_cm')) els.hairline_cm.value = String(d.hairline_cm);
    this.#showValue('hairline_cm', HAIRLINE.show(d.hairline_cm));
    els.seedValue.textContent = `Pattern number ${d.seed}`;
    els.undo.disabled = d.brush_strokes === 0;
    this.#brush.pxPerCm = d.px_per_cm;
    this.#drawOverlay();
  }

  #drawOverlay() {
    const d = this.#design;
    if (!d || !this.#photo) return;
    this.#handles.update(this.#engine.handles(), { shape: d.shape, pxPerCm: d.px_per_cm, showLine: this.#els.showLine.checked });
    const v = Number(this.#els.compare.value);
    const line = this.#els.divider;
    const top = this.#viewport.toFrame(v / 100, 0);
    const bottom = this.#viewport.toFrame(v / 100, 1);
    line.setAttribute('x1', top.x);
    line.setAttribute('x2', bottom.x);
    line.setAttribute('y1', top.y);
    line.setAttribute('y2', bottom.y);
    line.classList.toggle('shown', v > 0 && v < 100);
    this.#els.zoomLevel.textContent = `${Math.round(this.#viewport.scale * 100)}%`;
    this.#brush.redraw();
  }

  #wire(root) {
    const q = (s) => root.querySelector(s);
    const els = this.#els;
    Object.assign(els, {
      root,
      frame: q('.frame'),
      content: q('.content'),
      after: q('canvas.after'),
      before: q('canvas.before'),
      message: q('.message'),
      dropHint: q('.drop-hint'),
      busy: q('.busy'),
      status: q('.status'),
      file: q('#file'),
      camera: q('#camera'),
      photoSet: q('.photo-set'),
      designSets: [...root.querySelectorAll('fieldset.design')],
      shape: q('#shape'),
      showLine: q('#show-line'),
      compare: q('#compare'),
      divider: q('line.divider'),
      undo: q('.undo'),
      brushSize: q('#brush-size'),
      seedValue: q('#seed-value'),
      zoomLevel: q('.zoom-level'),
      exportSize: q('.export-size'),
    });
    // Only putImageData goes to these canvases; tests read them back.
    els.afterCtx = els.after.getContext('2d');
    els.beforeCtx = els.before.getContext('2d');
    for (const s of SLIDERS) {
      els[s.name] = q(`#${s.name}`);
      this.#showValue(s.name, s.show(s.value));
      els[s.name].addEventListener('input', () => {
        const v = this.#value(s.name);
        this.#showValue(s.name, s.show(v));
        this.#queue(s.name, v);
      });
    }

    this.#viewport = new Viewport(els.frame, els.content, () => this.#drawOverlay());
    this.#handles = new Handles(q('.handles'), q('path.hairline'), this.#viewport, (i, x, y) => {
      this.#pendingHandle = { i, x, y };
      this.#raf ||= requestAnimationFrame(() => this.#flush());
    });
    this.#brush = new Brush(q('path.trail'), q('circle.ring'), this.#viewport, (points, radius, add) => {
      try {
        this.#engine.brush(points, radius, add);
        this.#render();
      } catch (e) {
        this.#say(e.message, true);
      }
    });

    // Photo in: pickers and drag and drop.
    for (const input of [els.file, els.camera]) {
      input.addEventListener('change', () => {
        const f = input.files?.[0];
        if (f) this.loadPhoto(f);
        input.value = ''; // picking the same file again still loads it
      });
    }
    this.addEventListener('dragover', (e) => {
      if (!e.dataTransfer?.types.includes('Files')) return;
      e.preventDefault(); // allows the drop
      e.dataTransfer.dropEffect = 'copy';
      els.dropHint.hidden = false;
    });
    this.addEventListener('dragleave', (e) => {
      if (!e.relatedTarget || !this.contains(e.relatedTarget)) els.dropHint.hidden = true;
    });
    this.addEventListener('drop', (e) => {
      els.dropHint.hidden = true;
      const f = e.dataTransfer?.files?.[0];
      if (!f) return;
      e.preventDefault(); // the browser must not navigate to the file
      this.loadPhoto(f);
    });

    // Design controls.
    els.shape.addEventListener('change', () => this.#queue('shape', els.shape.value));
    for (const r of root.querySelectorAll('input[name=edge]')) r.addEventListener('change', () => this.#queue('edge', r.value));
    q('.new-pattern').addEventListener('click', () => {
      // Decimal text: a u64 seed does not survive a JavaScript number.
      this.#seed = crypto.getRandomValues(new BigUint64Array(1))[0].toString();
      this.#queue('seed', this.#seed);
      this.#say('New dot pattern.');
    });
    els.showLine.addEventListener('change', () => this.#drawOverlay());

    // Before / after: the original is uncovered from the left.
    els.compare.addEventListener('input', () => this.#compare());
    this.#compare();

    // Zoom buttons.
    q('.zoom-in').addEventListener('click', () => this.#viewport.zoomBy(1.5));
    q('.zoom-out').addEventListener('click', () => this.#viewport.zoomBy(1 / 1.5));
    q('.fit').addEventListener('click', () => this.#viewport.fit());
    q('.actual').addEventListener('click', () => this.#viewport.zoomTo(1));

    // Brush.
    for (const r of root.querySelectorAll('input[name=brush]')) {
      r.addEventListener('change', () => {
        this.#brush.mode = r.value;
        this.#viewport.painter = r.value === 'off' ? null : this.#brush;
        els.frame.classList.toggle('painting', r.value !== 'off');
        this.#brush.hover(null);
      });
    }
    const showBrushSize = () => {
      this.#brush.diameterCm = Number(els.brushSize.value);
      this.#showValue('brush-size', `${Number(els.brushSize.value).toFixed(1)} cm across`);
    };
    els.brushSize.addEventListener('input', showBrushSize);
    showBrushSize();
    els.frame.addEventListener('pointermove', (e) => this.#brush.hover(e.clientX, e.clientY));
    els.frame.addEventListener('pointerleave', () => this.#brush.hover(null));
    els.undo.addEventListener('click', () => {
      if (this.#engine?.undo_brush()) this.#say('Brush stroke undone.');
      this.#render();
    });

    // Export.
    for (const b of root.querySelectorAll('.download')) b.addEventListener('click', () => this.#download(b.dataset.type));
  }

  #compare() {
    const v = Number(this.#els.compare.value);
    const { before } = this.#els;
    // Clip in the photo's own coordinates, so the split follows zoom and pan.
    before.style.clipPath = `inset(0 ${100 - v}% 0 0)`;
    before.classList.toggle('shown', v > 0);
    const text = v === 0 ? 'After' : v === 100 ? 'Before (original)' : `Original on the left ${v}%`;
    this.#showValue('compare', text);
    this.#drawOverlay();
  }

  #updateExportNote() {
    const p = this.#photo;
    this.#els.exportSize.textContent =
      `Full resolution: ${p.full.width} × ${p.full.height} pixels` +
      (p.capped ? ` (your photo is ${p.sourceWidth} × ${p.sourceHeight}; downloads are capped at ${FULL_MAX} pixels on the longest side).` : '.') +
      (p.full.width > WORKING_MAX || p.full.height > WORKING_MAX ? ' The preview on screen is a smaller copy.' : '') +
      ' Location and camera details from the original are not included.';
  }

  async #download(type) {
    if (!this.#photo || this.#exporting) return;
    this.#exporting = true;
    const buttons = this.#els.root.querySelectorAll('.download');
    for (const b of buttons) b.disabled = true;
    const { full, name } = this.#photo;
    const ext = type === 'image/png' ? 'png' : 'jpg';
    this.#say(`Preparing the full-size ${ext.toUpperCase()} (${full.width} × ${full.height})…`);
    try {
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r))); // let the status paint
      const blob = await exportImage(this.#engine, full, type);
      const file = `${name}-smp-preview.${ext}`;
      saveBlob(blob, file, this.#els.root);
      this.#say(`Downloaded ${file} (${full.width} × ${full.height}).`);
    } catch (e) {
      this.#say(`The full-size image couldn't be made (${e.message}). Try a smaller photo.`, true);
    } finally {
      this.#exporting = false;
      for (const b of buttons) b.disabled = false;
    }
  }

  // The visible value with its unit; screen readers get the same words from the slider.
  #showValue(id, text) {
    const root = this.#els.root;
    root.getElementById(`${id}-value`).textContent = text;
    root.getElementById(id).setAttribute('aria-valuetext', text);
  }

  #say(text, isError = false) {
    const s = this.#els.status;
    s.textContent = text;
    s.classList.toggle('error', isError);
  }

  #showMessage(text, isError = false) {
    const m = this.#els.message;
    m.hidden = false;
    m.classList.toggle('error', isError);
    m.querySelector('p').textContent = text;
  }

  #hideMessage() {
    this.#els.message.hidden = true;
  }
}

function baseName(name) {
  return (
    String(name)
      .replace(/\.[^.]*$/, '')
      .replace(/[^\w.-]+/g, '-')
      .slice(0, 60) || 'photo'
  );
}

if (!customElements.get('smp-preview')) customElements.define('smp-preview', SmpPreview);
