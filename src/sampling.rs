//! Seeded, nested, variable-density Poisson-disc sampling.
//!
//! Two stages:
//! 1. [`poisson_disc`]: a grid-accelerated Bridson-style sampler in the
//!    variant that tries candidates on a ring just outside the spacing,
//!    at evenly spaced angles from a random start, skipping the 60 degrees
//!    each placed point covers (Roberts' improvement: it packs tighter and
//!    rejects less than uniform annulus darts). The spacing is a field
//!    `r(x, y)`, so density can vary across the image.
//! 2. [`nested_points`]: seven nested levels, the first six each twice as
//!    dense as the one before and the seventh filling the rest, each in the
//!    holes between all earlier points; within a level the new points are
//!    ranked by greedy elimination of the most crowded (after Yuksel 2015).
//!    The points with rank below any fraction `f` are themselves an evenly
//!    spread Poisson set of `f` times the density, so a lower density is
//!    always an exact subset of a higher one and nothing reshuffles when a
//!    slider moves. The sixth level ends where the default design stops
//!    ([`LAST_LEVEL_RANK`]): a [`Pattern`] samples the seventh only when
//!    a frame needs it or once the first frame is on screen.
//!
//! Determinism: every decision uses f64 `+ - * / sqrt` (correctly rounded
//! on every IEEE target, wasm included) and a seeded PCG stream. There is no
//! `sin`/`cos`: candidate directions come from half-angle formulas.

use crate::num::clamp;
use rand::{Rng, RngCore, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// A sampled point with its nested rank and its own look (jitter).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dot {
    /// Position in pixels of the working image.
    pub x: f32,
    /// Position in pixels of the working image.
    pub y: f32,
    /// Nested rank in `[0, 1)`: the dot is shown where `rank < fraction`.
    pub rank: f32,
    /// Size multiplier (healed dots are not all the same size).
    pub size: f32,
    /// Opacity multiplier (uneven pigment take-up).
    pub ink: f32,
    /// Direction of the dot's long axis (unit vector), for a slightly
    /// irregular, not perfectly round, spot.
    pub axis: [f32; 2],
    /// Ratio of short to long axis, in `(0, 1]`.
    pub roundness: f32,
}

/// Number of entries in the direction table (a power of two, so a table
/// index wraps with a mask), small enough to stay in the L1 cache (8 KiB)
/// and fine enough (0.7 degrees) that rings never line up into a lattice.
const TABLE: usize = 512;

/// Candidates per full turn around a point (11.25 degrees apart).
const RING_STEPS: usize = 32;

/// Table entries between two successive candidates around a point.
const STEP: usize = TABLE / RING_STEPS;

/// Spacing, relative to the smallest, beyond which a neighbour search
/// walks occupied cells block by block rather than every cell in reach.
const FAR: f64 = 2.0;

/// Most steps out a candidate takes where the spacing grows away from its
/// parent (see [`fill`]).
const STEP_OUTS: usize = 3;

/// Table entries in a turn of just over 60 degrees: after a candidate is
/// accepted, the next candidate nearer than 60 degrees to it on the ring
/// is sure to be within the spacing of it, so it is skipped.
const SIXTH: usize = TABLE / 6 + 1;

