//! Quality measures of point sets, shared by the tests and the benchmarks so
//! both judge patterns the same way.

/// A uniform bucket grid over points for nearest-neighbour queries.
struct Buckets<'a> {
    points: &'a [[f64; 2]],
    cell: f64,
    cols: usize,
    rows: usize,
    start: Vec<u32>,
    items: Vec<u32>,
}

impl<'a> Buckets<'a> {
    fn new(points: &'a [[f64; 2]], width: f64, height: f64, cell: f64) -> Self {
        let cols = ((width / cell).ceil() as usize).max(1);
        let rows = ((height / cell).ceil() as usize).max(1);
        let at = |p: &[f64; 2]| {
            let c = ((p[0] / cell).max(0.0) as usize).min(cols - 1);
            let r = ((p[1] / cell).max(0.0) as usize).min(rows - 1);
            r * cols + c
        };
        let mut start = vec![0u32; cols * rows + 1];
        for p in points {
            start[at(p) + 1] += 1;
        }
        for k in 1..start.len() {
            start[k] += start[k - 1];
        }
        let mut fill = start.clone();
        let mut items = vec![0u32; points.len()];
        for (i, p) in points.iter().enumerate() {
            let c = at(p);
            items[fill[c] as usize] = i as u32;
            fill[c] += 1;
        }
        Buckets {
            points,
            cell,
            cols,
            rows,
            start,
            items,
        }
    }

    /// Squared distance from `q` to the nearest point other than `skip`,
    /// looking at most `reach` cells away (returns infinity beyond).
    fn nearest2(&self, q: [f64; 2], skip: usize, reach: usize) -> f64 {
        let gc = ((q[0] / self.cell).max(0.0) as usize).min(self.cols - 1);
        let gr = ((q[1] / self.cell).max(0.0) as usize).min(self.rows - 1);
        let mut best = f64::INFINITY;
        for r in gr.saturating_sub(reach)..=(gr + reach).min(self.rows - 1) {
            for c in gc.saturating_sub(reach)..=(gc + reach).min(self.cols - 1) {
                let k = r * self.cols + c;
                for &j in &self.items[self.start[k] as usize..self.start[k + 1] as usize] {
                    if j as usize == skip {
                        continue;
                    }
                    let p = self.points[j as usize];
                    let (dx, dy) = (p[0] - q[0], p[1] - q[1]);
                    let d = dx * dx + dy * dy;
                    if d < best {
                        best = d;
                    }
                }
            }
        }
        best
    }
}

/// The smallest distance between any two points (infinity for < 2 points).
pub fn min_distance(points: &[[f64; 2]], width: f64, height: f64) -> f64 {
    if points.len() < 2 {
        return f64::INFINITY;
    }
    // Cell about the mean spacing: the closest pair is nearly always within
    // one cell; widen the search where a point has no neighbour there.
    let cell = (width * height / points.len() as f64).sqrt();
    let b = Buckets::new(points, width, height, cell);
    let mut best = f64::INFINITY;
    for (i, p) in points.iter().enumerate() {
        let mut reach = 1;
        let mut d = b.nearest2(*p, i, reach);
        while d.is_infinite() && reach < b.cols.max(b.rows) {
            reach *= 2;
            d = b.nearest2(*p, i, reach);
        }
        best = best.min(d);
    }
    best.sqrt()
}

/// Normalized Poisson radius ρ = d_min / (2·sqrt(A / (2·√3·N))): the
/// closest pair relative to a perfect hexagonal packing of the same count.
/// Maximal Poisson-disc sets score about 0.75; a grid scores 0.93.
pub fn normalized_radius(points: &[[f64; 2]], width: f64, height: f64, area: f64) -> f64 {
    let n = points.len() as f64;
    if n < 2.0 {
        return 0.0;
    }
    let d_hex = 2.0 * (area / (2.0 * 3f64.sqrt() * n)).sqrt();
    min_distance(points, width, height) / d_hex
}

/// Fraction of probe positions (a fine grid of `step` px) inside the
/// rectangle that lie farther than `r` from every point: room where another
/// point would still fit. 0 for a maximal set.
pub fn uncovered_fraction(points: &[[f64; 2]], rect: [f64; 4], r: f64, step: f64) -> f64 {
    let [x0, y0, x1, y1] = rect;
    let b = Buckets::new(points, x1.max(1.0), y1.max(1.0), r);
    let (mut total, mut open) = (0u64, 0u64);
    let mut y = y0 + step / 2.0;
    while y < y1 {
        let mut x = x0 + step / 2.0;
        while x < x1 {
            total += 1;
            if b.nearest2([x, y], usize::MAX, 1) > r * r {
                open += 1;
            }
            x += step;
        }
        y += step;
    }
    if total == 0 {
        0.0
    } else {
        open as f64 / total as f64
    }
}

/// Radius of the largest empty disc centred on a probe grid of `step` px
/// inside `rect`: the widest gap in the pattern.
pub fn largest_gap(points: &[[f64; 2]], rect: [f64; 4], step: f64, max_radius: f64) -> f64 {
    let [x0, y0, x1, y1] = rect;
    let b = Buckets::new(points, x1.max(1.0), y1.max(1.0), max_radius);
    let mut worst = 0.0f64;
    let mut y = y0;
    while y <= y1 {
        let mut x = x0;
        while x <= x1 {
            worst = worst.max(b.nearest2([x, y], usize::MAX, 1).sqrt().min(max_radius));
            x += step;
        }
        y += step;
    }
    worst
}
