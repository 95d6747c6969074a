// Quality measures of 2-D point sets for the browser benchmark, computed by
// the benchmark itself for every sampler alike (never taken from a
// sampler's own claims). Pure ES module: runs in the page and in Node.
//
// Point sets are flat arrays [x0, y0, x1, y1, ...] (Float64Array or Array).
// Same definitions as src/metrics.rs:
//   normalized radius  rho = d_min / (2 * sqrt(A / (2 * sqrt(3) * N)))
//   uncovered fraction = share of probes on a `step`-px grid (probe at the
//                        cell centre) farther than r from every point.

/**
 * A uniform bucket grid over the points inside [x0, x1) x [y0, y1) (points
 * outside are clamped into the border cells), counting-sorted so a cell's
 * points are items[start[k] .. start[k + 1]).
 */
export class Buckets {
  constructor(xy, rect, cell) {
    const [x0, y0, x1, y1] = rect;
    this.xy = xy;
    this.x0 = x0;
    this.y0 = y0;
    this.cell = cell;
    this.cols = Math.max(1, Math.ceil((x1 - x0) / cell));
    this.rows = Math.max(1, Math.ceil((y1 - y0) / cell));
    const n = xy.length >> 1;
    const cellOf = new Int32Array(n);
    const start = new Int32Array(this.cols * this.rows + 1);
    for (let i = 0; i < n; i++) {
      const k = this.index(xy[2 * i], xy[2 * i + 1]);
      cellOf[i] = k;
      start[k + 1]++;
    }
    for (let k = 1; k < start.length; k++) start[k] += start[k - 1];
    const fill = start.slice(0, -1);
    const items = new Int32Array(n);
    for (let i = 0; i < n; i++) items[fill[cellOf[i]]++] = i;
    this.start = start;
    this.items = items;
  }

  col(x) {
    const c = Math.floor((x - this.x0) / this.cell);
    return c < 0 ? 0 : c >= this.cols ? this.cols - 1 : c;
  }

  row(y) {
    const r = Math.floor((y - this.y0) / this.cell);
    return r < 0 ? 0 : r >= this.rows ? this.rows - 1 : r;
  }

  index(x, y) {
    return this.row(y) * this.cols + this.col(x);
  }
}

function boundsOf(xy) {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < xy.length; i += 2) {
    const x = xy[i];
    const y = xy[i + 1];
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return [x0, y0, x1 + 1e-9, y1 + 1e-9];
}

/**
 * The smallest distance between two points (Infinity for fewer than 2).
 * Buckets of about the mean spacing; every pair closer than a cell is in
 * neighbouring cells, so a 3x3 search is exact whenever it finds a pair
 * closer than the cell; otherwise the cell doubles and the search repeats.
 */
export function minDistance(xy) {
  const n = xy.length >> 1;
  if (n < 2) return Infinity;
  const rect = boundsOf(xy);
  const area = Math.max(1e-9, (rect[2] - rect[0]) * (rect[3] - rect[1]));
  let cell = Math.max(1e-9, Math.sqrt(area / n));
  for (;;) {
    const b = new Buckets(xy, rect, cell);
    let best2 = Infinity;
    const { cols, rows, start, items } = b;
    for (let i = 0; i < n; i++) {
      const x = xy[2 * i];
      const y = xy[2 * i + 1];
      const c = b.col(x);
      const r = b.row(y);
      const r0 = r > 0 ? r - 1 : 0;
      const r1 = r + 1 < rows ? r + 1 : rows - 1;
      const c0 = c > 0 ? c - 1 : 0;
      const c1 = c + 1 < cols ? c + 1 : cols - 1;
      for (let rr = r0; rr <= r1; rr++) {
        for (let cc = c0; cc <= c1; cc++) {
          const k = rr * cols + cc;
          for (let s = start[k], e = start[k + 1]; s < e; s++) {
            const j = items[s];
            if (j <= i) continue; // each pair once
            const dx = xy[2 * j] - x;
            const dy = xy[2 * j + 1] - y;
            const d2 = dx * dx + dy * dy;
            if (d2 < best2) best2 = d2;
          }
        }
      }
    }
    if (best2 < cell * cell || (cols === 1 && rows === 1)) return Math.sqrt(best2);
    cell *= 2;
  }
}

/** Normalized Poisson radius of the points over an area `area` (px²). */
export function normalizedRadius(xy, area) {
  const n = xy.length >> 1;
  if (n < 2) return 0;
  const dHex = 2 * Math.sqrt(area / (2 * Math.sqrt(3) * n));
  return minDistance(xy) / dHex;
}

/**
 * Fraction of probes on a `step`-px grid over rect = [x0, y0, x1, y1] (a
 * probe at each cell centre) that lie farther than `r` from every point.
 * `domain` is the rectangle the points live in (buckets cover it, so points
 * just outside `rect` still cover probes near its edge). `inside(x, y)`, if
 * given, restricts the probes (for example to an ellipse).
 * Returns { fraction, probes, open }.
 */