/// `TABLE` evenly spaced unit vectors, `[cos, sin]` of `2 pi k / TABLE`,
/// built with half-angle formulas and products only (sqrt is correctly
/// rounded everywhere, sin/cos are not, so the table is bit-identical
/// natively and in wasm).
fn direction_table() -> Vec<[f64; 2]> {
    // cos/sin of 2 pi / TABLE from cos(pi/4) by half-angle steps;
    // sin(t/2) = sin t / (2 cos(t/2)) keeps full precision at small angles.
    let (mut c, mut s) = ((0.5f64).sqrt(), (0.5f64).sqrt());
    let mut step = [c, s];
    for halving in 1..=(TABLE / 8).trailing_zeros() {
        let ch = ((1.0 + c) / 2.0).sqrt();
        s /= 2.0 * ch;
        c = ch;
        if halving == 2 {
            step = [c, s]; // 2 pi / 32: from one coarse entry to the next
        }
    }
    // Entry k = coarse[k / (TABLE / 32)] * fine[k % (TABLE / 32)] (complex
    // product), so no entry is more than two short recurrences from exact.
    let rotate = |a: [f64; 2], b: [f64; 2]| [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
    let mut fine = [[1.0, 0.0]; TABLE / 32];
    for k in 1..fine.len() {
        fine[k] = rotate(fine[k - 1], [c, s]);
    }
    let mut coarse = [[1.0, 0.0]; 32];
    for k in 1..coarse.len() {
        coarse[k] = rotate(coarse[k - 1], step);
    }
    let mut table = Vec::with_capacity(TABLE);
    for a in coarse {
        for b in fine {
            table.push(rotate(a, b));
        }
    }
    table
}

/// A random unit vector by rejection from the unit disc (no trigonometry).
fn random_unit(rng: &mut Pcg64Mcg) -> [f64; 2] {
    loop {
        let u = rng.random::<f64>() * 2.0 - 1.0;
        let v = rng.random::<f64>() * 2.0 - 1.0;
        let q = u * u + v * v;
        if q > 1e-6 && q <= 1.0 {
            let n = q.sqrt();
            return [u / n, v / n];
        }
    }
}

/// The spacing field: minimum distance between dots, in pixels, anywhere in
/// the domain, with known bounds so the acceleration grid can be sized.
pub trait Spacing {
    /// Minimum spacing at `(x, y)`.
    fn at(&self, x: f64, y: f64) -> f64;
    /// Lower bound of [`Spacing::at`] over the domain.
    fn min(&self) -> f64;
    /// Upper bound of [`Spacing::at`] over the domain.
    fn max(&self) -> f64;
}

/// The same spacing everywhere.
pub struct Uniform(pub f64);

impl Spacing for Uniform {
    fn at(&self, _x: f64, _y: f64) -> f64 {
        self.0
    }
    fn min(&self) -> f64 {
        self.0
    }
    fn max(&self) -> f64 {
        self.0
    }
}

/// A spacing field given as a grid of values in `0..=1` stretched over the
/// domain (nearest cell): spacing = `r_min + value * (r_max - r_min)`, the
/// convention of JavaScript's `poisson-disk-sampling` distance functions.
pub struct GridSpacing {
    /// Domain width in pixels.
    pub width: f64,
    /// Domain height in pixels.
    pub height: f64,
    /// Spacing where the value is 0.
    pub r_min: f64,
    /// Spacing where the value is 1.
    pub r_max: f64,
    /// Row-major values, `cols * rows` of them.
    pub values: Vec<f32>,
    /// Grid columns.
    pub cols: usize,
    /// Grid rows.
    pub rows: usize,
}

impl Spacing for GridSpacing {
    #[inline]
    fn at(&self, x: f64, y: f64) -> f64 {
        let c = ((x / self.width * self.cols as f64) as usize).min(self.cols - 1);
        let r = ((y / self.height * self.rows as f64) as usize).min(self.rows - 1);
        let v = clamp(self.values[r * self.cols + c] as f64, 0.0, 1.0);
        self.r_min + v * (self.r_max - self.r_min)
    }
    fn min(&self) -> f64 {
        self.r_min
    }
    fn max(&self) -> f64 {
        self.r_max
    }
}

/// A background grid of cells no wider than `r_min / sqrt(2)`, so each cell
/// holds at most one point of a Poisson set. Cells keep the coordinates
/// themselves (NaN when empty) so a distance check touches one array, and
/// a border of always-empty cells as wide as the search reach spares every
/// neighbour lookup a bounds check.
struct Grid {
    /// 1 / cell width: cell lookups multiply rather than divide.
    inv: f64,
    pad: usize,
    stride: usize,
    slots: Vec<[f64; 2]>,
    /// Neighbour cells within reach as slot offsets, nearest first, each
    /// with the smallest possible squared distance (in cell widths) from a
    /// point in the centre cell to a point in it: a search stops at the
    /// first offset that cannot hold a point within the spacing.
    offsets: Vec<(isize, f64)>,
    cols: usize,
    rows: usize,
    /// One bit per cell, set when it holds a point, for each block of 8x8
    /// cells: a search wider than a few cells walks the occupied cells of
    /// the blocks it overlaps instead of every cell in reach.
    blocks: Vec<u64>,
    block_cols: usize,
}

impl Grid {
    fn new(width: f64, height: f64, cell: f64, reach: usize) -> Grid {
        let inv = 1.0 / cell;
        // floor + 1, not ceil: a coordinate just below the edge can round
        // up to exactly width / cell.
        let cols = (width * inv) as usize + 1;
        let rows = (height * inv) as usize + 1;
        let stride = cols + 2 * reach;
        let span = reach as isize;
        // Whole cells between a point in the centre cell and one `d` cells
        // over.
        let gap = |d: isize| (d.abs() - 1).max(0);
        let mut offsets = Vec::with_capacity((2 * reach + 1) * (2 * reach + 1));
        for dr in -span..=span {
            for dc in -span..=span {
                let d = gap(dc).pow(2) + gap(dr).pow(2);
                offsets.push((dr * stride as isize + dc, d as f64));
            }
        }
        // Nearest first; by offset (row, then column) at the same squared
        // distance, so the order is unique.
        offsets.sort_unstable_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        let block_cols = cols.div_ceil(8);
        Grid {
            inv,
            pad: reach,
            stride,
            slots: vec![[f64::NAN, 0.0]; stride * (rows + 2 * reach)],
            offsets,
            cols,
            rows,
            blocks: vec![0; block_cols * rows.div_ceil(8)],
            block_cols,
        }
    }

    /// Slot of a point inside the domain.
    fn index(&self, p: [f64; 2]) -> usize {
        let c = (p[0] * self.inv) as usize;
        let r = (p[1] * self.inv) as usize;
        (r + self.pad) * self.stride + c + self.pad
    }

    /// Stores `p` (inside the domain) in its cell, which must be free.
    fn insert(&mut self, p: [f64; 2]) {
        let c = (p[0] * self.inv) as usize;
        let r = (p[1] * self.inv) as usize;
        self.slots[(r + self.pad) * self.stride + c + self.pad] = p;
        self.blocks[(r / 8) * self.block_cols + c / 8] |= 1 << ((r % 8) * 8 + c % 8);
    }

    /// The first stored point found closer than `r` to `c` (in slot
    /// `slot`), or `None`: up to [`FAR`] times the smallest spacing `r_lo`
    /// the nearest-first cell walk, beyond it the block search.
    fn search(&self, slot: usize, c: [f64; 2], r: f64, r_lo: f64) -> Option<[f64; 2]> {
        if r <= FAR * r_lo {
            self.blocker(slot, c, r)
        } else {
            self.blocker_far(c, r)
        }
    }

    /// The first stored point found closer than `r` to `c`, or `None`:
    /// a search over the occupied cells of every 8x8 block that overlaps
    /// the disc's bounding box, for spacings many cells wide.
    fn blocker_far(&self, c: [f64; 2], r: f64) -> Option<[f64; 2]> {
        let r2 = r * r - 1e-9;
        let span = |v: f64, n: usize| {
            let lo = ((v - r) * self.inv).max(0.0) as usize;
            let hi = (((v + r) * self.inv) as usize).min(n - 1);
            (lo / 8, hi / 8)
        };
        let (bc0, bc1) = span(c[0], self.cols);
        let (br0, br1) = span(c[1], self.rows);
        for br in br0..=br1 {
            for bc in bc0..=bc1 {
                let mut bits = self.blocks[br * self.block_cols + bc];
                while bits != 0 {
                    let k = bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    let (row, col) = (br * 8 + k / 8, bc * 8 + k % 8);
                    let q = self.slots[(row + self.pad) * self.stride + col + self.pad];
                    let dx = q[0] - c[0];
                    let dy = q[1] - c[1];
                    if dx * dx + dy * dy < r2 {
                        return Some(q);
                    }
                }
            }
        }
        None
    }

    /// The first stored point found closer than `r` to `c` (whose slot is
    /// `slot`), or `None` when `c` fits. Cells are checked nearest first,
    /// so nearly every rejection is decided in the 3x3 block around it.
    fn blocker(&self, slot: usize, c: [f64; 2], r: f64) -> Option<[f64; 2]> {
        // An absolute epsilon: a candidate never rejects against its own
        // parent at large coordinates.
        let r2 = r * r - 1e-9;
        let lim = r2 * self.inv * self.inv;
        for &(d, min2) in &self.offsets {
            if min2 >= lim {
                break; // this cell and all after it are at least r away
            }
            let q = self.slots[slot.wrapping_add_signed(d)];
            let dx = q[0] - c[0];
            let dy = q[1] - c[1];
            if dx * dx + dy * dy < r2 {
                return Some(q); // NaN (empty) compares false
            }
        }
        None
    }
}

/// The spacing field of one nesting level: `factor` times the base field.
struct Scaled<'a, S: Spacing>(&'a S, f64);

