//! The automatic hairline start: find the eyes in a frontal photo, and from
//! them the scale (adult interpupillary distance is about 6.3 cm), the
//! glabella, and the temple lines (up from the outer eye corners).
//!
//! No model is shipped: eyes are the darkest compact blobs in the band where
//! a head of the found size has them, scored by a centre-surround contrast
//! at iris scale, and paired by the geometry of a face (level, symmetric
//! about the head's midline, a plausible distance apart).

use crate::photo::{luma, Rgba};
use crate::scalp::Head;

/// Adult interpupillary distance, cm.
pub const IPD_CM: f64 = 6.3;
/// Glabella above the pupils' line, cm.
pub const GLABELLA_ABOVE_PUPILS_CM: f64 = 0.6;
/// Outer eye corner beyond the pupil, cm (outer canthal distance ~9 cm).
pub const OUTER_CORNER_CM: f64 = 1.35;

/// Eyes found in a photo, in pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Eyes {
    /// Left pupil (image left).
    pub left: (f64, f64),
    /// Right pupil (image right).
    pub right: (f64, f64),
}

impl Eyes {
    /// Scale from the pupils' distance.
    pub fn px_per_cm(&self) -> f64 {
        let (dx, dy) = (self.right.0 - self.left.0, self.right.1 - self.left.1);
        (dx * dx + dy * dy).sqrt() / IPD_CM
    }
    /// The glabella: between the brows, above the pupils' midpoint.
    pub fn glabella(&self) -> (f64, f64) {
        let s = self.px_per_cm();
        (
            (self.left.0 + self.right.0) / 2.0,
            (self.left.1 + self.right.1) / 2.0 - GLABELLA_ABOVE_PUPILS_CM * s,
        )
    }
    /// Half the distance between the outer eye corners: where the temple
    /// points go either side of the midline, in pixels.
    pub fn temple_half_width(&self) -> f64 {
        (self.right.0 - self.left.0) / 2.0 + OUTER_CORNER_CM * self.px_per_cm()
    }
}

/// Summed-area table of luminance over a window of the photo, for
/// constant-time box means (only the window: a whole 12-MP table would
/// cost 100 MB).
struct Integral {
    x0: usize,
    y0: usize,
    w: usize,
    sums: Vec<f64>,
}

impl Integral {
    fn new(photo: &Rgba, x0: usize, y0: usize, x1: usize, y1: usize) -> Integral {
        let (w, h) = (x1 - x0, y1 - y0);
        let mut sums = vec![0.0; (w + 1) * (h + 1)];
        for y in 0..h {
            let start = ((y + y0) * photo.width as usize + x0) * 4;
            let (above, below) = sums.split_at_mut((y + 1) * (w + 1));
            integral_row(
                &photo.data[start..start + 4 * w],
                &above[y * (w + 1)..],
                &mut below[..w + 1],
            );
        }
        Integral { x0, y0, w, sums }
    }
    /// Mean over the box [x0, x1) x [y0, y1) in photo pixels, which the
    /// caller keeps inside the window.
    fn mean(&self, x0: usize, y0: usize, x1: usize, y1: usize) -> f64 {
        let (x0, x1, y0, y1) = (x0 - self.x0, x1 - self.x0, y0 - self.y0, y1 - self.y0);
        let s = |x: usize, y: usize| self.sums[y * (self.w + 1) + x];
        let area = ((x1 - x0) * (y1 - y0)).max(1) as f64;
        (s(x1, y1) - s(x0, y1) - s(x1, y0) + s(x0, y0)) / area
    }
}

/// One row of an integral image: `out[x + 1]` = `above[x + 1]` plus the
/// luma of the row's pixels up to `x`. Called per row so browsers
/// optimize it after the first rows (see "Hot loops" in the crate docs).
#[inline(never)]
fn integral_row(pixels: &[u8], above: &[f64], out: &mut [f64]) {
    let mut row = 0.0;
    for (x, p) in pixels.as_chunks::<4>().0.iter().enumerate() {
        row += luma([p[0], p[1], p[2], 255]) as f64;
        out[x + 1] = above[x + 1] + row;
    }
}

/// Dark-spot responses over a window of the photo: how much darker a box
/// of `inner` pixels (half-width) is than the box of `outer` around it.
struct EyeScan {
    integral: Integral,
    /// `[x0, y0, x1, y1)` in photo pixels: every box stays inside it.
    window: [usize; 4],
    inner: usize,
    outer: usize,
}

impl EyeScan {
    fn response(&self, x: usize, y: usize) -> f64 {
        let ([wx0, wy0, wx1, wy1], inner, outer) = (self.window, self.inner, self.outer);
        if x < wx0 + outer || y < wy0 + outer || x + outer >= wx1 || y + outer >= wy1 {
            return f64::NEG_INFINITY;
        }
        let centre = self
            .integral
            .mean(x - inner, y - inner, x + inner, y + inner);
        let around = self
            .integral
            .mean(x - outer, y - outer, x + outer, y + outer);
        around - centre
    }

    /// Adds the responses of row `y` (every `step` pixels of `xs`, outside
    /// the middle of the face) to the left or right side's candidates.
    /// Called per row so browsers optimize it early (see "Hot loops" in the
    /// crate docs).
    #[inline(never)]
    fn row(
        &self,
        y: usize,
        xs: (usize, usize),
        step: usize,
        head: Head,
        sides: &mut [Vec<(f64, usize, usize)>; 2],
    ) {
        let mut x = xs.0;
        while x < xs.1 {
            let dx = x as f64 - head.cx;
            if dx.abs() > 0.2 * head.radius {
                sides[(dx > 0.0) as usize].push((self.response(x, y), x, y));
            }
            x += step;
        }
    }
}