export function uncoveredFraction(xy, rect, r, step = 1, domain = rect, inside = null) {
  const [x0, y0, x1, y1] = rect;
  const b = new Buckets(xy, domain, r);
  const { cols, rows, start, items } = b;
  const r2 = r * r;
  let probes = 0;
  let open = 0;
  for (let y = y0 + step / 2; y < y1; y += step) {
    const row = b.row(y);
    const rA = row > 0 ? row - 1 : 0;
    const rB = row + 1 < rows ? row + 1 : rows - 1;
    for (let x = x0 + step / 2; x < x1; x += step) {
      if (inside !== null && !inside(x, y)) continue;
      probes++;
      const col = b.col(x);
      const cA = col > 0 ? col - 1 : 0;
      const cB = col + 1 < cols ? col + 1 : cols - 1;
      let covered = false;
      for (let rr = rA; rr <= rB && !covered; rr++) {
        for (let cc = cA; cc <= cB && !covered; cc++) {
          const k = rr * cols + cc;
          for (let s = start[k], e = start[k + 1]; s < e; s++) {
            const j = items[s];
            const dx = xy[2 * j] - x;
            const dy = xy[2 * j + 1] - y;
            if (dx * dx + dy * dy <= r2) {
              covered = true;
              break;
            }
          }
        }
      }
      if (!covered) open++;
    }
  }
  return { fraction: probes ? open / probes : 0, probes, open };
}

/** True when some point in `b` lies within `r` of (x, y); needs r <= b.cell. */
function anyWithin(b, x, y, r) {
  const { cols, rows, start, items, xy } = b;
  const r2 = r * r;
  const row = b.row(y);
  const col = b.col(x);
  const rA = row > 0 ? row - 1 : 0;
  const rB = row + 1 < rows ? row + 1 : rows - 1;
  const cA = col > 0 ? col - 1 : 0;
  const cB = col + 1 < cols ? col + 1 : cols - 1;
  for (let rr = rA; rr <= rB; rr++) {
    for (let cc = cA; cc <= cB; cc++) {
      const k = rr * cols + cc;
      for (let s = start[k], e = start[k + 1]; s < e; s++) {
        const j = items[s];
        const dx = xy[2 * j] - x;
        const dy = xy[2 * j + 1] - y;
        if (dx * dx + dy * dy <= r2) return true;
      }
    }
  }
  return false;
}

/**
 * Uncovered fraction under a spacing field: the share of probes p on a
 * `step`-px grid over rect farther than spacingAt(p) from every point, that
 * is, where the field would still admit another point. rMin <= spacingAt <=
 * rMax. Two bucket grids: a fine one (cell rMin) settles nearly every probe
 * in dense regions, a coarse one (cell rMax) the rest.
 * Returns { fraction, probes, open }.
 */
export function uncoveredUnderField(xy, rect, spacingAt, rMin, rMax, step = 1) {
  const [x0, y0, x1, y1] = rect;
  const fine = new Buckets(xy, rect, rMin);
  const coarse = new Buckets(xy, rect, rMax);
  let probes = 0;
  let open = 0;
  for (let y = y0 + step / 2; y < y1; y += step) {
    for (let x = x0 + step / 2; x < x1; x += step) {
      probes++;
      if (anyWithin(fine, x, y, rMin)) continue;
      const s = spacingAt(x, y);
      if (s > rMin && anyWithin(coarse, x, y, Math.min(s, rMax))) continue;
      open++;
    }
  }
  return { fraction: probes ? open / probes : 0, probes, open };
}

/** Points of `xy` for which keep(x, y) is true, as a new Float64Array. */
export function filterPoints(xy, keep) {
  const out = [];
  for (let i = 0; i < xy.length; i += 2) if (keep(xy[i], xy[i + 1])) out.push(xy[i], xy[i + 1]);
  return Float64Array.from(out);
}

/** A hexagonal lattice of spacing `a` over [0, w) x [0, h), for self-checks. */
export function hexLattice(w, h, a) {
  const out = [];
  const dy = (a * Math.sqrt(3)) / 2;
  for (let j = 0, y = dy / 2; y < h; j++, y += dy) {
    for (let x = (j % 2 ? a / 2 : 0) + a / 4; x < w; x += a) out.push(x, y);
  }
  return Float64Array.from(out);
}

/**
 * Checks the metrics on cases with known answers; throws on a mismatch.
 * Returns the figures it checked.
 */
export function selfCheck() {
  const w = 400;
  const h = 300;
  const hex = hexLattice(w, h, 11);
  const rho = normalizedRadius(hex, w * h);
  const unc = uncoveredFraction(hex, [0, 0, w, h], 11, 1).fraction;
  const empty = uncoveredFraction(new Float64Array(0), [0, 0, w, h], 11, 1).fraction;
  // Two points 3 px apart among far-apart others: d_min is exactly 3.
  const pair = Float64Array.from([10, 10, 13, 10, 200, 150, 390, 290, 50, 250]);
  const dmin = minDistance(pair);
  // One point in the middle of a 100x100 square covers pi * 11² of 10^4 probes.
  const one = uncoveredFraction(Float64Array.from([50, 50]), [0, 0, 100, 100], 11, 1).fraction;
  // Under a constant field the field-aware fraction equals the plain one.
  const sparse = hexLattice(w, h, 40);
  const plain = uncoveredFraction(sparse, [0, 0, w, h], 15, 1).fraction;
  const field = uncoveredUnderField(sparse, [0, 0, w, h], () => 15, 11, 88, 1).fraction;
  const ok =
    plain > 0.3 &&
    plain === field &&
    Math.abs(rho - 1) < 0.03 && unc === 0 && empty === 1 && Math.abs(dmin - 3) < 1e-12 && Math.abs(1 - one - (Math.PI * 121) / 1e4) < 0.002;
  const figures = { sparseUncovered: plain, sparseUncoveredField: field, hexRho: rho, hexUncovered: unc, emptyUncovered: empty, pairMin: dmin, oneDiscCovered: 1 - one };
  if (!ok) throw new Error(`metrics self-check failed: ${JSON.stringify(figures)}`);
  return figures;
}