impl<S: Spacing> Spacing for Scaled<'_, S> {
    fn at(&self, x: f64, y: f64) -> f64 {
        self.0.at(x, y) * self.1
    }
    fn min(&self) -> f64 {
        self.0.min() * self.1
    }
    fn max(&self) -> f64 {
        self.0.max() * self.1
    }
}

/// Samples a maximal Poisson-disc set on `[0, width) x [0, height)` with
/// the spacing field `spacing`. Returns positions in generation order.
///
/// Every pair of points is at least `spacing.at(candidate)` apart, checked
/// with an absolute epsilon in f64 so a point never rejects against its own
/// parent at large coordinates.
pub fn poisson_disc(width: f64, height: f64, spacing: &impl Spacing, seed: u64) -> Vec<[f64; 2]> {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let mut points = Vec::new();
    // Scaled by 1 (exact): the same `fill` as [`nested_points`] runs for
    // this spacing type, so the wasm holds one copy of it and its hot
    // `ring`, not two.
    fill(
        &mut points,
        width,
        height,
        &Scaled(spacing, 1.0),
        &mut rng,
        RING,
    );
    points
}

/// Adds points to `points` until no room is left at `spacing`: a Bridson
/// pass in which every existing point starts active, so it fills the holes
/// between points laid down earlier at a wider spacing.
///
/// Candidates sit on a ring of `ring` times the local spacing, just outside
/// it (Roberts' variant of Bridson's algorithm): from a random start, every
/// 1/32 turn, and after each accepted candidate the ring skips just over 60
/// degrees (the arc that point now covers) plus a random fraction of a
/// step, so the points pack nearly as tightly as a hexagonal lattice
/// without forming one.
fn fill(
    points: &mut Vec<[f64; 2]>,
    width: f64,
    height: f64,
    spacing: &impl Spacing,
    rng: &mut Pcg64Mcg,
    ring: f64,
) {
    let r_lo = spacing.min();
    let r_hi = spacing.max();
    if !(width > 0.0 && height > 0.0 && r_lo > 0.0 && r_hi >= r_lo) {
        return;
    }
    // Points laid down earlier are at least `r_lo` apart too, so every cell
    // still holds at most one point. Cell walks reach at most `FAR * r_lo`
    // (wider searches go block by block).
    let cell = r_lo * core::f64::consts::FRAC_1_SQRT_2;
    let reach = (r_hi.min(FAR * r_lo) / cell).ceil() as usize;
    let mut grid = Grid::new(width, height, cell, reach);
    for p in points.iter() {
        grid.insert(*p);
    }
    if points.is_empty() {
        let first = [rng.random::<f64>() * width, rng.random::<f64>() * height];
        grid.insert(first);
        points.push(first);
    }
    // Active points with their spacing (kept, not looked up again: the
    // field may be costly to read at scattered places).
    let active = points
        .iter()
        .enumerate()
        .map(|(i, p)| (i as u32, spacing.at(p[0], p[1])))
        .collect();
    let mut growth = Growth {
        points,
        grid,
        active,
        dirs: direction_table(),
        spacing,
        rng,
        width,
        height,
        out: ring,
        r_lo,
        r2_lo: r_lo * r_lo - 1e-9,
    };
    while !growth.active.is_empty() {
        // One draw per active point: its low half picks the point (a
        // random active point keeps the growth front irregular), the high
        // half the ring's starting direction.
        let bits = growth.rng.next_u64();
        let pick = (((bits & 0xffff_ffff) * growth.active.len() as u64) >> 32) as usize;
        let (i, r_p) = growth.active.swap_remove(pick);
        growth.ring(i, r_p, (bits >> 32) as usize % TABLE);
    }
}

