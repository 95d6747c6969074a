// The three hairline handles (left temple, mid-frontal point, right temple)
// drawn over the photo, and an optional thin guide line through them. They
// are real buttons: focusable, named for screen readers, moved by pointer
// drag or arrow keys. Positions are photo-relative (0..1); the viewport
// turns them into frame pixels, so they follow zoom and pan.

const LABELS = [
  'Hairline handle: left temple',
  'Hairline handle: middle of the forehead',
  'Hairline handle: right temple',
];

// How each preset bends the line between a temple and the middle; the same
// numbers as the engine's hairline (src/hairline.rs), without its noise.
const SHAPES = { classic: [0.18, 0], rounded: [0.42, 0], mature: [0.05, 0.5] };
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

/**
 * The hairline a tap at `p` (relative) places: the middle handle at the tap,
 * the temples `halfCm` either side and a little lower, as the engine's
 * preset `shape` places them (src/design.rs, place_hairline), on the photo.
 */
export function fromTap(p, { width, height, pxPerCm, halfCm = 4.6, shape = 'classic' }) {
  const [drop, k] = { classic: [1, 1], rounded: [1.35, 1], mature: [0.1, 0.93] }[shape] ?? [1, 1];
  const dx = (halfCm * k * pxPerCm) / width;
  const dy = (drop * pxPerCm) / height;
  return onPhoto([p.x - dx, p.y + dy, p.x, p.y, p.x + dx, p.y + dy]);
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

  /** Shows the handles at `rel` ([x0,y0,x1,y1,x2,y2], or null to hide them). */
  update(rel, { shape = 'classic', pxPerCm = 30, showLine = true } = {}) {
    // Drawn on the photo even when the automatic placement put one off it.
    this.#rel = rel && rel.length === 6 ? onPhoto(rel) : null;
    const vp = this.#viewport;
    this.#buttons.forEach((b, i) => {
      b.hidden = !this.#rel;
      if (!this.#rel) return;
      const p = vp.toFrame(this.#rel[2 * i], this.#rel[2 * i + 1]);
      b.style.transform = `translate(${p.x}px, ${p.y}px)`;
    });
    this.#line.setAttribute('d', this.#rel && showLine ? this.#path(shape, pxPerCm) : '');
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

  /** SVG path data of the hairline between the temples, in frame pixels. */
  #path(shape, pxPerCm) {
    const vp = this.#viewport;
    const [w, h] = [vp.width, vp.height];
    const r = this.#rel;
    const [lx, ly, mx, my, rx, ry] = [r[0] * w, r[1] * h, r[2] * w, r[3] * h, r[4] * w, r[5] * h];
    const [mid, recess] = SHAPES[shape] ?? SHAPES.classic;
    const inner = (tx, ty) => [
      [mx + 0.4 * (tx - mx), my + mid * (ty - my)],
      [mx + 0.8 * (tx - mx), my + (0.55 + 0.2 * mid) * (ty - my) - recess * pxPerCm],
    ];
    const [l1, l2] = inner(lx, ly);
    const [r1, r2] = inner(rx, ry);
    const knots = [[lx, ly], l2, l1, [mx, my], r1, r2, [rx, ry]];
    const steps = 48;
    let d = '';
    for (let k = 0; k <= steps; k++) {
      const x = lx + ((rx - lx) * k) / steps;
      const p = vp.toFrame(x / w, spline(knots, x) / h);
      d += `${k ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`;
    }
    return d;
  }
}

/** Catmull-Rom through knots sorted by x (as the engine draws the hairline). */
function spline(knots, x) {
  const n = knots.length;
  if (x <= knots[0][0]) return knots[0][1];
  if (x >= knots[n - 1][0]) return knots[n - 1][1];
  let i = knots.findIndex((k, j) => j + 1 < n && x < knots[j + 1][0]);
  if (i < 0) i = n - 2;
  const slope = (a, b) => (knots[b][1] - knots[a][1]) / Math.max(1e-9, knots[b][0] - knots[a][0]);
  const [x1, y1] = knots[i];
  const [x2, y2] = knots[i + 1];
  const m1 = i === 0 ? slope(0, 1) : slope(i - 1, i + 1);
  const m2 = i + 2 >= n ? slope(n - 2, n - 1) : slope(i, i + 2);
  const hh = x2 - x1;
  const t = (x - x1) / hh;
  const t2 = t * t;
  const t3 = t2 * t;
  return (2 * t3 - 3 * t2 + 1) * y1 + (t3 - 2 * t2 + t) * hh * m1 + (-2 * t3 + 3 * t2) * y2 + (t3 - t2) * hh * m2;
}
