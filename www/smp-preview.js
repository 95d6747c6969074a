// <smp-preview sample="assets/sample-01.jpg">: shows a person what scalp
// micropigmentation would look like on a photo of their own head. The Rust
// engine (wasm, in ./pkg/) does all pixel work; this element owns the UI.
// Works under CSP `script-src 'self' 'wasm-unsafe-eval'; style-src 'self'`:
// no inline styles or scripts, styles come from smp-preview.css.
//
// Attributes (all optional, all live): sample (photo URL), density, shade,
// hairline (cm): the starting design; controls (comma list of the groups in
// CONTROL_GROUPS to show); cta-label, cta-href, cta-target (a call-to-action
// button); ignore-link (do not open share links from the page's #fragment).
// Themed with CSS custom properties (--smp-brand, --smp-font, --smp-radius,
// ...; see README).
//
// Events (bubble, composed; the photo is never in one): smp-design-change,
// smp-export, smp-share, smp-cta-click, each with { design, ... } in detail
// (design: the engine's design as plain data, the `design` property);
// smp-photo {width, height, name} after a photo loads; smp-render {ms,
// design} after each repaint.
//
// The element is the attributes, properties, events and controls; the
// engine, the photo in it and the design are the session's (session.js),
// share links are links.js's. The wasm is fetched once per page, when the
// first widget comes into view.

import { decodeImage, FULL_MAX } from './photo.js';
import { Viewport } from './viewport.js';
import { Handles, onPhoto } from './handles.js';
import { Asks, HAIRLINE_VIEWS } from './asks.js';
import { Brush } from './brush.js';
import { NO_FACE, NO_FACE_SHORT } from './journey.js';
import { DesignControls } from './controls.js';
import { TEMPLATE, CONTROL_GROUPS } from './template.js';
import { Downloads } from './export.js';
import { Session, must, explainCsp } from './session.js';
import { pageLink, OpenLink, SharePanel } from './links.js';
import { TouchGuard } from './touch.js';

const HERE = new URL('./', import.meta.url);
const DEFAULT_SAMPLE = new URL('assets/sample-01.jpg', HERE).href;

/** Said after a person's own photo when the on-device models could not run (models.js). */
const LESS_SURE = 'Automatic detection is less sure on this photo: check the outline and hairline.';
const KEEPING_HAIR =
  "There is plenty of hair above your hairline, so the dots go between your hairs (“I'm keeping my hair”, under Over time); untick it for the shaved look.";

/** Said after a link's problem when the preview shows the default design. */
const DEFAULT_DESIGN = ' The preview shows the default design instead.';

/** Frees the bitmap of a photo decoding (a promise) that will never be shown; its errors no longer matter. */
function discard(decoded) {
  decoded?.then((d) => d.full.close(), () => {});
}

// Attributes that set a starting value, and the slider each one sets.
const DEFAULT_ATTRS = { density: 'density', shade: 'shade', hairline: 'hairline_cm' };
const DESIGN_CHANGE_DELAY = 300; // ms of quiet before smp-design-change
/** A widget this close to the viewport (CSS px) starts loading. */
const NEAR_VIEW_PX = 200;

class SmpPreview extends HTMLElement {
  static observedAttributes = ['sample', 'density', 'shade', 'hairline', 'controls', 'cta-label', 'cta-href', 'cta-target'];

  // The shadow root and the elements the element works with (see #wire).
  #root;
  #frame;
  #after;
  #before;
  #message;
  #dropHint;
  #busy;
  #status;
  #showLine;
  #compareInput;
  #divider;
  #undo;
  #brushSize;
  #zoomLevel;
  #invite;
  #ctaLink;
  #ctaButton;
  #asks; // asks.js: the view and the forehead tap
  #afterCtx;
  #beforeCtx;
  #controls; // controls.js: sliders, shape, edge, pattern, journey
  #session = null; // session.js: the engine, the photo in it and the design
  #link = null; // links.js: the share link being opened
  #sharePanel = null; // links.js: making links and sharing images
  #ownPhoto = false; // once a person picks a photo, the sample attribute no longer replaces it
  #loadToken = 0;
  #downloads; // export.js: the Download panel
  #sentDesign = ''; // the design of the last smp-design-change (or of the loaded photo)
  #changeTimer = 0;
  #showHairline = true;
  #started = false;
  #onHash = () => this.#hashChanged();
  #viewport;
  #handles;
  #brush;
  /**
   * Counters for tests and integrations: renders, last render time (ms),
   * photos loaded, brush dabs painted, share links made, and the last
   * share link's lengths.
   */
  stats = { renders: 0, lastRenderMs: 0, photos: 0, dabs: 0, shares: 0, lastShare: null, engine: '', wasmBytes: 0, models: '' };