/// One pass of [`fill`] in progress: the points so far, their grid, the
/// active points and the pass's fixed parameters.
struct Growth<'a, S: Spacing> {
    points: &'a mut Vec<[f64; 2]>,
    grid: Grid,
    active: Vec<(u32, f64)>,
    dirs: Vec<[f64; 2]>,
    spacing: &'a S,
    rng: &'a mut Pcg64Mcg,
    width: f64,
    height: f64,
    /// Radius of the candidate ring, relative to the spacing.
    out: f64,
    /// Smallest spacing anywhere.
    r_lo: f64,
    /// Its square, less the epsilon of every distance check.
    r2_lo: f64,
}

impl<S: Spacing> Growth<'_, S> {
    /// Whether `c` lies in the domain `[0, width) x [0, height)`.
    fn inside(&self, c: [f64; 2]) -> bool {
        c[0] >= 0.0 && c[0] < self.width && c[1] >= 0.0 && c[1] < self.height
    }

    /// Tries candidates around active point `i` (spacing `r_p`), from
    /// direction-table entry `at` round the ring, adding those that fit.
    ///
    /// A function of its own, called once per active point, so browsers
    /// optimize it early (see "Hot loops" in the crate docs).
    #[inline(never)]
    fn ring(&mut self, i: u32, r_p: f64, mut at: usize) {
        let p = self.points[i as usize];
        let r2_p = r_p * r_p - 1e-9;
        let mut turned = 0;
        let mut end = TABLE;
        // The point that rejected the last candidate: a neighbour blocks an
        // arc of up to 120 degrees of the ring, so it usually rejects the
        // next few candidates too, without a grid search.
        let mut last = [f64::NAN, 0.0];
        // The squared spacing (less the epsilon) at which `last` rejected.
        let mut last_r2 = self.r2_lo;
        while turned < end {
            let d = self.dirs[at % TABLE];
            let placed = 'try_it: {
                let mut c = [p[0] + d[0] * r_p * self.out, p[1] + d[1] * r_p * self.out];
                if !self.inside(c) {
                    break 'try_it None;
                }
                // Checked first at the parent's spacing, which needs no
                // look-up of the field (the costly part where the field is
                // large and read at scattered places): in a uniform field
                // that is the whole check. Where the spacing at the
                // candidate is smaller this is stricter than needed, and
                // where it is larger a blocked candidate is not stepped
                // out; points growing from elsewhere fill that ground.
                // The last blocker usually rejects the next few candidates
                // (a neighbour blocks an arc of up to 120 degrees).
                let (dx, dy) = (c[0] - last[0], c[1] - last[1]);
                // A comparison, not `f64::min`: in wasm that is a call to
                // `fmin`, and this runs for every candidate.
                let r2 = if last_r2 < r2_p { last_r2 } else { r2_p };
                if dx * dx + dy * dy < r2 {
                    break 'try_it None; // NaN (no blocker yet) compares false
                }
                let mut slot = self.grid.index(c);
                if let Some(q) = self.grid.search(slot, c, r_p, self.r_lo) {
                    (last, last_r2) = (q, r2_p);
                    break 'try_it None;
                }
                let mut r_c = self.spacing.at(c[0], c[1]);
                if r_c > r_p {
                    // Where the spacing grows away from p, step out to the
                    // spacing at the landing point, or the growth front could
                    // never cross into sparser areas. The spacing there may
                    // be wider still, so step 1% beyond it, and again, a few
                    // times at most (each step is a look-up; where the field
                    // is that steep other directions fill the ground).
                    let mut dist = r_p;
                    for _ in 0..STEP_OUTS {
                        if r_c <= dist {
                            break;
                        }
                        dist = r_c * 1.01;
                        c = [p[0] + d[0] * dist, p[1] + d[1] * dist];
                        if !self.inside(c) {
                            break 'try_it None;
                        }
                        r_c = self.spacing.at(c[0], c[1]);
                    }
                    if r_c > dist {
                        break 'try_it None; // p itself is too close
                    }
                    let r2 = r_c * r_c - 1e-9;
                    let (dx, dy) = (c[0] - last[0], c[1] - last[1]);
                    if dx * dx + dy * dy < r2 {
                        last_r2 = r2;
                        break 'try_it None;
                    }
                    slot = self.grid.index(c);
                    if let Some(q) = self.grid.search(slot, c, r_c, self.r_lo) {
                        (last, last_r2) = (q, r2);
                        break 'try_it None;
                    }
                }
                // Always free but where r_c < r_lo by rounding: a cell never
                // holds two points.
                self.grid.slots[slot][0].is_nan().then_some((c, r_c))
            };
            let mut skip = STEP;
            if let Some((c, r_c)) = placed {
                self.grid.insert(c);
                self.active.push((self.points.len() as u32, r_c));
                self.points.push(c);
                if end == TABLE {
                    // Candidates within 60 degrees before the first child
                    // (after wrapping round) are within its reach.
                    end = turned + TABLE - SIXTH + 1;
                }
                skip = SIXTH + (self.rng.next_u32() as usize % STEP);
            }
            at += skip;
            turned += skip;
        }
    }
}