/// Finds the eyes of a frontal face under the `head`, or `None` (no
/// silhouette, a profile or top view, eyes closed or hidden).
pub fn find_eyes(photo: &Rgba, head: Head) -> Option<Eyes> {
    if !head.found {
        return None;
    }
    let (w, h) = (photo.width as usize, photo.height as usize);
    let r = head.radius;
    // Iris scale from the head's size (crown radius about 8.3 cm).
    let cm = r / 8.3;
    let inner = (0.35 * cm).max(1.0) as usize;
    let outer = (1.0 * cm).max(3.0) as usize;
    let band = (head.top + 0.85 * r, head.top + 1.5 * r);
    let step = ((0.08 * cm) as usize).max(1);
    // The window every box below can touch.
    let wx0 = ((head.cx - 0.7 * r).max(0.0) as usize).saturating_sub(outer);
    let wx1 = (((head.cx + 0.7 * r) as usize) + outer + 1).min(w);
    let wy0 = (band.0.max(0.0) as usize).saturating_sub(outer);
    let wy1 = ((band.1 as usize) + outer + 1).min(h);
    if wx1 <= wx0 + 2 * outer || wy1 <= wy0 + 2 * outer {
        return None;
    }
    let scan = EyeScan {
        integral: Integral::new(photo, wx0, wy0, wx1, wy1),
        window: [wx0, wy0, wx1, wy1],
        inner,
        outer,
    };
    // Strongest local candidates on each side of the midline.
    let mut sides: [Vec<(f64, usize, usize)>; 2] = [Vec::new(), Vec::new()];
    let xs = (
        (head.cx - 0.7 * r).max(0.0) as usize,
        ((head.cx + 0.7 * r) as usize).min(w),
    );
    let mut y = band.0.max(0.0) as usize;
    while y < (band.1 as usize).min(h) {
        scan.row(y, xs, step, head, &mut sides);
        y += step;
    }
    for side in sides.iter_mut() {
        // Up to six distinct peaks, strongest first: each the strongest
        // candidate (equal responses in scan order: row, then column) away
        // from the peaks taken before it, the peaks a walk down the sorted
        // candidates would keep (picked, not sorted: a sort of this type
        // would add its own copy of std's sort code to the wasm). Pixel
        // offsets: dx² + dy² is exact, so its square root is the correctly
        // rounded distance, as `hypot` gives.
        let mut peaks: Vec<(f64, usize, usize)> = Vec::new();
        while peaks.len() < 6 {
            let next = side
                .iter()
                .filter(|c| {
                    peaks.iter().all(|p| {
                        let (dx, dy) = (p.1 as f64 - c.1 as f64, p.2 as f64 - c.2 as f64);
                        (dx * dx + dy * dy).sqrt() > 0.8 * cm
                    })
                })
                .min_by(|a, b| b.0.total_cmp(&a.0).then((a.2, a.1).cmp(&(b.2, b.1))));
            let Some(&c) = next else { break };
            peaks.push(c);
        }
        *side = peaks;
    }
    // Face-shaped pairs: level, symmetric, a plausible distance apart.
    let mut pairs: Vec<(f64, Eyes)> = Vec::new();
    for l in &sides[0] {
        for rr in &sides[1] {
            let (lx, ly, rx, ry) = (l.1 as f64, l.2 as f64, rr.1 as f64, rr.2 as f64);
            let sep = rx - lx;
            let level = (ry - ly).abs() / r;
            let asym = ((lx + rx) / 2.0 - head.cx).abs() / r;
            // Two eyes look alike: a pair of one strong and one faint
            // spot is an ear and a cheek in a profile.
            let balanced = l.0.min(rr.0) >= 0.4 * l.0.max(rr.0);
            if !(0.55 * r..=1.0 * r).contains(&sep) || level > 0.08 || asym > 0.1 || !balanced {
                continue;
            }
            let score = l.0 + rr.0 - 0.3 * (level + asym);
            pairs.push((
                score,
                Eyes {
                    left: (lx, ly),
                    right: (rx, ry),
                },
            ));
        }
    }
    // A real eye pair stands out from the skin around it. Brows score as
    // well as eyes on some faces; eyes are the lower of two strong pairs.
    let mut top = f64::NEG_INFINITY;
    for p in &pairs {
        top = top.max(p.0);
    }
    if top <= 0.04 {
        return None;
    }
    let level = |e: &Eyes| (e.left.1 + e.right.1) / 2.0;
    let mut lowest = f64::NEG_INFINITY;
    for p in &pairs {
        if p.0 >= 0.5 * top {
            lowest = lowest.max(level(&p.1));
        }
    }
    // At that level, the strongest pair (the pupils rather than a corner;
    // the last of equals).
    let mut best: Option<(f64, Eyes)> = None;
    for p in pairs {
        if (level(&p.1) - lowest).abs() < 0.7 * cm
            && best.is_none_or(|b| p.0.total_cmp(&b.0).is_ge())
        {
            best = Some(p);
        }
    }
    best.map(|p| p.1)
}
