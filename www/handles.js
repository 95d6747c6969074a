// The three hairline handles (left temple, mid-frontal point, right temple)
// drawn over the photo, and an optional thin guide line through them: the
// curve the engine lays the dots along (Engine.hairline_curve), drawn as it
// comes. They are real buttons: focusable, named for screen readers, moved
// by pointer drag or arrow keys. Positions are photo-relative (0..1); the
// viewport turns them into frame pixels, so they follow zoom and pan.

const LABELS = [
  'Hairline handle: left temple',
  'Hairline handle: middle of the forehead',
  'Hairline handle: right temple',
];

const MIN_GAP = 0.02; // temples must stay left and right of the middle

const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

/**
 * The handles `rel` ([x0, y0, x1, y1, x2, y2], relative) moved onto the
 * photo: every point inside 0..1, the temples left and right of the middle.
 */
export function onPhoto(rel) {
  const r = Array.from(rel, (v) => (Number.isFinite(v) ? v : 0.5));
  r[2] = clamp(r[2], MIN_GAP, 1 - MIN_GAP);
  r[0] = clamp(r[0], 0, r[2] - MIN_GAP);
  r[4] = clamp(r[4], r[2] + MIN_GAP, 1);
  for (const i of [1, 3, 5]) r[i] = clamp(r[i], 0, 1);
  return r;
}

export class Handles {
  #viewport;
  #line;
  #onMove;
  #rel = null; // the handles' positions, as update() last got them
  #buttons;
  #dragging = null; // { id, dx, dy }: the pointer dragging a handle and its grab offset

  /**
   * layer: element over the frame to hold the buttons; line: an SVG <path>;
   * viewport: the Viewport; onMove(index, x, y) asks for a move (relative
   * coordinates); the owner calls update() once the engine has taken it.
   */
  constructor(layer, line, viewport, onMove) {
    this.#viewport = viewport;
    this.#line = line;
    this.#onMove = onMove;
    this.#buttons = LABELS.map((label, i) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'handle';
      b.setAttribute('aria-label', label);
      b.title = `${label}. Drag it, or use the arrow keys (Shift for bigger steps).`;
      b.addEventListener('pointerdown', (e) => this.#grab(e, i));
      b.addEventListener('pointermove', (e) => this.#drag(e, i));
      b.addEventListener('pointerup', () => (this.#dragging = null));
      b.addEventListener('pointercancel', () => (this.#dragging = null));
      b.addEventListener('keydown', (e) => this.#key(e, i));
      layer.append(b);
      return b;
    });
  }

  /**
   * Shows the handles at `rel` ([x0,y0,x1,y1,x2,y2], or null to hide them)
   * and, with `showLine`, the guide through `curve` ([x0, y0, x1, y1, ...],
   * relative: the engine's hairline).
   */
  update(rel, { curve = [], showLine = true } = {}) {
    // Drawn on the photo even when the automatic placement put one off it.
    this.#rel = rel && rel.length === 6 ? onPhoto(rel) : null;
    const vp = this.#viewport;
    this.#buttons.forEach((b, i) => {
      b.hidden = !this.#rel;
      if (!this.#rel) return;
      const p = vp.toFrame(this.#rel[2 * i], this.#rel[2 * i + 1]);
      b.style.transform = `translate(${p.x}px, ${p.y}px)`;
    });
    this.#line.setAttribute('d', this.#rel && showLine ? vp.path(curve) : '');
  }

  /** Moves handle i to (x, y), kept on the photo and in left-middle-right order. */
  #request(i, x, y) {
    const r = this.#rel;
    if (!r) return;
    let lo = 0;
    let hi = 1;
    if (i === 0) hi = r[2] - MIN_GAP;
    if (i === 1) [lo, hi] = [r[0] + MIN_GAP, r[4] - MIN_GAP];
    if (i === 2) lo = r[2] + MIN_GAP;
    this.#onMove(i, clamp(x, Math.max(0, lo), Math.min(1, hi)), clamp(y, 0, 1));
  }

  #grab(e, i) {
    if (!this.#rel || (e.pointerType === 'mouse' && e.button !== 0)) return;
    e.stopPropagation(); // the viewport must not pan or paint under a handle
    e.preventDefault();
    this.#buttons[i].focus();
    this.#buttons[i].setPointerCapture(e.pointerId);
    // Keep the grab offset so the handle doesn't jump to the pointer.
    const p = this.#viewport.toRelative(e);
    this.#dragging = { id: e.pointerId, dx: this.#rel[2 * i] - p.x, dy: this.#rel[2 * i + 1] - p.y };
  }

  #drag(e, i) {
    const d = this.#dragging;
    if (!d || d.id !== e.pointerId) return;
    const p = this.#viewport.toRelative(e);
    this.#request(i, p.x + d.dx, p.y + d.dy);
  }

  #key(e, i) {
    const dir = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[e.key];
    if (!dir || !this.#rel) return;
    e.preventDefault();
    e.stopPropagation(); // arrows here move the handle, not the view
    const px = e.shiftKey ? 20 : 3; // photo pixels per press
    const vp = this.#viewport;
    this.#request(i, this.#rel[2 * i] + (dir[0] * px) / vp.width, this.#rel[2 * i + 1] + (dir[1] * px) / vp.height);
  }
}