/// Radius of the candidate ring of [`poisson_disc`], relative to the
/// spacing: just outside it, so a child never rejects against its parent.
const RING: f64 = 1.0 + 1e-9;

/// Radius of the candidate ring in the middle levels of [`nested_points`]
/// (from [`LOOSE_LEVELS`] to the one before the last): 3% looser than
/// [`RING`]. The tightest packing leaves the next level room only in holes
/// barely wider than its spacing, so a ranked prefix just past a level
/// boundary (a slider position) would crowd: ρ 0.587 at 5% of the test
/// pattern with the second level tight, 0.603 with this slack. The first
/// two levels and the last stay tight: the coarse ones keep their level
/// boundaries at ρ 0.75 or more, and the last leaves no holes for anyone,
/// so it packs as densely as it can (full-pattern ρ 0.775, 0.765 loose).
const NESTED_RING: f64 = 1.03 + 1e-9;

/// First level of [`nested_points`] sampled with [`NESTED_RING`].
const LOOSE_LEVELS: usize = 2;

/// Number of nesting levels: six that each double the density of the one
/// before, then a last one that fills in the rest.
pub const LEVELS: usize = 7;

/// Rank at which the last level's dots start: the share of the full
/// pattern that the default design shows (70 of the 100 dots/cm² the
/// density control reaches, in session 3, as tests/sampling.rs checks).
/// The first preview samples every level but the last, a third of the
/// sampling time, and leaves that for later (see [`Pattern::cover`]).
pub const LAST_LEVEL_RANK: f32 = 0.7;

/// Density of the first six levels together, as a share of the full
/// pattern's, that sets their spacing. Less than [`LAST_LEVEL_RANK`]: the
/// last level fills only the holes they leave, so it packs looser than a
/// fresh set would, and at 0.7 the first six levels held 72.4% of the
/// dots (measured on the test pattern); at this share they hold 70%.
const FIRST_LEVELS_DENSITY: f64 = 0.677;

/// Spacing factor of nesting level `level` (1 for the last): the square
/// root of 1 / its density share. Division and `sqrt` are correctly
/// rounded everywhere, so the factors are the same bits in wasm.
fn level_factor(level: usize) -> f64 {
    if level + 1 >= LEVELS {
        return 1.0;
    }
    let share = FIRST_LEVELS_DENSITY / (1u32 << (LEVELS - 2 - level)) as f64;
    (1.0 / share).sqrt()
}

/// Nested levels sampled one after another: the state between calls, so
/// the last level can be sampled later with exactly the result of
/// sampling them all at once.
struct Nested {
    width: f64,
    height: f64,
    rng: Pcg64Mcg,
    points: Vec<[f64; 2]>,
    /// Ranking of the points so far, level by level (see [`nested_points`]).
    order: Vec<u32>,
    /// Levels sampled so far.
    levels: usize,
}

impl Nested {
    fn new(width: f64, height: f64, seed: u64) -> Nested {
        Nested {
            width,
            height,
            rng: Pcg64Mcg::seed_from_u64(seed),
            points: Vec::new(),
            order: Vec::new(),
            levels: 0,
        }
    }

    /// Samples and ranks the levels up to (not including) `end`.
    fn sample_until(&mut self, spacing: &impl Spacing, end: usize) {
        while self.levels < end.min(LEVELS) {
            let level = self.levels;
            let start = self.points.len();
            let level_spacing = Scaled(spacing, level_factor(level));
            let ring = if (LOOSE_LEVELS..LEVELS - 1).contains(&level) {
                NESTED_RING
            } else {
                RING
            };
            let (width, height) = (self.width, self.height);
            fill(
                &mut self.points,
                width,
                height,
                &level_spacing,
                &mut self.rng,
                ring,
            );
            // No hole left after the previous level is wider than its
            // spacing (plus the ring jitter), which bounds every nearest
            // distance here.
            let reach = 2.4 * level_factor(level.saturating_sub(1));
            self.order.append(&mut farthest_first(
                &self.points,
                start,
                width,
                height,
                spacing,
                reach,
                &mut self.rng,
            ));
            self.levels += 1;
        }
    }
}

/// Samples nested Poisson-disc levels and ranks every point.
///
/// Level 0 is a maximal set at about 7x the spacing; each next level of
/// the first six shrinks the spacing by sqrt(2) and fills the holes
/// between all earlier points, and the last one, at `spacing` itself,
/// fills what is left. Within a level the new points are ordered
/// farthest-first (greedy elimination of the most crowded), so any prefix
/// of the ranking is an evenly spread set: the ranking is `order`, where
/// `order[k]` is the index of the point of rank `k`.
pub fn nested_points(
    width: f64,
    height: f64,
    spacing: &impl Spacing,
    seed: u64,
) -> (Vec<[f64; 2]>, Vec<u32>) {
    let mut nested = Nested::new(width, height, seed);
    nested.sample_until(spacing, LEVELS);
    (nested.points, nested.order)
}

