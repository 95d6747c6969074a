// The scalp brush: one drag paints one stroke that adds scalp the automatic
// mask missed, or erases dots where there should be none (ears, hair, a
// hat). The stroke is drawn as a translucent trail while dragging and sent
// to the engine once, on release, so undo takes back a whole drag.

export class Brush {
  mode = 'off'; // off, add, erase or scar (the radio buttons)
  diameterCm = 2;
  pxPerCm = 30; // the design's scale
  #trail;
  #ring;
  #viewport;
  #onStroke;
  #points = null; // the stroke in progress, relative points

  /**
   * trail: SVG <path> for the stroke in progress; ring: SVG <circle> showing
   * the brush under the pointer; onStroke(points, radius, add) receives the
   * finished stroke (relative points, radius as a fraction of the width).
   */
  constructor(trail, ring, viewport, onStroke) {
    this.#trail = trail;
    this.#ring = ring;
    this.#viewport = viewport;
    this.#onStroke = onStroke;
  }

  /** Radius as a fraction of the photo's width (what the engine takes). */
  get #radius() {
    const w = this.#viewport.width || 1;
    return Math.min(0.45, Math.max(0.002, ((this.diameterCm / 2) * this.pxPerCm) / w));
  }

  start(p) {
    this.#points = [p];
    this.#draw();
  }

  move(p) {
    if (!this.#points) return;
    // Fill long jumps (fast drags) so the stroke has no gaps between dabs.
    const vp = this.#viewport;
    const last = this.#points[this.#points.length - 1];
    const gapPx = Math.hypot((p.x - last.x) * vp.width, (p.y - last.y) * vp.height);
    const stepPx = Math.max(1, this.#radius * vp.width * 0.4);
    const n = Math.ceil(gapPx / stepPx);
    for (let k = 1; k <= n; k++) {
      this.#points.push({ x: last.x + ((p.x - last.x) * k) / n, y: last.y + ((p.y - last.y) * k) / n });
    }
    this.#draw();
  }

  end() {
    const points = this.#points;
    this.cancel();
    if (points?.length) this.#onStroke(Float64Array.from(points.flatMap((p) => [p.x, p.y])), this.#radius, this.mode === 'add');
  }

  cancel() {
    this.#points = null;
    this.#trail.setAttribute('d', '');
  }

  /** Shows the brush outline at a pointer event's point, or hides it (no event). */
  hover(e) {
    if (!e || this.mode === 'off') {
      this.#ring.setAttribute('r', '0');
      return;
    }
    const vp = this.#viewport;
    const p = vp.local(e);
    this.#ring.setAttribute('cx', p.x.toFixed(1));
    this.#ring.setAttribute('cy', p.y.toFixed(1));
    this.#ring.setAttribute('r', (this.#radius * vp.width * vp.scale).toFixed(1));
  }

  /** Redraws the trail (after a zoom or pan). */
  redraw() {
    if (this.#points) this.#draw();
  }

  #draw() {
    const vp = this.#viewport;
    this.#trail.setAttribute('class', `trail ${this.mode}`);
    this.#trail.setAttribute('stroke-width', (2 * this.#radius * vp.width * vp.scale).toFixed(1));
    const d = vp.path(this.#points.flatMap((p) => [p.x, p.y]));
    // A single point (a tap) is drawn as a dot: a segment too short to see.
    this.#trail.setAttribute('d', this.#points.length === 1 ? `${d}l0.01,0` : d);
  }
}
