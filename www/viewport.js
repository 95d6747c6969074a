// Zoom and pan of the photo inside its frame: mouse wheel and drag, pinch
// and (once zoomed in) drag on touch, keys when the frame has focus. At the
// fitted size a one-finger swipe on the photo scrolls the page. The photo's canvases sit
// in `content`, which is moved with one CSS transform, so zooming never
// re-renders the preview.

const MAX_SCALE = 8; // 800%: individual dots fill several screen pixels.
const KEY_PAN = 40; // CSS px per arrow key press

export class Viewport {
  // Photo size (px) and zoom: read by the handles, the brush and the element.
  width = 0;
  height = 0;
  scale = 1;
  /** Optional { start(p), move(p), end(), cancel() } that takes one-pointer drags (the brush). */
  painter = null;
  #frame;
  #content;
  #onChange;
  #x = 0; // frame px of the photo's top left corner
  #y = 0;
  #fitted = true; // keep fitting while the frame resizes until the person zooms
  #pointers = new Map();
  #gesture = null;

  /**
   * frame: the clipping box (listens for gestures); content: the transformed
   * element holding the canvases; onChange(): called after every move.
   */
  constructor(frame, content, onChange) {
    this.#frame = frame;
    this.#content = content;
    this.#onChange = onChange;

    frame.addEventListener('pointerdown', (e) => this.#down(e));
    frame.addEventListener('pointermove', (e) => this.#move(e));
    frame.addEventListener('pointerup', (e) => this.#up(e, false));
    frame.addEventListener('pointercancel', (e) => this.#up(e, true));
    frame.addEventListener('wheel', (e) => this.#wheel(e), { passive: false });
    frame.addEventListener('keydown', (e) => this.#key(e));
    new ResizeObserver(() => this.#resized()).observe(frame);
  }

  setImageSize(width, height) {
    this.width = width;
    this.height = height;
    this.#content.style.width = `${width}px`;
    this.#content.style.height = `${height}px`;
    this.fit();
  }

  get #fitScale() {
    if (!this.width || !this.height) return 1;
    return Math.max(1e-3, Math.min(this.#frame.clientWidth / this.width, this.#frame.clientHeight / this.height));
  }

  fit() {
    this.scale = this.#fitScale;
    this.#x = (this.#frame.clientWidth - this.width * this.scale) / 2;
    this.#y = (this.#frame.clientHeight - this.height * this.scale) / 2;
    this.#fitted = true;
    this.#apply();
  }

  /** Zooms to `scale` keeping the photo point under frame point (cx, cy) in place. */
  zoomTo(scale, cx = this.#frame.clientWidth / 2, cy = this.#frame.clientHeight / 2) {
    this.#place(this.#limit(scale), cx, cy, (cx - this.#x) / this.scale, (cy - this.#y) / this.scale);
  }

  zoomBy(factor, cx, cy) {
    this.zoomTo(this.scale * factor, cx, cy);
  }

  #panBy(dx, dy) {
    this.#x += dx;
    this.#y += dy;
    this.#moved();
  }

  /** Frame coordinates (CSS px) of an event's (client) point. */
  local(e) {
    const r = this.#frame.getBoundingClientRect();
    return { x: e.clientX - r.left - this.#frame.clientLeft, y: e.clientY - r.top - this.#frame.clientTop };
  }

  /** Photo coordinates (0..1) of an event's (client) point. */
  toRelative(e) {
    const p = this.local(e);
    return { x: (p.x - this.#x) / (this.scale * this.width), y: (p.y - this.#y) / (this.scale * this.height) };
  }

  /** Frame coordinates (CSS px) of a photo point given in 0..1. */
  toFrame(rx, ry) {
    return { x: this.#x + rx * this.width * this.scale, y: this.#y + ry * this.height * this.scale };
  }

  /** SVG path data through photo points `xy` ([x0, y0, x1, y1, ...], 0..1), in frame coordinates. */
  path(xy) {
    let d = '';
    for (let k = 0; k + 1 < xy.length; k += 2) {
      const p = this.toFrame(xy[k], xy[k + 1]);
      d += `${k ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`;
    }
    return d;
  }

  /** A zoom within limits: 800% at most, half the fitted size (or of 100%) at least. */
  #limit(scale) {
    return Math.min(MAX_SCALE, Math.max(Math.min(this.#fitScale, 1) / 2, scale));
  }

  /** Zooms to `s` with photo point (ix, iy) (photo px) at frame point (cx, cy). */
  #place(s, cx, cy, ix, iy) {
    this.scale = s;
    this.#x = cx - ix * s;
    this.#y = cy - iy * s;
    this.#moved();
  }

  /** After a zoom or pan by the person: the photo no longer follows the frame's size. */
  #moved() {
    this.#fitted = false;
    this.#clamp();
    this.#apply();
  }

  // Keep part of the photo on screen so it can't be lost by panning.
  #clamp() {
    const w = this.width * this.scale;
    const h = this.height * this.scale;
    const mx = Math.min(64, w / 2);
    const my = Math.min(64, h / 2);
    this.#x = Math.min(this.#frame.clientWidth - mx, Math.max(mx - w, this.#x));
    this.#y = Math.min(this.#frame.clientHeight - my, Math.max(my - h, this.#y));
  }

  #apply() {
    // Zoomed in, a finger on the photo pans it; at its fitted size a swipe scrolls the page (smp-preview.css).
    this.#frame.classList.toggle('zoomed', !this.#fitted);
    this.#content.style.transform = `translate(${this.#x}px, ${this.#y}px) scale(${this.scale})`;
    // Zoomed views stay smooth (the browser's bilinear resampling): the dots are drawn
    // through the photo's own blur, so magnified they look as the photo's own specks do,
    // soft and round; nearest-neighbour squares would show pixels no camera recorded.
    this.#onChange?.();
  }

  #resized() {
    if (!this.width) return;
    if (this.#fitted) this.fit();
    else {
      this.#clamp();
      this.#apply();
    }
  }

  #down(e) {
    if (!this.width || (e.pointerType === 'mouse' && e.button !== 0 && e.button !== 1)) return;
    this.#pointers.set(e.pointerId, this.local(e));
    this.#frame.setPointerCapture(e.pointerId);
    e.preventDefault(); // no text selection or native image drag while dragging
    if (this.#pointers.size === 2) {
      // A second finger turns any drag (even a brush stroke) into a pinch.
      if (this.#gesture?.type === 'paint') this.painter?.cancel();
      this.#startPinch();
    } else if (this.#pointers.size === 1) {
      if (this.painter && e.button === 0) {
        this.#gesture = { type: 'paint' };
        this.painter.start(this.toRelative(e));
      } else if (e.pointerType === 'touch' && this.#fitted) {
        // The whole photo is in view: one finger scrolls the page (touch-action: pan-y), it does not pan.
        this.#gesture = null;
      } else {
        this.#gesture = { type: 'pan', last: this.local(e) };
        this.#frame.classList.add('panning');
      }
    }
  }

  /** The midpoint (x, y) and distance (d) of the two fingers of a pinch. */
  #fingers() {
    const [a, b] = [...this.#pointers.values()];
    return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, d: Math.hypot(a.x - b.x, a.y - b.y) };
  }

  #startPinch() {
    const mid = this.#fingers();
    this.#gesture = {
      type: 'pinch',
      dist: mid.d || 1,
      scale: this.scale,
      ix: (mid.x - this.#x) / this.scale,
      iy: (mid.y - this.#y) / this.scale,
    };
  }

  #move(e) {
    if (!this.#pointers.has(e.pointerId)) return;
    const p = this.local(e);
    this.#pointers.set(e.pointerId, p);
    const g = this.#gesture;
    if (!g) return;
    if (g.type === 'paint') {
      this.painter?.move(this.toRelative(e));
    } else if (g.type === 'pan') {
      const dx = p.x - g.last.x;
      const dy = p.y - g.last.y;
      g.last = p;
      this.#panBy(dx, dy);
    } else if (g.type === 'pinch' && this.#pointers.size >= 2) {
      const mid = this.#fingers();
      // The photo point that started under the fingers stays under them: pinch pans too.
      this.#place(this.#limit((g.scale * mid.d) / g.dist), mid.x, mid.y, g.ix, g.iy);
    }
  }

  #up(e, cancelled) {
    if (!this.#pointers.delete(e.pointerId)) return;
    const g = this.#gesture;
    if (g?.type === 'paint') {
      if (cancelled) this.painter?.cancel();
      else this.painter?.end();
      this.#gesture = null;
    } else if (g?.type === 'pinch' && this.#pointers.size === 1) {
      // Lifting one finger of a pinch continues as a pan, never as a stroke.
      this.#gesture = { type: 'pan', last: [...this.#pointers.values()][0] };
    } else if (this.#pointers.size === 0) {
      this.#gesture = null;
    }
    if (!this.#pointers.size) this.#frame.classList.remove('panning');
  }

  #wheel(e) {
    if (!this.width) return;
    e.preventDefault(); // the wheel zooms the photo instead of scrolling the page
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
    const p = this.local(e);
    this.zoomBy(Math.exp(-e.deltaY * unit * 0.0015), p.x, p.y);
  }

  #key(e) {
    if (e.target !== this.#frame || e.altKey || e.ctrlKey || e.metaKey) return;
    const moves = { ArrowLeft: [KEY_PAN, 0], ArrowRight: [-KEY_PAN, 0], ArrowUp: [0, KEY_PAN], ArrowDown: [0, -KEY_PAN] };
    if (moves[e.key]) this.#panBy(...moves[e.key]);
    else if (e.key === '+' || e.key === '=') this.zoomBy(1.25);
    else if (e.key === '-' || e.key === '_') this.zoomBy(0.8);
    else if (e.key === '0') this.fit();
    else if (e.key === '1') this.zoomTo(1);
    else return;
    e.preventDefault();
  }
}