/// Orders `points[start..]` so that adding them in that order to
/// `points[..start]` always adds the point with the most room around it:
/// reversed greedy elimination of the most crowded point. Distances are
/// measured in units of the local spacing, with nearest-neighbour search
/// capped at `reach` units.
// Not inlined into its caller: called once per level, so browsers can swap
// in optimized code for the larger levels (see "Hot loops" in the crate docs).
#[inline(never)]
fn farthest_first(
    points: &[[f64; 2]],
    start: usize,
    width: f64,
    height: f64,
    spacing: &impl Spacing,
    reach: f64,
    rng: &mut Pcg64Mcg,
) -> Vec<u32> {
    let n = points.len();
    if start >= n {
        return Vec::new();
    }
    let r_lo = spacing.min();
    let s: Vec<f64> = points
        .iter()
        .map(|p| spacing.at(p[0], p[1]) / r_lo)
        .collect();
    let s_max = spacing.max() / r_lo;
    let cap = reach * r_lo; // normalized units: pixels where the spacing is smallest

    // Cells a quarter of the cap's reach: a query scans rings of cells
    // outward and stops once no nearer point can be in the next ring, so
    // it looks at a few dozen points instead of every point within the cap.
    const RINGS: usize = 4;
    let cell = cap * s_max / RINGS as f64;
    let cols = ((width / cell).ceil() as usize).max(1);
    let rows = ((height / cell).ceil() as usize).max(1);
    let cell_of = |p: [f64; 2]| -> (usize, usize) {
        (
            ((p[0] / cell) as usize).min(cols - 1),
            ((p[1] / cell) as usize).min(rows - 1),
        )
    };
    // Bucket every point (counting sort, no per-cell Vec).
    let mut first = vec![0u32; cols * rows + 1];
    for p in points {
        let (c, r) = cell_of(*p);
        first[r * cols + c + 1] += 1;
    }
    for k in 1..first.len() {
        first[k] += first[k - 1];
    }
    let mut fill_at = first.clone();
    let mut bucket = vec![0u32; n];
    for (i, p) in points.iter().enumerate() {
        let (c, r) = cell_of(*p);
        bucket[fill_at[r * cols + c] as usize] = i as u32;
        fill_at[r * cols + c] += 1;
    }
    drop(fill_at);
    // Points removed so far.
    let mut gone = vec![false; n];
    // The two nearest present neighbours (distance capped at `cap`, index
    // or NONE). A point in ring k of cells is at least (k - 1) cells away
    // in pixels, so at least (k - 1) * cell / s_max in normalized units.
    const NONE: u32 = u32::MAX;
    let nearest_two = |i: usize, gone: &[bool]| -> ([f64; 2], [u32; 2]) {
        let (p, s_i) = (points[i], s[i]);
        let (gc, gr) = cell_of(p);
        let (mut d, mut nn) = ([cap, cap], [NONE, NONE]);
        for k in 0..=RINGS + 1 {
            if k > 1 && (k - 1) as f64 * cell / s_max >= d[1] {
                break;
            }
            let (r0, r1) = (gr.saturating_sub(k), (gr + k).min(rows - 1));
            let (c0, c1) = (gc.saturating_sub(k), (gc + k).min(cols - 1));
            for r in r0..=r1 {
                let whole_row = r + k == gr || r == gr + k;
                for c in c0..=c1 {
                    // Between its top and bottom rows a ring is its two sides.
                    if !whole_row && c + k != gc && c != gc + k {
                        continue;
                    }
                    let cell_index = r * cols + c;
                    for &j in &bucket[first[cell_index] as usize..first[cell_index + 1] as usize] {
                        let j = j as usize;
                        if j != i && !gone[j] {
                            let (dx, dy) = (p[0] - points[j][0], p[1] - points[j][1]);
                            let e2 = dx * dx + dy * dy;
                            let norm = 0.5 * (s_i + s[j]);
                            // Clearly farther than the second nearest (the
                            // margin dwarfs rounding): skip the square root
                            // and the division, as most candidates do.
                            let bound = d[1] * norm;
                            if e2 > bound * bound * (1.0 + 1e-9) {
                                continue;
                            }
                            let dj = e2.sqrt() / norm;
                            if dj < d[0] {
                                (d, nn) = ([dj, d[0]], [j as u32, nn[0]]);
                            } else if dj < d[1] {
                                (d[1], nn[1]) = (dj, j as u32);
                            }
                        }
                    }
                }
            }
        }
        (d, nn)
    };
    // Who counts each point among its two nearest: a linked list per point
    // (entries go stale when a neighbour's nearest change; checked on use).
    let mut watchers = Watchers {
        head: vec![NONE; n],
        entries: Vec::with_capacity(4 * (n - start)),
        nearest: vec![[NONE; 2]; n],
    };
    // Most crowded first: smallest nearest distance, ties (both ends of the
    // closest pair) broken by the second nearest, then by a fixed random
    // amount per point (so the order never depends on the heap's history).
    let mut chance = vec![0.0; n];
    let key = |d: [f64; 2], chance: f64| -(d[0] + 1e-3 * d[1]) + 1e-9 * chance;
    let mut heap = IndexedHeap::new(n);
    for (i, chance) in chance.iter_mut().enumerate().skip(start) {
        let (d, nn) = nearest_two(i, &gone);
        watchers.watch(i, nn);
        *chance = rng.random::<f64>();
        heap.push(i as u32, key(d, *chance));
    }
    let mut removed = Vec::with_capacity(n - start);
    while let Some(i) = heap.pop() {
        let i = i as usize;
        gone[i] = true;
        removed.push(i as u32);
        // Only new points that had `i` among their two nearest change.
        let mut e = core::mem::replace(&mut watchers.head[i], NONE);
        while e != NONE {
            let (j, next) = watchers.entries[e as usize];
            let j = j as usize;
            if !gone[j] && watchers.nearest[j].contains(&(i as u32)) {
                let (d, nn) = nearest_two(j, &gone);
                watchers.watch(j, nn);
                heap.set(j as u32, key(d, chance[j]));
            }
            e = next;
        }
    }
    removed.reverse();
    removed
}

