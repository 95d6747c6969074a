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
// (design: the engine's design_json, parsed); smp-photo {width, height,
// name} after a photo loads; smp-render {ms, design} after each repaint.
//
// The wasm is fetched once per page, when the first widget comes into view.

import { decodePhoto, decodeImage, PhotoError, FULL_MAX, WORKING_MAX } from './photo.js';
import { Viewport } from './viewport.js';
import { Handles, onPhoto, fromTap } from './handles.js';
import { Brush } from './brush.js';
import { Journey, NO_FACE, NO_FACE_SHORT } from './journey.js';
import { SLIDERS, HAIRLINE, TEMPLATE, CONTROL_GROUPS, VIEWS } from './template.js';
import { exportImage, saveBlob } from './export.js';
import { linkPhoto, workingSize, shareOrDownload, copyText, kb } from './share.js';
import { startEngine, painted } from './engine-host.js';
import { TouchGuard } from './touch.js';
import { preloadModels, detectPhoto } from './models.js';

const HERE = new URL('./', import.meta.url);
const DEFAULT_SAMPLE = new URL('assets/sample-01.jpg', HERE).href;

// The engine is compiled once per page, on first use, relative to this file
// (the compiled module is shared by every widget); each widget runs its own
// engine in a Web Worker (engine-host.js) or, where none can start, on the
// page.
const WASM_URL = new URL('pkg/smp_preview_bg.wasm', HERE);
let modulePromise = null;
function compileEngine() {
  modulePromise ??= (async () => {
    const response = await fetch(WASM_URL);
    if (!response.ok) throw new Error(`${WASM_URL.pathname}: HTTP ${response.status}`);
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
function explainCsp(error) {
  const message = String(error?.message || error);
  if (!wasmBlocked && !/Content Security Policy|wasm-unsafe-eval|unsafe-eval/i.test(message)) return false;
  console.error(
    "smp-preview: this page's Content-Security-Policy does not allow WebAssembly, so the preview can't start. " +
      "Add 'wasm-unsafe-eval' to the page's script-src directive (for example: script-src 'self' 'wasm-unsafe-eval'), " +
      'or embed the widget in an iframe (embed.html; see the README). Browser message: ' + message,
  );
  return true;
}

/** Views with a front hairline (the engine's View::shows_hairline). */
const HAIRLINE_VIEWS = ['front', 'top'];
/** A view's name as the buttons say it. */
const viewLabel = (v) => VIEWS.find(([name]) => name === v)?.[1] ?? v;
/** What the preview shows after a view is chosen without a forehead tap. */
const VIEW_SAID = {
  front: 'Front view: the hairline runs across the top of the forehead. Drag the handles, or use Place hairline, to move it.',
  top: 'Top view: the hairline runs across the front of the head. Drag the handles, or use Place hairline, to move it.',
  left: 'Left side view: the scalp is filled down to the natural hair edge; there is no front hairline here.',
  right: 'Right side view: the scalp is filled down to the natural hair edge; there is no front hairline here.',
  back: 'Back view: the crown is filled and blended into the hair at the back; there is no front hairline here.',
};
/** Said after a person's own photo when the on-device models could not run (models.js). */
const LESS_SURE = 'Automatic detection is less sure on this photo: check the outline and hairline.';

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
  #file;
  #camera;
  #shape;
  #showLine;
  #compareInput;
  #divider;
  #undo;
  #brushSize;
  #seedValue;
  #zoomLevel;
  #invite;
  #ctaLink;
  #ctaButton;
  #sharePhoto;
  #shareLinkButton;
  #shareImageButton;
  #shareOut;
  #shareUrl;
  #shareSize;
  #askView; // "Which view is this photo?" over the preview
  #askTap; // "Tap the middle of your forehead…" over the preview
  #viewSelect;
  #placeButton;
  #placing = false; // the next tap on the photo places the hairline
  #afterCtx;
  #beforeCtx;
  #sliders = {}; // the SLIDERS' inputs by engine name
  #engine = null; // engine-host.js: requests go to the engine (in a worker) and come back with a frame
  #state = null; // the engine's state as of its last answer (engine-core.js): design text, handles, strokes, face
  #busyRender = false; // a render request is out: slider changes wait for it, then go as one
  #photo = null; // { full: ImageBitmap, width, height, name, capped, sourceWidth, sourceHeight }
  #ownPhoto = false; // once a person picks a photo, the sample attribute no longer replaces it
  #loadToken = 0;
  #pending = new Map(); // control changes waiting for the next animation frame
  #pendingHandle = null;
  #raf = 0;
  #exporting = false;
  #seed = ''; // set by "New pattern"; kept for later photos
  #design = null; // the engine's design as last rendered
  #shared = null; // the share link being opened: { fragment, photo?, design? }
  #linkProblem = ''; // why the page's link could not be opened (the engine's words)
  #sentDesign = ''; // design_json of the last smp-design-change (or of the loaded photo)
  #changeTimer = 0;
  #linkPhoto = null; // the small JPEG copy made for links, per photo
  #readyImage = null; // an image prepared for sharing that is waiting for a fresh tap
  #busyShare = false;
  #linkKey = ''; // what the shown link was made from (see #shareKey)
  #sharedNote = ''; // what to say after a shared design moved onto the person's photo
  #showHairline = true;
  #started = false;
  #onHash = () => this.#hashChanged();
  #viewport;
  #handles;
  #brush;
  #journey; // time since treatment, touch-up, diffuse thinning (journey.js)
  /**
   * Counters for tests and integrations: renders, last render time (ms),
   * photos loaded, brush dabs painted, share links made, and the last
   * share link's lengths.
   */
  stats = { renders: 0, lastRenderMs: 0, photos: 0, dabs: 0, shares: 0, lastShare: null, engine: '', wasmBytes: 0, models: '' };

  connectedCallback() {
    if (this.shadowRoot) {
      // Moved within the page: listen for links again.
      if (this.#engine) window.addEventListener('hashchange', this.#onHash);
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
    for (const name of Object.keys(DEFAULT_ATTRS)) this.#applyDefault(name, false);
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
      if (this.#engine && !this.#ownPhoto) this.#loadSample();
    } else if (name in DEFAULT_ATTRS) this.#applyDefault(name, true);
    else if (name === 'controls') this.#applyGroups();
    else this.#applyCta();
  }

  /** The current design (the engine's design_json), or null before a photo. */
  get design() {
    return this.#photo && this.#state ? JSON.parse(this.#state.design) : null;
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
      this.#engine = await startEngine(compileEngine(), HERE);
      this.stats.engine = this.#engine.kind;
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
    this.#showMessage('Loading the sample photo…');
    if (this.isConnected) window.addEventListener('hashchange', this.#onHash);
    if (this.#photo) return;
    const fragment = this.#readLink();
    if (fragment && (await this.#openLink(fragment))) return;
    await this.#loadSample(sample);
  }

  // ---- Share links -------------------------------------------------------

  /**
   * The share link in the page's address (the text after #), or null. An
   * ordinary in-page anchor (#book, #contact: an element's id) is not one.
   */
  #readLink() {
    if (this.hasAttribute('ignore-link')) return null;
    const raw = location.hash.slice(1);
    if (!raw) return null;
    let text = raw;
    try {
      text = decodeURIComponent(raw);
    } catch {
      // keep it as it is: the engine says what is wrong with it
    }
    if (text === 'top' || (text.length <= 256 && document.getElementById(text))) return null;
    return text;
  }

  /**
   * Opens a share link. A link with a photo loads that photo and applies the
   * design (true when done). Otherwise the design waits for the next photo
   * (the sample, or the person's own) and this returns false. A broken link
   * is remembered as #linkProblem and changes nothing.
   */
  async #openLink(fragment) {
    this.#linkProblem = '';
    let photo;
    let design;
    try {
      ({ photo, design } = await this.#peek(fragment));
    } catch (e) {
      this.#shared = null;
      this.#linkProblem = e.message;
      return false;
    }
    this.#shared = { fragment, photo, design };
    if (!photo) return false;
    this.#ownPhoto = true;
    const ok = await this.#load(new Blob([photo], { type: 'image/jpeg' }), 'shared-photo', { fromLink: true });
    if (ok) return true;
    this.#ownPhoto = false; // the photo in the link did not open: show the design on the sample
    return false;
  }

  /** The photo (or undefined) and the design a link carries, read with a throwaway engine on a blank photo. */
  async #peek(fragment) {
    const { photo, design } = await this.#call('peek', fragment);
    return { photo, design: JSON.parse(design) };
  }

  /**
   * Sends `calls` ([[name, ...args], ...]) to the engine, and a render when
   * `render`; shows the frame and follows the new state. Resolves to the
   * answer's results ([{ value } | { error }]). An error inside the engine
   * while rendering restarts it (see #engineFailed).
   */
  async #send(calls, render = false, transfer = []) {
    const answer = await this.#engine.request({ calls, render }, transfer);
    if (answer.state) {
      this.#state = answer.state;
      this.stats.wasmBytes = answer.state.memory;
    }
    if (answer.renderError) await this.#engineFailed(answer.renderError);
    else if (answer.frame) this.#show(answer.frame);
    return answer.results;
  }

  /** One engine call: its value, or throws its error. */
  async #call(name, ...args) {
    const [r] = await this.#send([[name, ...args]]);
    if ('error' in r) throw new Error(r.error);
    return r.value;
  }

  async #hashChanged() {
    if (!this.#engine) return;
    const fragment = this.#readLink();
    if (!fragment) return;
    if (await this.#openLink(fragment)) return;
    if (this.#linkProblem) {
      this.#say(`${this.#linkProblem} The current preview stays.`, true);
      return;
    }
    if (this.#ownPhoto && this.#photo) {
      // The person has their own photo: the design moves onto it.
      try {
        await this.#applyShared();
        this.#say(this.#sharedNote);
      } catch (e) {
        this.#shared = null;
        this.#say(`${e.message} The current preview stays.`, true);
      }
      await this.#render();
      this.#baseline();
    } else {
      this.#ownPhoto = false;
      await this.#loadSample();
    }
  }

  /**
   * Sets the engine's design for a photo just loaded: the share link being
   * opened (if any), else the person's current choices. Returns what to tell
   * the person, or null for the usual message.
   */
  async #designForNewPhoto(isSample, fromLink, working) {
    const shared = this.#shared;
    if (!shared) {
      must(await this.#send(this.#controlCalls()));
      return null;
    }
    if (fromLink) {
      // The photo the sender chose to include: the link's design, exactly.
      await this.#call('apply_fragment', shared.fragment);
      const size = workingSize(shared.photo);
      // The copy is smaller than the sender's photo: scale px/cm with it (the handles are relative already).
      if (size && size.width !== working.width && size.width > 0) {
        const k = working.width / size.width;
        const px = JSON.parse(this.#state.design).px_per_cm * k;
        const handles = this.#state.handles;
        if (k > 0.05 && k < 20) {
          const [scaled] = await this.#send([['set', 'px_per_cm', px]]);
          // The engine keeps the hairline's height in cm, measured at the old scale;
          // the link's handles (relative to the photo) are already right.
          // (Out of range: the link's scale stays.)
          if (!('error' in scaled)) await this.#send(handleCalls(handles));
        }
      }
      this.#shared = null;
      this.#hideInvite();
      return 'Opened a shared design, on the photo the link carries.';
    }
    if (isSample) {
      await this.#call('apply_fragment', shared.fragment);
      this.#invite.hidden = false;
      return 'Showing a shared design on the sample photo. Load a photo of your own head to see the design on you.';
    }
    // The person's own photo, after a link without one.
    await this.#applyShared();
    return this.#sharedNote;
  }

  /**
   * Carries the shared design over to the person's own photo. When the
   * photo is the one the link was made on (the same scale is detected), the
   * link applies exactly, brush edits included. Otherwise every control's
   * value and the hairline handles (relative to the photo) carry over, and
   * the photo keeps its own scale; brush edits, painted for another photo,
   * do not.
   */
  async #applyShared() {
    const shared = this.#shared;
    const d = shared.design;
    const detected = JSON.parse(this.#state.design).px_per_cm;
    if (Math.abs(detected - d.px_per_cm) < 0.006) {
      await this.#call('apply_fragment', shared.fragment);
      this.#sharedNote = 'Your photo is shown with the shared design.';
    } else {
      const calls = [];
      for (const name of ['density', 'shade', 'dot_mm', 'session', 'months']) if (name in d) calls.push(['set', name, d[name]]);
      if ('thinning' in d) calls.push(['set', 'thinning', d.thinning ? 1 : 0]);
      for (const name of ['edge', 'seed', 'shape', 'view']) if (name in d) calls.push(['set_text', name, d[name]]);
      const results = await this.#send(calls);
      await this.#send(handleCalls(d.handles.flat()));
      must(results);
      this.#sharedNote =
        'Your photo is shown with the shared design.' +
        (d.brush_strokes ? ' Brush edits were made on another photo, so they are not carried over.' : '');
    }
    this.#shared = null;
    this.#hideInvite();
    this.#pending.clear();
    this.#pendingHandle = null;
  }

  #hideInvite() {
    this.#invite.hidden = true;
  }

  async #shareLink() {
    if (!this.#photo || this.#busyShare) return;
    this.#busyShare = true;
    this.#shareLinkButton.disabled = true;
    try {
      let photo = null;
      if (this.#sharePhoto.checked) {
        this.#say('Making a small copy of your photo for the link…');
        this.#linkPhoto ??= await linkPhoto(this.#before);
        photo = this.#linkPhoto;
      }
      const fragment = await this.#call('share_fragment', photo ? photo.bytes : undefined);
      const link = `${location.origin}${location.pathname}#${fragment}`;
      this.#shareUrl.value = link;
      this.#shareOut.hidden = false;
      this.#shareSize.textContent =
        `${link.length.toLocaleString('en')} characters` +
        (photo
          ? `, including a ${photo.width} × ${photo.height} copy of your photo (${kb(photo.bytes.length)}). Long links can be cut off by some email and chat apps.`
          : ' (the design only: no photo).');
      this.#linkKey = this.#shareKey();
      this.stats.lastShare = { linkLength: link.length, fragmentLength: fragment.length, photoBytes: photo ? photo.bytes.length : 0 };
      this.stats.shares++;
      const copied = await copyText(link);
      this.#say(copied ? 'Link copied: paste it into an email or a message.' : 'Here is the link: select it below and copy it.');
      this.#emit('smp-share', { method: 'link', photoIncluded: !!photo, linkLength: link.length });
    } catch (e) {
      this.#say(`The link couldn't be made (${e.message}).`, true);
    } finally {
      this.#busyShare = false;
      this.#shareLinkButton.disabled = false;
    }
  }

  async #copyLink() {
    const shareUrl = this.#shareUrl;
    shareUrl.select();
    const copied = await copyText(shareUrl.value);
    this.#say(copied ? 'Link copied.' : 'Copying is not allowed here: the link is selected, copy it with your keyboard or menu.');
  }

  /** The design and the photo option a link is made from. */
  #shareKey() {
    return `${this.#state?.design}|${this.#sharePhoto.checked}`;
  }

  /** Marks a shown link as out of date once the design or the photo option differs from it. */
  #shareStale() {
    const shareOut = this.#shareOut;
    // A late design-change notice for edits made before the link was made must not mark it stale.
    if (!shareOut.hidden && this.#shareKey() !== this.#linkKey) this.#shareSize.textContent = 'The design has changed since this link was made: press Share link for a new one.';
  }

  async #shareImage() {
    if (!this.#photo || this.#busyShare) return;
    this.#busyShare = true;
    this.#shareImageButton.disabled = true;
    const { full, name } = this.#photo;
    const key = this.#state.design;
    try {
      let ready = this.#readyImage?.key === key ? this.#readyImage : null;
      if (!ready) {
        this.#say('Preparing the image…');
        await painted();
        const blob = await exportImage(this.#engine, full, 'image/jpeg');
        ready = { key, blob, file: `${name}-smp-preview.jpg` };
      }
      this.#readyImage = null;
      let how;
      try {
        how = await shareOrDownload(ready.blob, ready.file, this.#root, 'My scalp micropigmentation preview');
      } catch (e) {
        // The browser wants the share to follow a tap closely: keep the image for the next one.
        this.#readyImage = ready;
        this.#say('The image is ready: press Share image again to share it.');
        return;
      }
      if (how === 'cancelled') {
        this.#say('Sharing cancelled.');
        return;
      }
      this.#say(how === 'shared' ? 'Image shared.' : `This browser can't share files, so the image was downloaded (${ready.file}).`);
      this.#emit('smp-share', { method: how === 'shared' ? 'web-share' : 'download' });
    } catch (e) {
      this.#say(`The image couldn't be made (${e.message}). Try a smaller photo.`, true);
    } finally {
      this.#busyShare = false;
      this.#shareImageButton.disabled = false;
    }
  }

  // ---- Attributes ----------------------------------------------------------

  /** A starting value from an attribute (density, shade, hairline), on its slider's grid; `live` also changes the preview. */
  #applyDefault(attr, live) {
    const name = DEFAULT_ATTRS[attr];
    const v = this.#attrValue(attr);
    if (v == null) return;
    this.#sliders[name].value = String(v);
    this.#showValue(name, SLIDERS.find((s) => s.name === name).show(v));
    if (live && this.#photo) this.#queue(name, v);
  }

  #attrValue(attr) {
    const s = SLIDERS.find((x) => x.name === DEFAULT_ATTRS[attr]);
    const raw = this.getAttribute(attr);
    const v = raw == null || raw.trim() === '' ? NaN : Number(raw);
    if (!Number.isFinite(v)) return null;
    const snapped = s.min + Math.round((Math.min(s.max, Math.max(s.min, v)) - s.min) / s.step) * s.step;
    return Number(Math.min(s.max, snapped).toFixed(4));
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
      const json = this.#state?.design;
      if (json === this.#sentDesign) return;
      this.#sentDesign = json;
      this.#readyImage = null;
      this.#shareStale();
      this.#emit('smp-design-change');
    }, DESIGN_CHANGE_DELAY);
  }

  /** A newly loaded photo's design is where changes are counted from. */
  #baseline() {
    clearTimeout(this.#changeTimer);
    this.#sentDesign = this.#state?.design;
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
    if (!this.#engine) {
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

  async #loadNow(blob, name, isSample, fromLink, token, predecoded) {
    let decoded;
    try {
      decoded = await (predecoded ?? decodePhoto(blob));
    } catch (e) {
      if (token !== this.#loadToken) return false;
      const message = e instanceof PhotoError ? e.message : "This file isn't a photo we can read. Try a JPEG or PNG.";
      this.#failLoad(fromLink ? `The photo in this link can't be opened: ${message}` : message);
      return false;
    }
    if (token !== this.#loadToken) return decoded.full.close(), false;
    performance.mark('smp-photo-decoded');
    // Let the status paint over the current preview: sampling the dot pattern
    // takes a while. (The first photo's loading message is already showing.)
    if (this.#photo) {
      await painted();
      if (token !== this.#loadToken) return decoded.full.close(), false;
    }
    const { working } = decoded;
    const stale = () => token !== this.#loadToken && (decoded.full.close(), true);
    // A person's own photo: the on-device models find the head and face (null when they can't run).
    let hints = isSample || fromLink ? null : await this.#detect(working);
    if (stale()) return false;
    // Without a link to apply, the person's choices and the first frame come in the same request as the photo:
    // one trip to the engine (and one turn of a busy page) instead of three.
    const direct = !this.#shared;
    let first = null; // that request's answer
    try {
      // A copy goes to the engine: the page keeps the pixels for the 'before' canvas.
      const copy = working.data.buffer.slice(0);
      const [w, h] = [working.width, working.height];
      const load = hints ? ['load_photo_with_hints', w, h, copy, hints.person, hints.face] : ['load_photo', w, h, copy];
      first = await this.#engine.request({ calls: [load, ...(direct ? this.#controlCalls() : [])], render: direct }, [copy]);
      if (first.state) {
        this.#state = first.state;
        this.stats.wasmBytes = first.state.memory;
      }
      must(first.results.slice(0, 1));
      if (hints && !first.results[0].value) {
        // The engine found no scalp from the models' outputs: it took the classical way.
        this.stats.models = 'no scalp from the models: classical';
        hints = null;
      }
      performance.mark('smp-photo-loaded');
    } catch (e) {
      if (stale()) return false;
      decoded.full.close();
      this.#failLoad(`This photo can't be previewed: ${e.message}`);
      return false;
    }
    if (stale()) return false;
    this.#photo?.full.close();
    // The working pixels now live in the engine and the 'before' canvas; keep only the full bitmap.
    const { working: _, ...kept } = decoded;
    this.#photo = { ...kept, width: working.width, height: working.height, name: baseName(name), hints };
    for (const c of [this.#after, this.#before]) [c.width, c.height] = [working.width, working.height];
    this.#beforeCtx.putImageData(working, 0, 0);
    // The 'after' canvas gets its first frame from #render below (a second
    // full-size put here cost ~8 ms of the first preview).
    this.#frame.classList.remove('empty');
    this.#hideMessage();
    // Questions about the old photo are void.
    this.#askView.hidden = true;
    this.#stopPlacing();
    this.#viewport.setImageSize(working.width, working.height);
    // A new photo: links and prepared images of the old one are out of date.
    this.#linkPhoto = null;
    this.#readyImage = null;
    this.#shareOut.hidden = true;
    let note = null;
    let problem = null;
    const automatic = !this.#shared; // the hairline comes from the photo, not from a link
    try {
      if (direct) must(first.results.slice(1));
      else note = await this.#designForNewPhoto(isSample, fromLink, working);
    } catch (e) {
      // A link that decodes but does not apply: say why and keep the defaults.
      problem = e.message + DEFAULT_DESIGN;
      this.#shared = null;
      this.#hideInvite();
      try {
        must(await this.#send(this.#controlCalls()));
      } catch (e2) {
        problem = e2.message;
      }
    }
    if (token !== this.#loadToken) return false; // a newer photo is on its way: it draws itself
    // Never a handle off the photo: an automatic placement past its edge moves onto it (a link's handles stay as
    // the sender had them; they are drawn on the photo, and a drag keeps them there).
    const placed = this.#state?.handles;
    if (automatic && placed?.length === 6) {
      const fixed = onPhoto(placed);
      if (fixed.some((v, i) => Math.abs(v - placed[i]) > 1e-6)) {
        await this.#send([['set_handles', fixed]]);
        first = null; // its frame is out of date
      }
    }
    if (first?.frame && !problem) this.#show(first.frame);
    else if (first?.renderError && !problem) await this.#engineFailed(first.renderError);
    else await this.#render();
    if (token !== this.#loadToken) return false;
    this.#baseline();
    for (const f of this.#root.querySelectorAll('fieldset.design')) f.disabled = false;
    this.#viewSelect.disabled = false;
    this.#updateExportNote();
    this.stats.photos++;
    this.setAttribute('state', 'ready');
    const { sourceWidth: sw, sourceHeight: sh } = decoded;
    problem ??= this.#linkProblem && this.#linkProblem + DEFAULT_DESIGN;
    this.#linkProblem = '';
    // A person's own photo: the engine can't yet tell its view, so it asks (the sample is a front photo; a link carries its view).
    const ask = !isSample && !fromLink;
    let said =
      problem ||
      note ||
      (isSample
        ? 'Showing the sample photo. Choose or drop your own photo to see yourself.'
        : `Photo loaded (${sw} × ${sh} pixels).` +
          (decoded.capped ? ` It is larger than ${FULL_MAX} pixels, so downloads are scaled down to ${decoded.full.width} × ${decoded.full.height}.` : ''));
    // No eyes found: the hairline sits at a default (a link's own handles need no note).
    if (!problem && note == null && !this.#state.face) said += ` ${ask ? NO_FACE_SHORT : NO_FACE}`;
    if (!problem && ask && !hints) said += ` ${LESS_SURE}`;
    if (ask) said += ' Which view is this photo? Choose it on the preview.';
    this.#say(said, !!problem);
    if (ask) this.#askForView();
    this.#fire('smp-photo', { width: sw, height: sh, name });
    return true;
  }

  /**
   * The on-device models' outputs for a person's own photo (`working`, its
   * ImageData): { person, face }, or null when they can't run (the engine's
   * classical detection then, and the status says it is less sure).
   */
  async #detect(working) {
    try {
      const hints = await detectPhoto(HERE, working);
      this.stats.models = `used (${Math.round(hints.ms)} ms)`;
      return hints;
    } catch (e) {
      this.stats.models = `failed: ${e.message}`;
      console.info(`smp-preview: the on-device models could not run (${e.message}); using the classical detection.`);
      return null;
    }
  }

  #failLoad(message) {
    this.#say(this.#photo ? `${message} The current preview stays.` : message, true);
    if (!this.#photo) this.#showMessage(message, true);
    this.#file.value = '';
    this.#camera.value = '';
  }

  // The calls that carry the person's choices over to a newly loaded photo;
  // the hairline's place comes from the new photo itself.
  #controlCalls() {
    const calls = [];
    for (const s of SLIDERS) if (s !== HAIRLINE) calls.push(['set', s.name, this.#value(s.name)]);
    calls.push(['set_text', 'shape', this.#shape.value]);
    calls.push(['set_text', 'edge', this.#root.querySelector('input[name=edge]:checked').value]);
    if (this.#seed) calls.push(['set_text', 'seed', this.#seed]);
    calls.push(...this.#journey.calls());
    // The clinic's starting hairline height, if it set one.
    const cm = this.#attrValue('hairline');
    if (cm != null) calls.push(['set', 'hairline_cm', cm]);
    this.#pending.clear();
    this.#pendingHandle = null;
    return calls;
  }

  #value(name) {
    // Rounded so float steps (0.15 + k * 0.05) never land a hair outside the engine's range.
    return Number(Number(this.#sliders[name].value).toFixed(4));
  }

  /** Queues an engine change; changes are applied and drawn once per frame. */
  #queue(name, value) {
    this.#pending.set(name, value);
    this.#flushSoon();
  }

  #flushSoon() {
    this.#raf ||= requestAnimationFrame(() => this.#flush());
  }

  /** Sends the queued changes with a render; while one is out, changes wait and then go together. */
  async #flush() {
    this.#raf = 0;
    if (!this.#photo || this.#busyRender) return;
    const calls = [];
    // Text for shape, edge and seed; numbers for the rest.
    for (const [name, value] of this.#pending) calls.push([typeof value === 'string' ? 'set_text' : 'set', name, value]);
    this.#pending.clear();
    if (this.#pendingHandle) {
      const { i, x, y } = this.#pendingHandle;
      this.#pendingHandle = null;
      calls.push(['set_handle', i, x, y]);
    }
    this.#busyRender = true;
    try {
      for (const r of await this.#send(calls, true)) if ('error' in r) this.#say(r.error, true);
    } finally {
      this.#busyRender = false;
      if (this.#pending.size || this.#pendingHandle) this.#flushSoon();
    }
  }

  /** Repaints; an error inside the engine (a wasm panic or trap) restarts it instead of freezing the widget. */
  #render() {
    return this.#send([], true);
  }

  /**
   * The engine threw while rendering: say so, start a fresh engine on the
   * current photo with the design as it was (from the old engine's share
   * fragment when it still answers, else from the controls) and repaint.
   * When even that fails, the next action tries again.
   */
  async #engineFailed(message) {
    let fragment = null;
    try {
      fragment = await this.#call('share_fragment', undefined);
    } catch {
      // the old engine is beyond asking
    }
    const before = this.#before;
    const px = this.#beforeCtx.getImageData(0, 0, before.width, before.height);
    const hints = this.#photo?.hints;
    const calls = [['restart'], hints ? ['load_photo_with_hints', px.width, px.height, px.data.buffer, hints.person, hints.face] : ['load_photo', px.width, px.height, px.data.buffer]];
    if (fragment) calls.push(['apply_fragment', fragment]);
    else {
      calls.push(...this.#controlCalls());
      if (this.#design) calls.push(['set_text', 'view', this.#design.view], ...handleCalls(this.#design.handles.flat()));
    }
    let failed;
    try {
      const answer = await this.#engine.request({ calls, render: true }, [px.data.buffer]);
      if (answer.state) this.#state = answer.state;
      failed = answer.results.slice(0, fragment ? 3 : 2).find((r) => 'error' in r)?.error ?? answer.renderError;
      if (!failed) {
        this.#show(answer.frame);
        this.stats.restarts = (this.stats.restarts ?? 0) + 1;
        this.#say(`The preview hit an internal error (${message}) and was restarted; your photo and design are kept.`, true);
        return;
      }
    } catch (e) {
      failed = e.message;
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
    const design = JSON.parse(this.#state.design);
    this.#syncFromDesign(design);
    this.#fire('smp-render', { ms, design });
    this.#designMaybeChanged();
  }

  // The controls follow the design: the engine changes some values by itself
  // (hairline height after a handle drag or preset, brush history), and a
  // share link sets all of them.
  #syncFromDesign(d) {
    this.#design = d;
    for (const s of SLIDERS) {
      if (this.#pending.has(s.name)) continue;
      if (Number(this.#sliders[s.name].value) !== d[s.name]) this.#sliders[s.name].value = String(d[s.name]);
      this.#showValue(s.name, s.show(d[s.name]));
    }
    if (!this.#pending.has('shape')) this.#shape.value = d.shape;
    if (!this.#pending.has('edge')) {
      const edge = this.#root.querySelector(`input[name=edge][value=${d.edge === 'defined' ? 'defined' : 'soft'}]`);
      if (!edge.checked) edge.checked = true;
    }
    if (!this.#pending.has('seed')) this.#seed = d.seed;
    if (!this.#pending.has('view')) this.#viewSelect.value = d.view;
    this.#placeButton.disabled = !HAIRLINE_VIEWS.includes(d.view);
    this.#seedValue.textContent = `Pattern ${patternCode(d.seed)}`;
    this.#undo.disabled = this.#state.strokes === 0; // strokes and scars (design.brush_strokes counts strokes only)
    this.#journey.sync(d, this.#pending);
    this.#brush.pxPerCm = d.px_per_cm;
    this.#drawOverlay();
  }

  #drawOverlay() {
    const d = this.#design;
    if (!d || !this.#photo) return;
    // Side and back views have no front hairline to drag.
    this.#handles.update(HAIRLINE_VIEWS.includes(d.view) ? this.#state.handles : null, {
      shape: d.shape,
      pxPerCm: d.px_per_cm,
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
    this.#file = q('#file');
    this.#camera = q('#camera');
    this.#shape = q('#shape');
    this.#showLine = q('#show-line');
    this.#compareInput = q('#compare');
    this.#divider = q('line.divider');
    this.#undo = q('.undo');
    this.#brushSize = q('#brush-size');
    this.#seedValue = q('#seed-value');
    this.#zoomLevel = q('.zoom-level');
    this.#invite = q('.invite');
    this.#ctaLink = q('.cta-link');
    this.#ctaButton = q('.cta-button');
    this.#sharePhoto = q('#share-photo');
    this.#shareLinkButton = q('.share-link');
    this.#shareImageButton = q('.share-image');
    this.#shareOut = q('.share-out');
    this.#shareUrl = q('#share-url');
    this.#shareSize = q('.share-size');
    this.#askView = q('.ask-view');
    this.#askTap = q('.ask-tap');
    this.#viewSelect = q('#view');
    this.#placeButton = q('.place-hairline');
    // Only putImageData goes to these canvases; tests read them back.
    this.#afterCtx = this.#after.getContext('2d');
    this.#beforeCtx = this.#before.getContext('2d');
    for (const s of SLIDERS) {
      this.#sliders[s.name] = q(`#${s.name}`);
      this.#showValue(s.name, s.show(s.value));
      this.#sliders[s.name].addEventListener('input', () => {
        const v = this.#value(s.name);
        this.#showValue(s.name, s.show(v));
        this.#queue(s.name, v);
      });
    }

    new TouchGuard(root);
    this.#journey = new Journey(
      root,
      (name, value) => this.#queue(name, value),
      (text) => this.#say(text),
      (id, text) => this.#showValue(id, text),
    );
    this.#viewport = new Viewport(this.#frame, q('.content'), () => this.#drawOverlay());
    this.#handles = new Handles(q('.handles'), q('path.hairline'), this.#viewport, (i, x, y) => {
      this.#pendingHandle = { i, x, y };
      this.#flushSoon();
    });
    this.#brush = new Brush(q('path.trail'), q('circle.ring'), this.#viewport, async (points, radius, add) => {
      try {
        await this.#call('brush', points, radius, add, this.#brush.mode === 'scar');
        this.stats.dabs += points.length / 2;
        await this.#render();
      } catch (e) {
        this.#say(e.message, true);
      }
    });

    // Photo in: pickers and drag and drop.
    for (const input of [this.#file, this.#camera]) {
      // The picker opens: the on-device models load while the person chooses (models.js).
      for (const type of ['click', 'focus']) input.addEventListener(type, () => preloadModels(HERE));
      input.addEventListener('change', () => {
        const f = input.files?.[0];
        if (f) this.loadPhoto(f);
        input.value = ''; // picking the same file again still loads it
      });
    }
    this.addEventListener('dragover', (e) => {
      if (!e.dataTransfer?.types.includes('Files')) return;
      e.preventDefault(); // allows the drop
      preloadModels(HERE); // a photo is on its way
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

    // The view and the forehead tap. Over the photo, a press here is not the start of a pan or a stroke.
    for (const box of [this.#askView, this.#askTap]) box.addEventListener('pointerdown', (e) => e.stopPropagation());
    for (const b of root.querySelectorAll('.view-choice')) b.addEventListener('click', () => this.#chooseView(b.dataset.view));
    q('.ask-close').addEventListener('click', () => this.#dismissView());
    q('.ask-cancel').addEventListener('click', () => this.#cancelPlacing());
    root.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape') return;
      if (this.#placing) this.#cancelPlacing();
      else if (!this.#askView.hidden && this.#askView.contains(root.activeElement)) this.#dismissView();
      else return;
      e.preventDefault();
    });
    this.#viewSelect.addEventListener('change', () => {
      const view = this.#viewSelect.value;
      this.#askView.hidden = true;
      this.#stopPlacing();
      this.#queue('view', view);
      this.#say(VIEW_SAID[view]);
    });
    this.#placeButton.addEventListener('click', () => this.#startPlacing());

    // Design controls.
    this.#shape.addEventListener('change', () => this.#queue('shape', this.#shape.value));
    for (const r of root.querySelectorAll('input[name=edge]')) r.addEventListener('change', () => this.#queue('edge', r.value));
    q('.new-pattern').addEventListener('click', () => {
      // Decimal text: a u64 seed does not survive a JavaScript number.
      this.#seed = crypto.getRandomValues(new BigUint64Array(1))[0].toString();
      this.#queue('seed', this.#seed);
      this.#say('New dot pattern.');
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
        this.#stopPlacing();
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
      const [undone] = await this.#send([['undo_brush']], true);
      if (undone.value) this.#say('Brush stroke undone.');
    });

    // Export.
    for (const b of root.querySelectorAll('.download')) b.addEventListener('click', () => this.#download(b.dataset.type));

    // Share.
    this.#shareLinkButton.addEventListener('click', () => this.#shareLink());
    this.#shareImageButton.addEventListener('click', () => this.#shareImage());
    q('.copy-link').addEventListener('click', () => this.#copyLink());
    this.#shareUrl.addEventListener('focus', () => this.#shareUrl.select());
    this.#sharePhoto.addEventListener('change', () => this.#shareStale());

    // Call to action: the link navigates as links do; the event goes out first.
    for (const b of [this.#ctaLink, this.#ctaButton]) {
      b.addEventListener('click', () => this.#emit('smp-cta-click', { label: b.textContent, href: b.getAttribute('href') }));
    }
  }

  // ---- The view and the hairline in a tap or two (the engine can't always tell) ----

  /** Asks which view the photo shows, over the preview (the current view marked). */
  #askForView() {
    const view = this.#design?.view;
    for (const b of this.#askView.querySelectorAll('.view-choice')) b.setAttribute('aria-pressed', String(b.dataset.view === view));
    this.#askView.hidden = false;
    // Someone who picked the photo with the keyboard (or a screen reader) goes on to the question.
    if (this.#root.activeElement) this.#askView.querySelector('.view-choice').focus({ preventScroll: true });
  }

  /** Hides the question `box`; true when the focus was in it (the caller puts it somewhere useful). */
  #closeAsk(box) {
    const focused = box.contains(this.#root.activeElement);
    box.hidden = true;
    return focused;
  }

  /** One tap on a view: drawn at once; a front or top view without a face found asks for the forehead next. */
  #chooseView(view) {
    const focused = this.#closeAsk(this.#askView);
    this.#viewSelect.value = view;
    this.#queue('view', view);
    if (HAIRLINE_VIEWS.includes(view) && this.#showHairline && !this.#state?.face) this.#startPlacing(focused);
    else {
      if (focused) this.#frame.focus({ preventScroll: true });
      this.#say(VIEW_SAID[view]);
    }
  }

  #dismissView() {
    if (this.#closeAsk(this.#askView)) this.#frame.focus({ preventScroll: true });
    this.#say(
      `The preview shows a ${viewLabel(this.#design?.view).toLowerCase()} view; change it under “View of this photo”.` +
        (this.#state?.face ? '' : ` ${NO_FACE}`),
    );
  }

  /** The next tap (or click) on the photo places the hairline; `focus` moves the focus to the question. */
  #startPlacing(focus = this.#root.activeElement === this.#placeButton) {
    if (!this.#photo) return;
    this.#closeAsk(this.#askView);
    this.#placing = true;
    this.#askTap.hidden = false;
    this.#frame.classList.add('painting', 'placing');
    // The photo as it is, so the forehead is easy to find under a guessed pattern.
    this.#before.style.clipPath = 'none';
    this.#before.classList.add('shown');
    let last = null;
    this.#viewport.painter = {
      start: (p) => (last = p),
      move: (p) => (last = p),
      end: () => this.#placeAt(last),
      cancel: () => (last = null),
    };
    if (focus) this.#askTap.querySelector('button').focus({ preventScroll: true });
    this.#say('Tap the middle of your forehead where the hairline should start: the temples follow.');
  }

  /** Leaves the forehead tap; the brush takes the photo back if it is on. */
  #stopPlacing() {
    if (!this.#placing) return;
    this.#placing = false;
    if (this.#closeAsk(this.#askTap)) this.#frame.focus({ preventScroll: true });
    const painting = this.#brush.mode !== 'off';
    this.#viewport.painter = painting ? this.#brush : null;
    this.#frame.classList.toggle('painting', painting);
    this.#frame.classList.remove('placing');
    this.#compare(); // the before / after split as it was
  }

  #cancelPlacing() {
    this.#stopPlacing();
    this.#say('The hairline stays where it was. Drag the handles to move it.');
  }

  /** Places the hairline from a tap at `p` (relative): the middle handle there, the temples either side at the design's width. */
  async #placeAt(p) {
    if (!p || !this.#placing) return;
    if (!(p.x >= 0 && p.x <= 1 && p.y >= 0 && p.y <= 1)) {
      this.#say('Tap on the photo, in the middle of your forehead.');
      return;
    }
    this.#stopPlacing();
    const d = this.#design;
    const { width, height } = this.#photo;
    const rel = fromTap(p, { width, height, pxPerCm: d.px_per_cm, halfCm: d.temple_half_cm, shape: d.shape });
    this.#pendingHandle = null; // a drag queued before the tap is superseded
    const [r] = await this.#send([['set_handles', rel]], true);
    if ('error' in r) this.#say(r.error, true);
    else this.#say('Hairline placed where you tapped. Drag the handles to fine-tune it.');
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

  #updateExportNote() {
    const p = this.#photo;
    this.#root.querySelector('.export-size').textContent =
      `Full resolution: ${p.full.width} × ${p.full.height} pixels` +
      (p.capped ? ` (your photo is ${p.sourceWidth} × ${p.sourceHeight}; downloads are capped at ${FULL_MAX} pixels on the longest side).` : '.') +
      (p.full.width > WORKING_MAX || p.full.height > WORKING_MAX ? ' The preview on screen is a smaller copy.' : '') +
      ' Location and camera details from the original are not included.';
  }

  async #download(type) {
    if (!this.#photo || this.#exporting) return;
    this.#exporting = true;
    const buttons = this.#root.querySelectorAll('.download');
    for (const b of buttons) b.disabled = true;
    const { full, name } = this.#photo;
    const ext = type === 'image/png' ? 'png' : 'jpg';
    this.#say(`Preparing the full-size ${ext.toUpperCase()} (${full.width} × ${full.height})…`);
    try {
      await painted();
      const blob = await exportImage(this.#engine, full, type);
      const file = `${name}-smp-preview.${ext}`;
      saveBlob(blob, file, this.#root);
      this.#say(`Downloaded ${file} (${full.width} × ${full.height}).`);
      this.#emit('smp-export', { format: ext === 'png' ? 'png' : 'jpeg', width: full.width, height: full.height });
    } catch (e) {
      this.#say(`The full-size image couldn't be made (${e.message}). Try a smaller photo.`, true);
    } finally {
      this.#exporting = false;
      for (const b of buttons) b.disabled = false;
    }
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

/**
 * A short name for a dot pattern (the seed is a 64-bit number, 20 digits):
 * six letters and digits, enough to tell patterns apart on screen. The
 * share link carries the full seed.
 */
function patternCode(seed) {
  try {
    return (BigInt(seed) % 36n ** 6n).toString(36).toUpperCase().padStart(6, '0');
  } catch {
    return String(seed).slice(-6);
  }
}

/** Throws the first error among an engine answer's results. */
function must(results) {
  const failed = results.find((r) => 'error' in r);
  if (failed) throw new Error(failed.error);
}

/** The calls that move the three hairline handles to `rel` ([x0, y0, x1, y1, x2, y2], relative). */
function handleCalls(rel) {
  // Two passes: a handle may only pass another once that one has moved (a refused move is retried in the second).
  const calls = [];
  for (let pass = 0; pass < 2; pass++) for (const i of [1, 0, 2]) calls.push(['set_handle', i, rel[2 * i], rel[2 * i + 1]]);
  return calls;
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

function baseName(name) {
  return (
    String(name)
      .replace(/\.[^.]*$/, '')
      .replace(/[^\w.-]+/g, '-')
      .slice(0, 60) || 'photo'
  );
}

if (!customElements.get('smp-preview')) customElements.define('smp-preview', SmpPreview);