  connectedCallback() {
    if (this.shadowRoot) {
      // Moved within the page: listen for links again.
      if (this.#session) window.addEventListener('hashchange', this.#onHash);
      return;
    }
    // First, while the page's layout is still cheap to measure: a widget in
    // view starts fetching its engine and sample before its form is built.
    this.#whenVisible(() => this.#start());
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
    this.#applyGroups();
    this.#applyCta();
    this.setAttribute('state', 'loading');
  }

  disconnectedCallback() {
    window.removeEventListener('hashchange', this.#onHash);
  }

  attributeChangedCallback(name, old, value) {
    // Before connectedCallback there is nothing to update: it reads every attribute.
    if (!this.shadowRoot || old === value) return;
    if (name === 'sample') {
      if (this.#session && !this.#ownPhoto) this.#loadSample();
    } else if (name in DEFAULT_ATTRS) this.#applyDefault(name, true);
    else if (name === 'controls') this.#applyGroups();
    else this.#applyCta();
  }

  /** The current design as plain data (density, shade, ..., handles, brush_strokes), or null before a photo. */
  get design() {
    return this.#photo ? (this.#session?.design() ?? null) : null;
  }

  /** The photo shown (session.js): { full: ImageBitmap, width, height, name, capped, sourceWidth, sourceHeight, hints }, or null. */
  get #photo() {
    return this.#session?.photo ?? null;
  }

  /** Loads a photo (File or Blob) as if picked by the person. */
  loadPhoto(blob) {
    this.#ownPhoto = true;
    return this.#load(blob, blob.name || 'photo');
  }

  /** Runs `start` once the element is in (or near) view, so a widget further down the page costs nothing until then. */
  #whenVisible(start) {
    if (typeof IntersectionObserver !== 'function') return start();
    // Already in view (the usual case: the widget near the top of its page):
    // start now, not at the observer's first report, which waits for the
    // next frame (~50 ms later on a first visit).
    const box = this.getBoundingClientRect();
    if (box.top < innerHeight + NEAR_VIEW_PX && box.bottom > -NEAR_VIEW_PX) return start();
    const io = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        io.disconnect();
        start();
      },
      { rootMargin: `${NEAR_VIEW_PX}px` },
    );
    io.observe(this);
  }

  async #start() {
    if (this.#started) return;
    this.#started = true;
    // Fetch the sample while the engine compiles (unless a link may bring its own photo).
    const sample = this.#readLink() ? null : this.#startSample();
    try {
      this.#session = await Session.start(HERE, {
        frame: (frame) => this.#show(frame),
        error: (message) => this.#say(message, true),
        photo: () => this.#beforeCtx.getImageData(0, 0, this.#before.width, this.#before.height),
        restarted: (message, failed) => this.#restarted(message, failed),
      }, this.stats);
      this.stats.engine = this.#session.kind;
      performance.mark('smp-engine-ready'); // startup milestones, for the benchmark and the browser's profiler
    } catch (e) {
      this.setAttribute('state', 'error');
      // A page whose CSP refuses WebAssembly is the site's to fix: the console says how, the visitor reads a neutral note.
      if (explainCsp(e)) this.#showMessage("The preview can't start on this page. Please try again later.", true);
      else this.#showMessage("The preview engine couldn't start in this browser. Try an up-to-date Chrome, Edge, Firefox or Safari.", true);
      this.#say("The preview engine couldn't start.", true);
      this.#root.querySelector('.photo-set').disabled = true;
      sample?.then((f) => discard(f.decoded)); // never shown
      return;
    }
    this.#link = new OpenLink(this.#session);
    this.#sharePanel = new SharePanel(this.#root, this.#session, {
      photo: () => this.#photo && { ...this.#photo, canvas: this.#before },
      say: (text, isError) => this.#say(text, isError),
      emit: (type, detail) => this.#emit(type, detail),
      stats: this.stats,
    });
    // The sliders' ranges are the engine's; a clinic's starting values go on them.
    this.#controls.setRanges(this.#session.layout.ranges);
    for (const name of Object.keys(DEFAULT_ATTRS)) this.#applyDefault(name, false);
    this.#showMessage('Loading the sample photo…');
    if (this.isConnected) window.addEventListener('hashchange', this.#onHash);
    if (this.#photo) return;
    const fragment = this.#readLink();
    if (fragment && (await this.#openLink(fragment))) return;
    await this.#loadSample(sample);
  }

  // ---- Share links (links.js) --------------------------------------------

  /** The share link in the page's address, or null (also with the ignore-link attribute). */
  #readLink() {
    return this.hasAttribute('ignore-link') ? null : pageLink();
  }

  /**
   * Opens a share link. A link with a photo loads that photo and applies the
   * design (true when done). Otherwise the design waits for the next photo
   * (the sample, or the person's own) and this returns false. A broken link
   * is kept as the link's problem and changes nothing.
   */
  async #openLink(fragment) {
    const photo = await this.#link.read(fragment);
    if (!photo) return false;
    this.#ownPhoto = true;
    const ok = await this.#load(new Blob([photo], { type: 'image/jpeg' }), 'shared-photo', { fromLink: true });
    if (ok) return true;
    this.#ownPhoto = false; // the photo in the link did not open: show the design on the sample
    return false;
  }

  async #hashChanged() {
    if (!this.#session) return;
    const fragment = this.#readLink();
    if (!fragment) return;
    if (await this.#openLink(fragment)) return;
    const link = this.#link;
    if (link.problem) {
      this.#say(`${link.problem} The current preview stays.`, true);
      return;
    }
    if (this.#ownPhoto && this.#photo) {
      // The person has their own photo: the design moves onto it.
      try {
        this.#say(await link.apply('own'));
        this.#invite.hidden = true;
      } catch (e) {
        link.shared = null;
        this.#say(`${e.message} The current preview stays.`, true);
      }
      await this.#session.render();
      this.#baseline();
    } else {
      this.#ownPhoto = false;
      await this.#loadSample();
    }
  }

  // ---- Attributes ----------------------------------------------------------

  /** A starting value from an attribute (density, shade, hairline), on its slider's grid; `live` also changes the preview. */
  #applyDefault(attr, live) {
    const name = DEFAULT_ATTRS[attr];
    const v = this.#attrValue(attr);
    if (v == null) return;
    this.#controls.set(name, v);
    if (live && this.#photo) this.#session.edit(name, v);
  }

  /** An attribute's starting value on its slider's grid (the engine's range), or null (none, or the engine not yet running). */
  #attrValue(attr) {
    return this.#controls.snap(DEFAULT_ATTRS[attr], this.getAttribute(attr));
  }

  /** Shows the control groups the `controls` attribute lists (all without it). */
  #applyGroups() {
    const list = this.getAttribute('controls');
    const shown = list == null ? null : new Set(list.split(',').map((g) => g.trim().toLowerCase()));
    const root = this.#root;
    for (const g of CONTROL_GROUPS) {
      for (const el of root.querySelectorAll(`.group-${g}`)) el.hidden = shown ? !shown.has(g) : false;
    }
    // Without the hairline group the handles go too; without the brush, it stays off.
    this.#showHairline = !shown || shown.has('hairline');
    root.querySelector('.handles').hidden = !this.#showHairline;
    if (shown && !shown.has('brush')) {
      const off = root.querySelector('input[name=brush][value=off]');
      if (!off.checked) {
        off.checked = true;
        off.dispatchEvent(new Event('change'));
      }
    }
    this.#drawOverlay();
  }

  /** The call-to-action button from cta-label, cta-href and cta-target. */
  #applyCta() {
    const ctaLink = this.#ctaLink;
    const ctaButton = this.#ctaButton;
    const label = (this.getAttribute('cta-label') ?? '').trim();
    const href = safeHref(this.getAttribute('cta-href'));
    this.#root.querySelector('.cta-row').hidden = !label;
    ctaLink.hidden = !(label && href);
    ctaButton.hidden = !(label && !href);
    if (label) {
      ctaLink.textContent = label;
      ctaButton.textContent = label;
    }
    if (href) ctaLink.href = href;
    else ctaLink.removeAttribute('href');
    const target = this.getAttribute('cta-target');
    if (target && /^_(blank|top|parent|self)$/.test(target)) {
      ctaLink.target = target;
      ctaLink.rel = target === '_blank' ? 'noopener' : '';
    } else {
      ctaLink.removeAttribute('target');
      ctaLink.removeAttribute('rel');
    }
  }

  // ---- Events ------------------------------------------------------------

  /** Dispatches `type` with the design (never the photo) and `extra` in detail. */
  #emit(type, extra = {}) {
    this.#fire(type, { design: this.design, ...extra });
  }

  /** Dispatches `type` (bubbling out of the shadow root) with `detail`. */
  #fire(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { bubbles: true, composed: true, detail }));
  }

  /** After a repaint: smp-design-change once the design has been still for a moment. */
  #designMaybeChanged() {
    clearTimeout(this.#changeTimer);
    this.#changeTimer = setTimeout(() => {
      if (!this.#photo) return;
      const key = this.#session.key();
      if (key === this.#sentDesign) return;
      this.#sentDesign = key;
      this.#sharePanel.designChanged();
      this.#emit('smp-design-change');
    }, DESIGN_CHANGE_DELAY);
  }

  /** A newly loaded photo's design is where changes are counted from. */
  #baseline() {
    clearTimeout(this.#changeTimer);
    this.#sentDesign = this.#session.key();
  }

  #sampleUrl() {
    return this.hasAttribute('sample') ? new URL(this.getAttribute('sample'), document.baseURI).href : DEFAULT_SAMPLE;
  }

  /**
   * Starts loading and decoding the sample photo: a promise of
   * { url, decoded } (decoded: a promise of decodeImage's result) or of
   * { url, error }. It loads through an <img>, which the browser fetches and
   * decodes off the main thread while the engine starts (a fetch, then
   * decoding the bytes, waited ~25 ms longer for the busy main thread).
   */
  #startSample() {
    const url = this.#sampleUrl();
    const img = new Image();
    img.crossOrigin = 'anonymous'; // a sample on another host needs CORS, as a fetch would
    img.src = url;
    return img.decode().then(
      () => {
        const decoded = decodeImage(img);
        decoded.catch(() => {}); // reported when awaited
        return { url, decoded };
      },
      (error) => ({ url, error }),
    );
  }

  /** Shows the sample photo; `early` is the #startSample begun before the engine was ready. */
  async #loadSample(early = null) {
    let fetched = early && (await early);
    // The sample attribute may have changed since the early load began.
    if (!fetched || fetched.url !== this.#sampleUrl()) {
      discard(fetched?.decoded);
      fetched = await this.#startSample();
    }
    const { error, decoded } = fetched;
    if (error) {
      if (!this.#photo) {
        this.#showMessage("The sample photo couldn't be loaded. Choose a photo of your own head to start.", true);
        this.setAttribute('state', 'ready');
      }
      this.#say("The sample photo couldn't be loaded.", true);
      return;
    }
    if (!this.#ownPhoto) await this.#load(null, 'sample', { isSample: true, decoded });
    else discard(decoded);
  }

  /** Loads a photo (`decoded`: its decodePhoto or decodeImage promise when already started); resolves to true once it is shown. */
  async #load(blob, name, { isSample = false, fromLink = false, decoded = null } = {}) {
    if (!this.#session) {
      this.#say('The preview engine is still loading. Try again in a moment.', true);
      return false;
    }
    const token = ++this.#loadToken;
    this.#say(isSample ? 'Opening the sample photo…' : fromLink ? 'Opening the photo in the link…' : 'Opening your photo…');
    this.#busy.hidden = !this.#photo; // over the current preview; the first load has its own message
    try {
      return await this.#loadNow(blob, name, isSample, fromLink, token, decoded);
    } finally {
      if (token === this.#loadToken) this.#busy.hidden = true;
    }
  }

  async #loadNow(blob, name, isSample, fromLink, token, decoded) {
    const session = this.#session;
    const link = this.#link;
    // Without a link to apply, the person's choices and the first frame come in the same request as the photo:
    // one trip to the engine (and one turn of a busy page) instead of three.
    const direct = !link.shared;
    let opened;
    try {
      opened = await session.open({
        blob,
        decoded,
        name,
        models: !isSample && !fromLink,
        calls: () => (direct ? [this.#controlEdit()] : []),
        render: direct,
      });
    } catch (e) {
      if (token !== this.#loadToken) return false;
      this.#failLoad(fromLink && e.stage === 'decode' ? `The photo in this link can't be opened: ${e.message}` : e.message);
      return false;
    }
    if (!opened || token !== this.#loadToken) return false;
    let first = opened.answer;
    const { working } = opened;
    const { photo } = session;
    for (const c of [this.#after, this.#before]) [c.width, c.height] = [working.width, working.height];
    this.#beforeCtx.putImageData(working, 0, 0);
    // The 'after' canvas gets its first frame below (a second full-size put
    // here cost ~8 ms of the first preview).
    this.#frame.classList.remove('empty');
    this.#hideMessage();
    this.#asks.newPhoto(); // questions about the old photo are void
    this.#viewport.setImageSize(working.width, working.height);
    // A new photo: links and prepared images of the old one are out of date.
    this.#sharePanel.newPhoto();
    let note = null;
    let problem = null;
    const automatic = direct; // the hairline comes from the photo, not from a link
    // A link sets this photo's preview as its sender had it: on the photo it carries, or on the very photo it was made on.
    let exact = fromLink;
    try {
      if (direct) must(first.results.slice(1));
      else {
        // The share link being opened: on the photo it carries, on the sample (with an invitation to load
        // one's own), or carried over to the person's own.
        note = await link.apply(fromLink ? 'link' : isSample ? 'sample' : 'own', working);
        exact = link.exact;
        this.#invite.hidden = !isSample;
      }
    } catch (e) {
      // A link that decodes but does not apply: say why and keep the defaults.
      problem = e.message + DEFAULT_DESIGN;
      link.shared = null;
      this.#invite.hidden = true;
      try {
        must(await this.#session.send([this.#controlEdit()]));
      } catch (e2) {
        problem = e2.message;
      }
    }
    if (token !== this.#loadToken) return false; // a newer photo is on its way: it draws itself
    // Never a handle off the photo: an automatic placement past its edge moves onto it (a link's handles stay as
    // the sender had them; they are drawn on the photo, and a drag keeps them there).
    const placed = this.#session.get('handles');
    if (automatic && placed) {
      const fixed = onPhoto(placed);
      if (fixed.some((v, i) => Math.abs(v - placed[i]) > 1e-6)) {
        await this.#session.send([this.#session.edits({ handles: fixed })]);
        first = null; // its frame is out of date
      }
    }
    if (first?.frame && !problem) this.#show(first.frame);
    else if (first?.renderError && !problem) await this.#session.restart(first.renderError);
    else await this.#session.render();
    if (token !== this.#loadToken) return false;
    this.#baseline();
    for (const f of this.#root.querySelectorAll('fieldset.design')) f.disabled = false;
    this.#asks.enable();
    this.#downloads.newPhoto(photo);
    this.stats.photos++;
    this.setAttribute('state', 'ready');
    const { sourceWidth: sw, sourceHeight: sh } = photo;
    problem ??= link.problem && link.problem + DEFAULT_DESIGN;
    link.problem = '';
    // A person's own photo: the engine can't yet tell its view, so it asks (the sample is a front photo; a link made
    // on this photo carries its view).
    const ask = !isSample && !exact;
    let said =
      problem ||
      note ||
      (isSample
        ? 'Showing the sample photo. Choose or drop your own photo to see yourself.'
        : `Photo loaded (${sw} × ${sh} pixels).` +
          (photo.capped ? ` It is larger than ${FULL_MAX} pixels, so downloads are scaled down to ${photo.full.width} × ${photo.full.height}.` : ''));
    // No eyes found where a front hairline shows: it sits at a default (a link's own handles need no note; a side
    // or back view has no front hairline).
    const hairline = HAIRLINE_VIEWS.includes(this.#session.get('view'));
    if (!problem && note == null && hairline && !this.#session.state.face) said += ` ${ask ? NO_FACE_SHORT : NO_FACE}`;
    if (!problem && ask && !photo.hints) said += ` ${LESS_SURE}`;
    // The engine chose the keeping-my-hair mode from how much hair the photo shows.
    if (!problem && automatic && this.#session.get('thinning')) said += ` ${KEEPING_HAIR}`;
    if (ask) said += ' Which view is this photo? Choose it on the preview.';
    this.#say(said, !!problem);
    if (ask) this.#asks.askForView();
    this.#fire('smp-photo', { width: sw, height: sh, name });
    return true;
  }

  #failLoad(message) {
    this.#say(this.#photo ? `${message} The current preview stays.` : message, true);
    if (!this.#photo) this.#showMessage(message, true);
  }

  /**
   * The request call that carries the person's choices over to a newly
   * loaded photo (the hairline's place comes from the new photo itself; a
   * clinic's starting height, if it set one, moves it).
   */
  #controlEdit() {
    const values = this.#controls.values();
    delete values.thinning; // chosen from how much hair the new photo shows (the engine's choice)
    const seed = this.#session.get('seed'); // the pattern shown so far, kept
    if (seed) values.seed = seed;
    const cm = this.#attrValue('hairline');
    if (cm != null) values.hairline_cm = cm;
    return this.#session.edits(values);
  }

  /** After the engine was restarted (session.js): say so; when that failed too, show the photo itself. */
  #restarted(message, failed) {
    if (!failed) {
      this.stats.restarts = (this.stats.restarts ?? 0) + 1;
      this.#say(`The preview hit an internal error (${message}) and was restarted; your photo and design are kept.`, true);
      return;
    }
    // Never a blank preview: at least the photo itself.
    this.#afterCtx.drawImage(this.#before, 0, 0);
    this.#say(`The preview hit an internal error (${failed}). Try again, or reload the page if it keeps happening.`, true);
  }

  /** Draws a frame from the engine (engine-core.js) and follows the design it was drawn with. */
  #show({ width, height, pixels, ms }) {
    // A frame for a photo that is being replaced (the canvas already has the new photo's size) is dropped.
    if (width !== this.#after.width || height !== this.#after.height) return;
    const t0 = performance.now();
    this.#afterCtx.putImageData(new ImageData(pixels, width, height), 0, 0);
    ms += performance.now() - t0;
    this.stats.renders++;
    this.stats.lastRenderMs = ms;
    this.stats.wasmBytes = this.#session.state.memory;
    const design = this.#session.design();
    this.#syncFromDesign(design);
    this.#fire('smp-render', { ms, design });
    this.#designMaybeChanged();
  }

  // The controls follow the design: the engine changes some values by itself
  // (hairline height after a handle drag or preset, brush history), and a
  // share link sets all of them.
  #syncFromDesign(d) {
    const pending = (name) => this.#session.pending(name);
    this.#controls.sync(d, pending);
    this.#asks.sync(d.view, pending('view'));
    this.#undo.disabled = d.brush_strokes === 0;
    this.#brush.pxPerCm = d.px_per_cm;
    this.#drawOverlay();
  }

  #drawOverlay() {
    const state = this.#session?.state;
    if (!state || !this.#photo) return;
    // Side and back views have no front hairline to drag.
    this.#handles.update(HAIRLINE_VIEWS.includes(this.#session.get('view')) ? this.#session.get('handles') : null, {
      curve: state.curve,
      showLine: this.#showLine.checked && this.#showHairline,
    });
    const v = Number(this.#compareInput.value);
    const line = this.#divider;
    const top = this.#viewport.toFrame(v / 100, 0);
    const bottom = this.#viewport.toFrame(v / 100, 1);
    line.setAttribute('x1', top.x);
    line.setAttribute('x2', bottom.x);
    line.setAttribute('y1', top.y);
    line.setAttribute('y2', bottom.y);
    line.classList.toggle('shown', v > 0 && v < 100);
    this.#zoomLevel.textContent = `${Math.round(this.#viewport.scale * 100)}%`;
    this.#brush.redraw();
  }

  #wire(root) {
    const q = (s) => root.querySelector(s);
    this.#root = root;
    this.#frame = q('.frame');
    this.#after = q('canvas.after');
    this.#before = q('canvas.before');
    this.#message = q('.message');
    this.#dropHint = q('.drop-hint');
    this.#busy = q('.busy');
    this.#status = q('.status');
    this.#showLine = q('#show-line');
    this.#compareInput = q('#compare');
    this.#divider = q('line.divider');
    this.#undo = q('.undo');
    this.#brushSize = q('#brush-size');
    this.#zoomLevel = q('.zoom-level');
    this.#invite = q('.invite');
    this.#ctaLink = q('.cta-link');
    this.#ctaButton = q('.cta-button');
    // Only putImageData goes to these canvases; tests read them back.
    this.#afterCtx = this.#after.getContext('2d');
    this.#beforeCtx = this.#before.getContext('2d');
    // Design controls (their ranges come once the engine runs: #start).
    this.#controls = new DesignControls(root, {
      session: () => this.#session,
      say: (text) => this.#say(text),
      showValue: (id, text) => this.#showValue(id, text),
    });

    new TouchGuard(root);
    this.#viewport = new Viewport(this.#frame, q('.content'), () => this.#drawOverlay());
    this.#handles = new Handles(q('.handles'), q('path.hairline'), this.#viewport, (i, x, y) => {
      const rel = [...this.#session.wanted('handles')];
      [rel[2 * i], rel[2 * i + 1]] = [x, y];
      this.#session.edit('handles', rel);
    });
    this.#asks = new Asks(root, {
      frame: this.#frame,
      before: this.#before,
      viewport: this.#viewport,
      brush: () => this.#brush,
      session: () => this.#session,
      showHairline: () => this.#showHairline,
      say: (text, isError) => this.#say(text, isError),
      compare: () => this.#compare(),
    });
    this.#brush = new Brush(q('path.trail'), q('circle.ring'), this.#viewport, async (points, radius, add) => {
      try {
        await this.#session.call('brush', points, radius, add, this.#brush.mode === 'scar');
        this.stats.dabs += points.length / 2;
        await this.#session.render();
      } catch (e) {
        this.#say(e.message, true);
      }
    });

    // Photo in: pickers and drag and drop.
    for (const input of [q('#file'), q('#camera')]) {
      // The picker opens: the on-device models load while the person chooses (models.js).
      for (const type of ['click', 'focus']) input.addEventListener(type, () => this.#preloadModels());
      input.addEventListener('change', () => {
        const f = input.files?.[0];
        if (f) this.loadPhoto(f);
        input.value = ''; // picking the same file again still loads it
      });
    }
    this.addEventListener('dragover', (e) => {
      if (!e.dataTransfer?.types.includes('Files')) return;
      e.preventDefault(); // allows the drop
      this.#preloadModels(); // a photo is on its way
      e.dataTransfer.dropEffect = 'copy';
      this.#dropHint.hidden = false;
    });
    this.addEventListener('dragleave', (e) => {
      if (!e.relatedTarget || !this.contains(e.relatedTarget)) this.#dropHint.hidden = true;
    });
    this.addEventListener('drop', (e) => {
      this.#dropHint.hidden = true;
      const f = e.dataTransfer?.files?.[0];
      if (!f) return;
      e.preventDefault(); // the browser must not navigate to the file
      this.loadPhoto(f);
    });

    this.#showLine.addEventListener('change', () => this.#drawOverlay());

    // Before / after: the original is uncovered from the left.
    this.#compareInput.addEventListener('input', () => this.#compare());
    this.#compare();

    // Zoom buttons.
    q('.zoom-in').addEventListener('click', () => this.#viewport.zoomBy(1.5));
    q('.zoom-out').addEventListener('click', () => this.#viewport.zoomBy(1 / 1.5));
    q('.fit').addEventListener('click', () => this.#viewport.fit());
    q('.actual').addEventListener('click', () => this.#viewport.zoomTo(1));

    // Brush.
    for (const r of root.querySelectorAll('input[name=brush]')) {
      r.addEventListener('change', () => {
        this.#asks.stop();
        this.#brush.mode = r.value;
        this.#viewport.painter = r.value === 'off' ? null : this.#brush;
        this.#frame.classList.toggle('painting', r.value !== 'off');
        this.#brush.hover();
      });
    }
    const showBrushSize = () => {
      this.#brush.diameterCm = Number(this.#brushSize.value);
      this.#showValue('brush-size', `${Number(this.#brushSize.value).toFixed(1)} cm across`);
    };
    this.#brushSize.addEventListener('input', showBrushSize);
    showBrushSize();
    this.#frame.addEventListener('pointermove', (e) => this.#brush.hover(e));
    this.#frame.addEventListener('pointerleave', () => this.#brush.hover());
    this.#undo.addEventListener('click', async () => {
      if (!this.#photo) return;
      const [undone] = await this.#session.send([['undo_brush']], true);
      if (undone.value) this.#say('Brush stroke undone.');
    });

    // Export.
    this.#downloads = new Downloads(root, {
      photo: () => this.#photo,
      engine: () => this.#session.engine,
      say: (text, isError) => this.#say(text, isError),
      emit: (type, detail) => this.#emit(type, detail),
    });

    // (Share: links.js's SharePanel, once the engine runs.)

    // Call to action: the link navigates as links do; the event goes out first.
    for (const b of [this.#ctaLink, this.#ctaButton]) {
      b.addEventListener('click', () => this.#emit('smp-cta-click', { label: b.textContent, href: b.getAttribute('href') }));
    }
  }

  /**
   * Starts loading the on-device models (models.js, imported on the way to
   * a person's own photo: the sample needs none of it). Whatever fails here
   * is met again, and reported, when the photo comes (session.js).
   */
  #preloadModels() {
    import('./models.js').then((models) => models.preloadModels(HERE)).catch(() => {});
  }

  #compare() {
    const v = Number(this.#compareInput.value);
    const before = this.#before;
    // Clip in the photo's own coordinates, so the split follows zoom and pan.
    before.style.clipPath = `inset(0 ${100 - v}% 0 0)`;
    before.classList.toggle('shown', v > 0);
    const text = v === 0 ? 'After' : v === 100 ? 'Before (original)' : `Original on the left ${v}%`;
    this.#showValue('compare', text);
    this.#drawOverlay();
  }

  // The visible value with its unit; screen readers get the same words from the slider.
  #showValue(id, text) {
    const root = this.#root;
    root.getElementById(`${id}-value`).textContent = text;
    root.getElementById(id).setAttribute('aria-valuetext', text);
  }

  #say(text, isError = false) {
    const s = this.#status;
    s.textContent = text;
    s.classList.toggle('error', isError);
  }

  #showMessage(text, isError = false) {
    const m = this.#message;
    m.hidden = false;
    m.classList.toggle('error', isError);
    m.querySelector('p').textContent = text;
  }

  #hideMessage() {
    this.#message.hidden = true;
  }
}

/** An http(s), mailto or tel URL (absolute), or null: a call to action never runs script. */
function safeHref(value) {
  if (!value || !value.trim()) return null;
  try {
    const u = new URL(value.trim(), document.baseURI);
    return ['http:', 'https:', 'mailto:', 'tel:'].includes(u.protocol) ? u.href : null;
  } catch {
    return null;
  }
}

if (!customElements.get('smp-preview')) customElements.define('smp-preview', SmpPreview);