/// For each point, the points that count it among their two nearest
/// neighbours: one linked list per point in a shared arena. Entries go
/// stale when a watcher's nearest change; `nearest` tells which are current.
struct Watchers {
    /// Per point: its newest entry, or `u32::MAX`.
    head: Vec<u32>,
    /// (watcher, next entry) pairs.
    entries: Vec<(u32, u32)>,
    /// Per point: its two nearest neighbours when last computed.
    nearest: Vec<[u32; 2]>,
}

impl Watchers {
    fn watch(&mut self, j: usize, nn: [u32; 2]) {
        self.nearest[j] = nn;
        for t in nn.into_iter().filter(|&t| t != u32::MAX) {
            self.entries.push((j as u32, self.head[t as usize]));
            self.head[t as usize] = self.entries.len() as u32 - 1;
        }
    }
}

/// A binary max-heap over point indices whose keys only ever decrease.
struct IndexedHeap {
    items: Vec<u32>,
    keys: Vec<f64>,
    pos: Vec<u32>, // u32::MAX = not in heap
}

impl IndexedHeap {
    fn new(n: usize) -> Self {
        IndexedHeap {
            items: Vec::with_capacity(n),
            keys: vec![0.0; n],
            pos: vec![u32::MAX; n],
        }
    }
    fn push(&mut self, i: u32, key: f64) {
        self.keys[i as usize] = key;
        self.items.push(i);
        let at = self.items.len() - 1;
        self.pos[i as usize] = at as u32;
        self.up(at);
    }
    fn pop(&mut self) -> Option<u32> {
        let top = *self.items.first()?;
        let last = self.items.pop()?;
        self.pos[top as usize] = u32::MAX;
        if !self.items.is_empty() {
            self.items[0] = last;
            self.pos[last as usize] = 0;
            self.down(0);
        }
        Some(top)
    }
    fn set(&mut self, i: u32, key: f64) {
        let at = self.pos[i as usize];
        if at != u32::MAX {
            let old = self.keys[i as usize];
            self.keys[i as usize] = key;
            if key > old {
                self.up(at as usize);
            } else {
                self.down(at as usize);
            }
        }
    }
    fn key(&self, at: usize) -> f64 {
        self.keys[self.items[at] as usize]
    }
    fn swap(&mut self, a: usize, b: usize) {
        self.items.swap(a, b);
        self.pos[self.items[a] as usize] = a as u32;
        self.pos[self.items[b] as usize] = b as u32;
    }
    fn up(&mut self, mut at: usize) {
        while at > 0 {
            let parent = (at - 1) / 2;
            if self.key(at) > self.key(parent) {
                self.swap(at, parent);
                at = parent;
            } else {
                break;
            }
        }
    }
    fn down(&mut self, mut at: usize) {
        let n = self.items.len();
        loop {
            let l = 2 * at + 1;
            if l >= n {
                break;
            }
            let r = l + 1;
            let big = if r < n && self.key(r) > self.key(l) {
                r
            } else {
                l
            };
            if self.key(big) > self.key(at) {
                self.swap(at, big);
                at = big;
            } else {
                break;
            }
        }
    }
}

/// A nested pattern of dots, sampled as far as the dots shown need: its
/// first six levels (ranks below [`LAST_LEVEL_RANK`]) and then, when a
/// higher rank is asked for or [`Pattern::cover`] is told to finish, the
/// last. Either way the dots are the same bits as sampling all at once.
pub struct Pattern {
    nested: Nested,
    /// Added to every position (the sampled box's corner in the photo).
    origin: [f32; 2],
    /// The per-dot look's random stream, drawn in rank order.
    look: Pcg64Mcg,
    /// Sorted by row, then column, so rendering walks memory in order.
    dots: Vec<Dot>,
}

impl Pattern {
    /// An empty pattern over `[0, width) x [0, height)`, shifted by `origin`.
    pub fn new(width: f64, height: f64, origin: [f32; 2], seed: u64) -> Pattern {
        Pattern {
            nested: Nested::new(width, height, seed),
            origin,
            look: Pcg64Mcg::seed_from_u64(seed ^ 0x5851_f42d_4c95_7f2d),
            dots: Vec::new(),
        }
    }

    /// Samples what the dots ranked below `rank` need (everything when
    /// `rank` is above [`LAST_LEVEL_RANK`]); returns whether dots were
    /// added, which reorders [`Pattern::dots`].
    pub fn cover(&mut self, spacing: &impl Spacing, rank: f32) -> bool {
        let before = self.dots.len();
        // The first six levels share ranks [0, LAST_LEVEL_RANK) in their
        // order, the last one the rest.
        let stages = [
            (LEVELS - 1, 0.0, LAST_LEVEL_RANK as f64),
            (LEVELS, LAST_LEVEL_RANK as f64, 1.0),
        ];
        for (end, lo, hi) in stages {
            if self.nested.levels >= end {
                continue;
            }
            if lo >= rank as f64 {
                break;
            }
            let from = self.nested.order.len();
            self.nested.sample_until(spacing, end);
            let ranked = &self.nested.order[from..];
            let n = ranked.len() as f64;
            let top = (hi as f32).next_down();
            for (k, &i) in ranked.iter().enumerate() {
                let rank = ((lo + (hi - lo) * (k as f64 / n)) as f32).min(top);
                let p = self.nested.points[i as usize];
                let mut dot = new_dot(p, rank, &mut self.look);
                dot.x += self.origin[0];
                dot.y += self.origin[1];
                self.dots.push(dot);
            }
        }
        if self.dots.len() == before {
            return false;
        }
        // By row, then column: positions are non-negative, so their f32
        // bits order like the values. No two dots share a position, so the
        // order depends only on the dots, not on how many stages added them
        // (and an unstable sort, 1 KB gzip smaller in the wasm, gives the
        // same order as a stable one).
        self.dots
            .sort_unstable_by_key(|d| (d.y.to_bits(), d.x.to_bits()));
        true
    }

    /// Whether every level is sampled.
    pub fn is_complete(&self) -> bool {
        self.nested.levels >= LEVELS
    }

    /// The dots sampled so far.
    pub fn dots(&self) -> &[Dot] {
        &self.dots
    }
}

/// A full nested pattern: Poisson-disc positions, ranks, and per-dot jitter,
/// sorted by row so rendering walks memory in order.
pub fn nested_pattern(width: f64, height: f64, spacing: &impl Spacing, seed: u64) -> Vec<Dot> {
    let mut pattern = Pattern::new(width, height, [0.0, 0.0], seed);
    pattern.cover(spacing, 1.0);
    pattern.dots
}

/// The dot at `p` with rank `rank` and its own random look. Called per dot
/// so browsers optimize it early (see "Hot loops" in the crate docs).
#[inline(never)]
fn new_dot(p: [f64; 2], rank: f32, rng: &mut Pcg64Mcg) -> Dot {
    let axis = random_unit(rng);
    Dot {
        x: p[0] as f32,
        y: p[1] as f32,
        rank,
        // Healed dots vary in spread and take-up: +-18% size, 70-100% ink.
        size: (0.82 + 0.36 * rng.random::<f64>()) as f32,
        ink: (0.7 + 0.3 * rng.random::<f64>()) as f32,
        axis: [axis[0] as f32, axis[1] as f32],
        roundness: (0.72 + 0.28 * rng.random::<f64>()) as f32,
    }
}

/// FNV-1a digest of a pattern's exact bits (positions, ranks and jitter):
/// the golden value that pins the pattern (tests/sampling.rs).
pub fn digest(dots: &[Dot]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |v: f32| {
        for b in v.to_bits().to_le_bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for d in dots {
        for v in [
            d.x,
            d.y,
            d.rank,
            d.size,
            d.ink,
            d.axis[0],
            d.axis[1],
            d.roundness,
        ] {
            eat(v);
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_factors_double_the_density_up_to_the_last_level() {
        assert_eq!(level_factor(LEVELS - 1), 1.0);
        let before_last = level_factor(LEVELS - 2);
        assert!((before_last * before_last * FIRST_LEVELS_DENSITY - 1.0).abs() < 1e-12);
        for level in 1..LEVELS - 1 {
            let ratio = level_factor(level - 1) / level_factor(level);
            assert!((ratio - core::f64::consts::SQRT_2).abs() < 1e-12, "{level}");
        }
    }

    #[test]
    fn directions_are_unit_and_evenly_spaced() {
        let d = direction_table();
        assert_eq!(d.len(), TABLE);
        for v in d.iter() {
            assert!((v[0] * v[0] + v[1] * v[1] - 1.0).abs() < 1e-14);
        }
        for k in [0, 1, 15, 16, 17, 300, TABLE - 1] {
            let t = 2.0 * core::f64::consts::PI * k as f64 / TABLE as f64;
            assert!((d[k][0] - t.cos()).abs() < 1e-14, "{k}");
            assert!((d[k][1] - t.sin()).abs() < 1e-14, "{k}");
        }
        assert!((d[TABLE / 4][0]).abs() < 1e-14 && (d[TABLE / 4][1] - 1.0).abs() < 1e-14);
        assert!((d[TABLE / 2][0] + 1.0).abs() < 1e-14);
    }

    #[test]
    fn heap_pops_in_descending_order_after_decreases() {
        let mut h = IndexedHeap::new(5);
        for (i, k) in [3.0, 1.0, 4.0, 1.5, 9.0].iter().enumerate() {
            h.push(i as u32, *k);
        }
        h.set(4, 0.5); // 9 -> 0.5
        let order: Vec<u32> = core::iter::from_fn(|| h.pop()).collect();
        assert_eq!(order, vec![2, 0, 3, 1, 4]);
    }
}
