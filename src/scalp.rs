//! Where dots may go: the head found in the photo, the automatic scalp mask
//! and the person's brush edits.
//!
//! The head is found from its silhouette against the background (studio
//! and most selfie backgrounds differ from skin far more than skin differs
//! from itself): border pixels give the background colour, the foreground
//! region connected to the top of the head is flood-filled, and a circle is
//! fitted to the crown. The circle gives the head's centre and size, a first
//! scale in px/cm, and the foreshortening that makes dots crowd toward the
//! rim of a curved head.

use crate::hints::looks_like_skin;
use crate::photo::{luma, Rgba};

/// The head as found in the photo, in working-image pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Head {
    /// Horizontal centre of the crown.
    pub cx: f64,
    /// Topmost row of the head.
    pub top: f64,
    /// Radius of the circle fitted to the crown (about 8.3 cm on adults).
    pub radius: f64,
    /// Whether the silhouette was found; false means a centred default.
    pub found: bool,
}

/// Radius of the circle fitted to the crown of an adult head, in cm
/// (London set: 268 px on average at 32.4 px/cm).
pub const CROWN_RADIUS_CM: f64 = 8.3;
/// Glabella depth below the top of the head, in crown radii (London set:
/// median 1.1).
pub const GLABELLA_DEPTH: f64 = 1.1;
const MARGIN_CM: f64 = 0.2;

impl Head {
    /// Scale estimate from the head's size, px per cm.
    pub fn px_per_cm(&self) -> f64 {
        self.radius / CROWN_RADIUS_CM
    }
    /// Estimated glabella position, in pixels.
    pub fn glabella(&self) -> (f64, f64) {
        (self.cx, self.top + GLABELLA_DEPTH * self.radius)
    }
    /// How many times more dots per pixel area a patch shows than it would
    /// facing the camera: 1 / cos of the surface's tilt on a sphere through
    /// the crown circle, capped where the head turns edge-on.
    pub fn foreshortening(&self, x: f64, y: f64) -> f64 {
        if !self.found {
            return 1.0; // no head shape known: no crowding
        }
        let dx = (x - self.cx) / self.radius;
        let dy = (y - (self.top + self.radius)) / self.radius;
        let cos2 = (1.0 - dx * dx - dy * dy).max(0.0);
        1.0 / cos2.sqrt().max(MAX_FORESHORTENING.recip())
    }
}

/// Cap on [`Head::foreshortening`].
pub const MAX_FORESHORTENING: f64 = 2.0;

/// One brush dab: a disc in relative coordinates that adds or erases scalp.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dab {
    /// Centre, 0..1 of the width.
    pub x: f64,
    /// Centre, 0..1 of the height.
    pub y: f64,
    /// Radius as a fraction of the photo's width.
    pub radius: f64,
    /// True adds scalp (dots even below the hairline), false erases.
    pub add: bool,
    /// True when the dab marks a scar to camouflage (then `add` is unused).
    pub scar: bool,
}

/// What a stroke does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Edit {
    /// The brush: add or erase scalp (by each dab's `add`).
    Brush,
    /// A scar to camouflage: denser, with the uneven pigment take-up of
    /// scar tissue, inside the scalp only.
    Scar,
}

impl Edit {
    /// The mark a dab of this edit leaves in the mask's edits.
    fn mark(self, d: &Dab) -> u8 {
        match self {
            Edit::Scar => SCAR,
            Edit::Brush if d.add => ADDED,
            Edit::Brush => ERASED,
        }
    }
}

/// The scalp mask: the automatic silhouette plus brush strokes.
#[derive(Clone, Debug)]
pub struct ScalpMask {
    width: u32,
    height: u32,
    /// Automatic head silhouette, 0..=255 (soft at the outline).
    auto: Vec<u8>,
    /// Brush strokes (each a run of dabs) and scar marks, in the order they
    /// were made; undo removes the last.
    history: Vec<(Edit, Vec<Dab>)>,
    /// Per pixel: the brush in the low bits ([`ADDED`], [`ERASED`] or 0,
    /// last dab wins) and [`SCAR`] where a scar was marked. Empty until the
    /// first edit: most previews never use the brush, and at 12 MP the
    /// layer is 12 MB.
    edits: Vec<u8>,
}

/// `edits` bits: the brush's add or erase.
const BRUSH_BITS: u8 = 3;
/// Brush: scalp added.
const ADDED: u8 = 1;
/// Brush: scalp erased.
const ERASED: u8 = 2;
/// A scar marked to camouflage.
const SCAR: u8 = 4;

impl ScalpMask {
    /// The automatic mask of `photo` and the head it found.
    pub fn detect(photo: &Rgba) -> (ScalpMask, Head) {
        let (w, h) = (photo.width as usize, photo.height as usize);
        let mut fg = foreground(photo);
        let mut head = fit_head(&fg, w, h);
        let mut busy_background = false;
        if !head.found {
            // A background of several colours (a window beside a wall):
            // one median colour fits none of them, so model each.
            // Only a head that fills a good part of the frame, as phone
            // photos do: a small "head" here is a patch of background.
            let fg2 = foreground_of_many(photo);
            let head2 = fit_head(&fg2, w, h);
            if head2.found && head2.radius > 0.3 * w.min(h) as f64 {
                (fg, head, busy_background) = (fg2, head2, true);
            }
        }
        let mut sharp = if head.found {
            silhouette(&fg, w, h, head, busy_background)
        } else {
            let (wi, hi) = (w as i64, h as i64);
            let mut like = like_patch(photo, [wi * 2 / 5, hi * 2 / 5, wi * 3 / 5, hi * 3 / 5], 0.5);
            // A majority vote over a small neighbourhood: drops stray
            // background pixels of a similar colour (single dots on a wall)
            // and fills pinholes in the scalp.
            soften(&mut like, w, h, (w.min(h) / 50).max(2));
            like.iter_mut()
                .for_each(|v| *v = if *v >= 128 { 255 } else { 0 });
            like
        };
        if busy_background {
            // Parts of a busy background stand out as much as the head
            // does; keep only what has the crown's colour.
            let (cx, top, r) = (head.cx, head.top, head.radius);
            let crown = [
                (cx - 0.2 * r) as i64,
                (top + 0.12 * r) as i64,
                (cx + 0.2 * r) as i64,
                (top + 0.35 * r) as i64,
            ];
            // Hue nearly alone: the crown's highlight and its shaded
            // side are the same skin.
            let skin = like_patch(photo, crown, 0.1);
            sharp
                .iter_mut()
                .zip(&skin)
                .for_each(|(m, s)| *m = (*m).min(*s));
        }
        if !head.found || busy_background {
            // A colour test leaves holes where the scalp is paler or
            // shinier; bare patches inside a stippled scalp look fake.
            fill_holes(&mut sharp, w, h);
        }
        // Freed before the buffers below so their memory is reused: wasm
        // memory never shrinks, so every peak here stays for good.
        drop(fg);
        (ScalpMask::faded(photo, &sharp, head), head)
    }

    /// The automatic mask from a person segmentation (one confidence byte
    /// per pixel, see [`crate::hints`]): the person's outline cut to the
    /// head (down to the neck's narrowest row) replaces the classical
    /// silhouette, which spills into busy backgrounds.
    pub fn from_person(photo: &Rgba, person: &[u8]) -> (ScalpMask, Head) {
        let (w, h) = (photo.width as usize, photo.height as usize);
        let fg: Vec<bool> = person.iter().map(|&v| v >= 128).collect();
        let Some((head, neck)) = head_of_person(&fg, w, h) else {
            return ScalpMask::detect(photo);
        };
        let (x_lo, x_hi) = (head.cx - 1.3 * head.radius, head.cx + 1.3 * head.radius);
        let mut sharp = vec![0u8; w * h];
        for (i, (s, &f)) in sharp.iter_mut().zip(&fg).enumerate() {
            let (x, y) = ((i % w) as f64, i / w);
            if f && y <= neck && (x_lo..=x_hi).contains(&x) {
                *s = 255;
            }
        }
        // Keep a margin inside the outline: the segmentation's edge wanders
        // a few pixels into the background, and dots crowd at the rim
        // (foreshortening), so a dot there reads as on the wall. About
        // 2 mm, as the blur below then fades it further in.
        let margin = (head.radius / CROWN_RADIUS_CM * MARGIN_CM).max(1.0) as usize;
        soften(&mut sharp, w, h, margin);
        sharp
            .iter_mut()
            .for_each(|v| *v = if *v == 255 { 255 } else { 0 });
        (ScalpMask::faded(photo, &sharp, head), head)
    }

    /// The mask of the 0/255 outline `sharp`, faded inward only over about
    /// 1% of the head's radius: no dot may land on the background.
    fn faded(photo: &Rgba, sharp: &[u8], head: Head) -> ScalpMask {
        let (w, h) = (photo.width as usize, photo.height as usize);
        let mut auto = sharp.to_vec();
        soften(&mut auto, w, h, (head.radius * 0.012).max(1.0) as usize);
        auto.iter_mut()
            .zip(sharp)
            .for_each(|(a, s)| *a = (*a).min(*s));
        ScalpMask {
            width: photo.width,
            height: photo.height,
            auto,
            history: Vec::new(),
            edits: Vec::new(),
        }
    }

    /// Mask value at a pixel: 0 (no dots) to 1 (scalp), and whether a brush
    /// forced it (`Some(true)` added, `Some(false)` erased).
    pub fn at(&self, x: f64, y: f64) -> (f32, Option<bool>) {
        let i = self.index(x, y);
        // The scar bit leaves the mask as it is: a scar changes how the
        // scalp is pigmented, never where (no dots off the head however a
        // scar stroke is dragged).
        match self.edits.get(i).copied().unwrap_or(0) & BRUSH_BITS {
            ADDED => (1.0, Some(true)),
            ERASED => (0.0, Some(false)),
            _ => (self.auto[i] as f32 / 255.0, None),
        }
    }

    /// The photo's width in pixels (one mask value per pixel).
    pub fn width(&self) -> u32 {
        self.width
    }

    /// The mask as found, before any brush edit, 0..=255 per pixel.
    pub fn automatic(&self) -> &[u8] {
        &self.auto
    }

    /// The mask with brush edits applied, 0..=255 per pixel: where ink may
    /// show.
    pub fn combined(&self) -> Vec<u8> {
        // `edits` is empty until the first brush stroke.
        let mut out = self.auto.clone();
        for (o, &e) in out.iter_mut().zip(&self.edits) {
            match e & BRUSH_BITS {
                ADDED => *o = 255,
                ERASED => *o = 0,
                _ => {}
            }
        }
        out
    }

    /// The outermost column of row `y` the automatic mask reaches toward
    /// the left or the right, if any: the head's outline there.
    pub fn row_edge(&self, y: usize, toward_left: bool) -> Option<f64> {
        let w = self.width as usize;
        let mut row = self.auto.get(y * w..(y + 1) * w)?.iter();
        let x = if toward_left {
            row.position(|&v| v > 0)
        } else {
            row.rposition(|&v| v > 0)
        };
        x.map(|x| x as f64)
    }

    fn index(&self, x: f64, y: f64) -> usize {
        let xi = (x as usize).min(self.width as usize - 1);
        let yi = (y as usize).min(self.height as usize - 1);
        yi * self.width as usize + xi
    }

    /// True where a scar was marked.
    pub fn is_scar(&self, x: f64, y: f64) -> bool {
        self.edits
            .get(self.index(x, y))
            .is_some_and(|e| e & SCAR != 0)
    }

    /// Whether any scar is marked.
    pub fn has_scar(&self) -> bool {
        self.history.iter().any(|(e, _)| *e == Edit::Scar)
    }

    /// Per pixel, 255 where a scar was marked and 0 elsewhere; `None`
    /// when no scar was.
    pub fn scar_layer(&self) -> Option<Vec<u8>> {
        if !self.has_scar() {
            return None;
        }
        let mut out = vec![0u8; self.width as usize * self.height as usize];
        for (o, &e) in out.iter_mut().zip(&self.edits) {
            if e & SCAR != 0 {
                *o = 255;
            }
        }
        Some(out)
    }

    /// Adds a brush stroke (a run of dabs) and applies it.
    pub fn stroke(&mut self, dabs: Vec<Dab>) {
        self.record(Edit::Brush, dabs);
    }

    /// Marks a scar to camouflage: a linear strip (FUT) is a stroke of
    /// dabs, pale dot scars (FUE) are single dabs. The dab's `add` is unused.
    pub fn scar(&mut self, dabs: Vec<Dab>) {
        self.record(Edit::Scar, dabs);
    }

    /// Applies `dabs` as `edit` and keeps them for undo.
    fn record(&mut self, edit: Edit, dabs: Vec<Dab>) {
        for d in &dabs {
            self.apply(*d, edit.mark(d));
        }
        self.history.push((edit, dabs));
    }

    /// Removes the last stroke or scar; false when there is nothing to undo.
    pub fn undo(&mut self) -> bool {
        if self.history.pop().is_none() {
            return false;
        }
        self.edits.iter_mut().for_each(|e| *e = 0);
        let history = core::mem::take(&mut self.history);
        for (edit, dabs) in &history {
            for d in dabs {
                self.apply(*d, edit.mark(d));
            }
        }
        self.history = history;
        true
    }

    /// Brush strokes and scars so far, oldest first, each dab's `scar`
    /// saying which (for share links).
    pub fn strokes(&self) -> Vec<Vec<Dab>> {
        let mut strokes = Vec::with_capacity(self.history.len());
        for (e, dabs) in &self.history {
            let scar = *e == Edit::Scar;
            let mut stroke = dabs.clone();
            for d in &mut stroke {
                d.scar = scar;
            }
            strokes.push(stroke);
        }
        strokes
    }

    /// Number of strokes and scars that undo can take back.
    pub fn edit_count(&self) -> usize {
        self.history.len()
    }

    /// Removes every brush edit and scar.
    pub fn clear_edits(&mut self) {
        self.history.clear();
        self.edits.iter_mut().for_each(|e| *e = 0);
    }

    fn apply(&mut self, d: Dab, value: u8) {
        let (w, h) = (self.width as f64, self.height as f64);
        let (cx, cy, r) = (d.x * w, d.y * h, d.radius * w);
        if !(cx.is_finite() && cy.is_finite() && r.is_finite() && r > 0.0) {
            return;
        }
        let y0 = (cy - r).floor().max(0.0) as usize;
        let y1 = ((cy + r).ceil().max(0.0) as usize).min(self.height as usize);
        let x0 = (cx - r).floor().max(0.0) as usize;
        let x1 = ((cx + r).ceil().max(0.0) as usize).min(self.width as usize);
        if self.edits.is_empty() {
            self.edits = vec![0; self.width as usize * self.height as usize];
        }
        for y in y0..y1 {
            for x in x0..x1 {
                let dx = x as f64 + 0.5 - cx;
                let dy = y as f64 + 0.5 - cy;
                if dx * dx + dy * dy <= r * r {
                    let e = &mut self.edits[y * self.width as usize + x];
                    // Brush and scar marks are separate bits: a scar keeps
                    // the brush's add or erase under it, and the other way
                    // round.
                    *e = if value == SCAR {
                        *e | SCAR
                    } else {
                        (*e & SCAR) | value
                    };
                }
            }
        }
    }
}

/// The background seen at the image border: the top rows and the upper
/// half of both sides.
fn border_pixels(photo: &Rgba) -> Vec<[u8; 4]> {
    let (w, h) = (photo.width as i64, photo.height as i64);
    let mut border: Vec<[u8; 4]> = Vec::new();
    for x in 0..w {
        border.push(photo.at(x, 0));
        border.push(photo.at(x, 1));
    }
    for y in 0..h / 2 {
        for x in [0, 1, w - 2, w - 1] {
            border.push(photo.at(x, y));
        }
    }
    border
}

/// The median of each of R, G and B over `pixels` (not empty).
fn median_colour(pixels: &[[u8; 4]]) -> [f32; 3] {
    // As f32 (exact for bytes): every median in the engine goes through one
    // selection routine (each element type brings 2-3 KB of std's code).
    let median = |c: usize| {
        let mut v: Vec<f32> = pixels.iter().map(|p| p[c] as f32).collect();
        let k = v.len() / 2;
        *v.select_nth_unstable_by(k, f32::total_cmp).1
    };
    [median(0), median(1), median(2)]
}

fn rgb_distance(p: [u8; 4], c: [f32; 3]) -> f32 {
    rgb_distance2(p, c).sqrt()
}

/// The square of [`rgb_distance`], for comparisons without a square root.
fn rgb_distance2(p: [u8; 4], c: [f32; 3]) -> f32 {
    let d = [p[0] as f32 - c[0], p[1] as f32 - c[1], p[2] as f32 - c[2]];
    d[0] * d[0] + d[1] * d[1] + d[2] * d[2]
}

/// Foreground: pixels that differ clearly from the background colour taken
/// from the image border.
fn foreground(photo: &Rgba) -> Vec<bool> {
    let border = border_pixels(photo);
    let bg = median_colour(&border);
    let distances = border.iter().map(|&p| rgb_distance(p, bg)).collect();
    let thr = above_spread(distances);
    let mut fg = Vec::with_capacity(photo.data.len() / 4);
    for row in photo.data.chunks_exact(photo.width as usize * 4) {
        foreground_row(row, bg, thr, &mut fg);
    }
    fg
}

/// Appends to `fg` whether each pixel of `row` is farther than `thr` from
/// the colour `bg`. Called per row so browsers optimize it after the first
/// rows (see "Hot loops" in the crate docs).
#[inline(never)]
fn foreground_row(row: &[u8], bg: [f32; 3], thr: f32, fg: &mut Vec<bool>) {
    // Squared distances, so no square root per pixel.
    let thr2 = thr * thr;
    fg.extend(
        row.as_chunks::<4>()
            .0
            .iter()
            .map(|p| rgb_distance2([p[0], p[1], p[2], 255], bg) > thr2),
    );
}

/// A colour distance above a background's own variation (vignetting,
/// noise): 1.6x the 90th percentile of its pixels' `distances`, at least 24.
fn above_spread(mut distances: Vec<f32>) -> f32 {
    let k = distances.len() * 9 / 10;
    (*distances.select_nth_unstable_by(k, f32::total_cmp).1 * 1.6).max(24.0)
}

/// Background colours modelled by [`foreground_of_many`].
const BACKGROUND_COLOURS: usize = 3;

/// Foreground against a background of up to three colours (a window, a
/// curtain and a wall): the border's pixels are grouped by k-means in RGB
/// (seeded from luma quantiles, so it is deterministic), and a pixel is
/// foreground when it is far from every group, each with a threshold above
/// its own spread.
fn foreground_of_many(photo: &Rgba) -> Vec<bool> {
    // Seeds: the border's pixels at evenly spaced quantiles of
    // (R + G + B, then R, G, B, A), selected (a whole sort would add its
    // own copy of std's sort code to the wasm). The k-means below does not
    // depend on the order the selection leaves the pixels in: its sums are
    // of whole numbers, exact in f32 (under 2^24 even for the largest
    // photo).
    let mut border = border_pixels(photo);
    let mut centres = [[0f32; 3]; BACKGROUND_COLOURS];
    for (k, c) in centres.iter_mut().enumerate() {
        let at = (2 * k + 1) * border.len() / (2 * BACKGROUND_COLOURS);
        let p = *border
            .select_nth_unstable_by_key(at, |p| (p[0] as u32 + p[1] as u32 + p[2] as u32, *p))
            .1;
        *c = [p[0] as f32, p[1] as f32, p[2] as f32];
    }
    // The first of the nearest centres.
    let nearest = |p: [u8; 4], centres: &[[f32; 3]]| -> usize {
        let mut best = 0;
        for k in 1..centres.len() {
            if rgb_distance(p, centres[k])
                .total_cmp(&rgb_distance(p, centres[best]))
                .is_lt()
            {
                best = k;
            }
        }
        best
    };
    for _ in 0..10 {
        let mut sums = [[0f32; 4]; BACKGROUND_COLOURS];
        for &p in &border {
            let s = &mut sums[nearest(p, &centres)];
            for c in 0..3 {
                s[c] += p[c] as f32;
            }
            s[3] += 1.0;
        }
        for (c, s) in centres.iter_mut().zip(&sums) {
            if s[3] > 0.0 {
                *c = [s[0] / s[3], s[1] / s[3], s[2] / s[3]];
            }
        }
    }
    // Each colour's threshold, above its own pixels' variation.
    let groups: Vec<usize> = border.iter().map(|&p| nearest(p, &centres)).collect();
    let mut thresholds = [0f32; BACKGROUND_COLOURS];
    for (k, t) in thresholds.iter_mut().enumerate() {
        let d: Vec<f32> = border
            .iter()
            .zip(&groups)
            .filter(|&(_, &g)| g == k)
            .map(|(&p, _)| rgb_distance(p, centres[k]))
            .collect();
        // An empty group matches nothing.
        if !d.is_empty() {
            *t = above_spread(d);
        }
    }
    photo
        .data
        .as_chunks::<4>()
        .0
        .iter()
        .map(|p| {
            let p = [p[0], p[1], p[2], 255];
            centres
                .iter()
                .zip(&thresholds)
                .all(|(&c, &t)| rgb_distance(p, c) > t)
        })
        .collect()
}

/// Finds the crown: the topmost foreground run near the middle, then a
/// circle fitted to the silhouette's half-widths below it.
fn fit_head(fg: &[bool], w: usize, h: usize) -> Head {
    // A head filling the frame (top view, close-up): the glabella lands
    // low, so the hairline starts low and the person drags it.
    let radius = w.min(h) as f64 * 0.3;
    let fallback = Head {
        cx: w as f64 / 2.0,
        top: h as f64 - GLABELLA_DEPTH * radius,
        radius,
        found: false,
    };
    let solid = |x: usize, y: usize| (0..4).all(|k| y + k < h && fg[(y + k) * w + x]);
    // Top of the head: the highest solid foreground among the central columns.
    let mut top = None;
    'rows: for y in 0..h {
        for x in (w * 3 / 8)..(w * 5 / 8) {
            if solid(x, y) {
                top = Some(y);
                break 'rows;
            }
        }
    }
    let Some(ty) = top else { return fallback };
    if ty == 0 {
        return fallback; // the head is cut off or the background is not plain
    }
    // A row's silhouette, away from the photo's side edges; none below it.
    let row_extent = |y: usize| {
        if y < h {
            extent(fg, w, y, w / 20, w - w / 20)
        } else {
            None
        }
    };
    // First guess of the radius from a shallow depth, then the median over
    // depths where the crown is still a circle.
    let guess_depth = (h / 20).max(4);
    let Some((l, r)) = row_extent(ty + guess_depth) else {
        return fallback;
    };
    let hw = (r - l) as f64 / 2.0;
    let d = guess_depth as f64;
    let r0 = (hw * hw + d * d) / (2.0 * d);
    let mut radii = Vec::new();
    let mut centres = Vec::new();
    let (d_lo, d_hi) = ((0.15 * r0) as usize, (0.6 * r0) as usize);
    for depth in d_lo.max(2)..=d_hi.max(3) {
        if let Some((l, r)) = row_extent(ty + depth) {
            let hw = (r - l) as f64 / 2.0;
            let d = depth as f64;
            // As f32, like every median in the engine (see `median_colour`).
            radii.push(((hw * hw + d * d) / (2.0 * d)) as f32);
            centres.push((l + r) as f32 / 2.0);
        }
    }
    if radii.len() < 3 {
        return fallback;
    }
    let k = radii.len() / 2;
    let mut radius = *radii.select_nth_unstable_by(k, f32::total_cmp).1 as f64;
    let cx = *centres.select_nth_unstable_by(k, f32::total_cmp).1 as f64;
    // Refine: on a round crown the silhouette's half-width one radius
    // below the top equals the radius, and the width changes little there,
    // so this fixed point is far steadier than the shallow-depth guess.
    // Half-widths are the wider side's (the other may fade into the
    // background), as a median over a band of rows.
    for _ in 0..4 {
        let d0 = (ty as f64 + 0.85 * radius) as usize;
        let d1 = (ty as f64 + 1.0 * radius) as usize;
        let mut half = Vec::new();
        for y in d0..=d1.min(h - 1) {
            if let Some((l, r)) = row_extent(y) {
                half.push((cx - l as f64).max(r as f64 - cx) as f32);
            }
        }
        if half.len() < 3 {
            break;
        }
        let k = half.len() / 2;
        radius = *half.select_nth_unstable_by(k, f32::total_cmp).1 as f64;
    }
    let min_side = w.min(h) as f64;
    if !(radius > 0.12 * min_side && radius < 0.75 * min_side) {
        return fallback;
    }
    Head {
        cx,
        top: ty as f64,
        radius,
        found: true,
    }
}

/// Extent of the silhouette in row `y` of `fg` (`w` wide) between columns
/// `x0` and `x1` (exclusive): its leftmost and rightmost foreground pixels
/// (skin close to the background's colour and highlights leave holes
/// inside, so runs are not contiguous). Called per row (see "Hot loops" in
/// the crate docs).
#[inline(never)]
fn extent(fg: &[bool], w: usize, y: usize, x0: usize, x1: usize) -> Option<(usize, usize)> {
    let row = &fg[y * w + x0..y * w + x1];
    let l = row.iter().position(|&v| v)?;
    let r = row.iter().rposition(|&v| v)?;
    Some((x0 + l, x0 + r))
}

/// The head's silhouette: in each row from the crown down to below the
/// ears, everything between the leftmost and rightmost foreground pixel
/// inside the head's box (holes from highlights and pale skin closed), as
/// 0/255. The shoulders fall outside the box. Against a busy background
/// (`near_crown`) the extents also stay near the crown circle.
fn silhouette(fg: &[bool], w: usize, h: usize, head: Head, near_crown: bool) -> Vec<u8> {
    let mut out = vec![0u8; w * h];
    let x_lo = (head.cx - 1.3 * head.radius).max(0.0) as usize;
    let x_hi = ((head.cx + 1.3 * head.radius) as usize).min(w - 1);
    let y_hi = ((head.top + 1.6 * head.radius) as usize).min(h - 1);
    // Extents per row; rows where nothing stood out (skin matching the
    // background) borrow the row above, and a running median over 7 rows
    // rejects stray background specks.
    let mut extents: Vec<(usize, usize)> = Vec::new();
    for y in head.top as usize..=y_hi {
        match (extent(fg, w, y, x_lo, x_hi + 1), extents.last()) {
            (Some(e), _) => extents.push(e),
            (None, Some(&prev)) => extents.push(prev),
            (None, None) => extents.push((head.cx as usize, head.cx as usize)),
        }
    }
    for (k, y) in (head.top as usize..=y_hi).enumerate() {
        let window = &extents[k.saturating_sub(3)..(k + 4).min(extents.len())];
        // The window holds at most 7 rows. Columns as f32 (exact) share the
        // one selection routine (see `median_colour`).
        let (mut ls, mut rs) = ([0f32; 7], [0f32; 7]);
        for (i, &(l, r)) in window.iter().enumerate() {
            (ls[i], rs[i]) = (l as f32, r as f32);
        }
        let (ls, rs) = (&mut ls[..window.len()], &mut rs[..window.len()]);
        // Heads are near symmetric: a side that came out much narrower
        // than the other faded into the background (pale skin, the lit
        // side) and takes the other's half-width; otherwise each side keeps
        // its own. The fitted crown circle, slightly shrunk, is always in.
        let k = ls.len() / 2;
        let (l, r) = (
            *ls.select_nth_unstable_by(k, f32::total_cmp).1 as f64,
            *rs.select_nth_unstable_by(k, f32::total_cmp).1 as f64,
        );
        let dy = y as f64 - (head.top + head.radius);
        let circle = 0.96 * (head.radius * head.radius - dy * dy).max(0.0).sqrt();
        let (mut half_l, mut half_r) = (head.cx - l, r - head.cx);
        if half_l < 0.85 * half_r {
            half_l = half_r;
        } else if half_r < 0.85 * half_l {
            half_r = half_l;
        }
        if near_crown {
            // Wider extents are background (a wall's shading, a curtain)
            // that stood out like the head.
            let reach =
                1.08 * (head.radius * head.radius - dy * dy).max(0.0).sqrt() + 0.04 * head.radius;
            (half_l, half_r) = (half_l.min(reach), half_r.min(reach));
        }
        let l = (head.cx - half_l.max(circle)).max(x_lo as f64) as usize;
        let r = ((head.cx + half_r.max(circle)) as usize).min(x_hi);
        out[y * w + l..=y * w + r].iter_mut().for_each(|v| *v = 255);
    }
    out
}

/// Pixels that look like the patch `[x0, y0, x1, y1)`: near its median
/// colour, in hue more than in brightness (lighting varies across a scalp,
/// its hue does not: `brightness_weight` says how much brightness counts
/// beside hue). Without a silhouette (close-ups and top views, where
/// the head fills the frame) the scalp is what looks like the middle of
/// the photo.
fn like_patch(photo: &Rgba, [x0, y0, x1, y1]: [i64; 4], brightness_weight: f32) -> Vec<u8> {
    let mut patch: Vec<[u8; 4]> = Vec::new();
    for y in y0..y1.max(y0 + 1) {
        for x in x0..x1.max(x0 + 1) {
            patch.push(photo.at(x, y));
        }
    }
    let m = median_colour(&patch);
    photo
        .data
        .as_chunks::<4>()
        .0
        .iter()
        .map(|p| {
            let d = [p[0] as f32 - m[0], p[1] as f32 - m[1], p[2] as f32 - m[2]];
            let (rg, gb) = (d[0] - d[1], d[1] - d[2]);
            let lum = (d[0] + d[1] + d[2]) / 3.0;
            let dist = 2.0 * (rg * rg + gb * gb).sqrt() + brightness_weight * lum.abs();
            if dist < 60.0 {
                255
            } else {
                0
            }
        })
        .collect()
}

/// The head in a person mask, and the row of the neck's narrowest point
/// below it (the photo's last row when the neck is out of frame): the top
/// is the first row the person reaches, the radius half the widest row
/// above the neck.
fn head_of_person(fg: &[bool], w: usize, h: usize) -> Option<(Head, usize)> {
    let widths: Vec<Option<(usize, usize)>> = (0..h).map(|y| extent(fg, w, y, 0, w)).collect();
    let min_width = w / 50;
    let top = widths
        .iter()
        .position(|e| e.is_some_and(|(l, r)| r - l >= min_width))?;
    // Walk down while the silhouette is a head: it widens to the ears, then
    // narrows to the neck; the shoulders widen again below.
    // The neck lies well below the crown: a head is about as tall as it
    // is wide, and the neck's narrowest row is 1.5-3 crown radii below the
    // top on the annotated set. A narrowing nearer the top is the mask's
    // ragged crown (hair fuzz, a hand or a chair back beside it), not the
    // neck: cutting there left top views without a dot.
    let (mut widest, mut widest_y) = (0usize, top);
    let mut neck = (usize::MAX, h - 1);
    for (y, e) in widths.iter().enumerate().skip(top) {
        let width = e.map_or(0, |(l, r)| r - l);
        if width > widest && neck.0 == usize::MAX {
            (widest, widest_y) = (width, y);
        } else if width < widest * 85 / 100 && (y - top) * 10 >= widest * 6 {
            if width < neck.0 {
                neck = (width, y);
            } else if width > neck.0 * 115 / 100 {
                break; // the shoulders
            }
        }
    }
    // The widest row may run through the ears; the skull's own half-width
    // is the widest above them. Ears start about one skull radius down,
    // and with them the widest row can be 1.3 skull radii wide each side,
    // so look no deeper than 0.4 of that width (0.8 of its half).
    let (l, r) = widths[widest_y]?;
    let reach = top + (0.4 * (r - l) as f64) as usize;
    let (l, r) = widths[top..=reach.min(h - 1)]
        .iter()
        .flatten()
        .max_by_key(|(l, r)| r - l)
        .copied()?;
    let head = Head {
        cx: (l + r) as f64 / 2.0,
        top: top as f64,
        radius: (r - l) as f64 / 2.0,
        found: true,
    };
    Some((head, neck.1))
}

/// Sets every 0 pixel of a 0/255 mask that the image border cannot reach
/// through 0 pixels to 255: fills the holes. A scanline flood fill from the
/// border marks what is outside in the mask itself (no extra image-sized
/// buffer: wasm memory never shrinks).
fn fill_holes(mask: &mut [u8], w: usize, h: usize) {
    const OUTSIDE: u8 = 1;
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for x in 0..w {
        stack.push((x, 0));
        stack.push((x, h - 1));
    }
    for y in 0..h {
        stack.push((0, y));
        stack.push((w - 1, y));
    }
    while let Some((x, y)) = stack.pop() {
        let row = y * w;
        if mask[row + x] != 0 {
            continue;
        }
        let (mut l, mut r) = (x, x);
        while l > 0 && mask[row + l - 1] == 0 {
            l -= 1;
        }
        while r + 1 < w && mask[row + r + 1] == 0 {
            r += 1;
        }
        mask[row + l..=row + r].fill(OUTSIDE);
        for ny in [y.wrapping_sub(1), y + 1] {
            if ny >= h {
                continue;
            }
            // One seed per run of 0 pixels next to this span.
            let mut i = l;
            while i <= r {
                if mask[ny * w + i] == 0 {
                    stack.push((i, ny));
                    while i <= r && mask[ny * w + i] == 0 {
                        i += 1;
                    }
                } else {
                    i += 1;
                }
            }
        }
    }
    for m in mask.iter_mut() {
        *m = match *m {
            OUTSIDE => 0,
            0 => 255,
            v => v,
        };
    }
}

/// Box-blurs the mask so the outline fades over a couple of pixels.
///
/// Only the box around the nonzero pixels (grown by `radius`) can change,
/// since a blur of zeros is zero: a head mask covers a fraction of the
/// photo, and the rest is skipped.
pub(crate) fn soften(mask: &mut [u8], w: usize, h: usize, radius: usize) {
    let Some([x0, y0, x1, y1]) = nonzero_box(mask, w, h) else {
        return;
    };
    let (ox0, ox1) = (x0.saturating_sub(radius), (x1 + radius).min(w - 1));
    let (oy0, oy1) = (y0.saturating_sub(radius), (y1 + radius).min(h - 1));
    let bw = ox1 - ox0 + 1;
    let k = 2 * radius + 1;
    let inv = (1u64 << 32).div_ceil(k as u64);
    // Rows: only rows y0..=y1 hold ink.
    let mut tmp = vec![0u8; bw * (y1 - y0 + 1)];
    for y in y0..=y1 {
        blur_row(
            &mask[y * w..(y + 1) * w],
            &mut tmp[(y - y0) * bw..(y - y0 + 1) * bw],
            ox0,
            radius,
            inv,
        );
    }
    // Columns with one running sum per column, a row at a time: memory is
    // read in order (a column at a time strides the whole image).
    let tmp_row = |y: usize| {
        (y0..=y1)
            .contains(&y)
            .then(|| &tmp[(y - y0) * bw..(y - y0 + 1) * bw])
    };
    let mut acc = vec![0u32; bw];
    for y in oy0.saturating_sub(radius)..=(oy0 + radius).min(h - 1) {
        if let Some(t) = tmp_row(y) {
            acc.iter_mut().zip(t).for_each(|(a, &v)| *a += v as u32);
        }
    }
    for y in oy0..=oy1 {
        blur_column_step(
            &mut mask[y * w + ox0..y * w + ox1 + 1],
            &mut acc,
            tmp_row(y + 1 + radius),
            y.checked_sub(radius).and_then(tmp_row),
            inv,
        );
    }
}

/// `acc / k` for a box of `k` pixels, as a multiply and shift by
/// `inv = ceil(2^32 / k)`: exact while `acc * k < 2^32` (sums of bytes over
/// fewer than 4000 pixels), and several times cheaper than dividing.
#[inline(always)]
fn box_mean(acc: u32, inv: u64) -> u8 {
    ((acc as u64 * inv) >> 32) as u8
}

/// One row of the horizontal box blur: `out[x - x0]` is the mean of
/// `row[x - radius..=x + radius]` (zero outside the row). Called per row so
/// browsers optimize it early (see "Hot loops" in the crate docs).
#[inline(never)]
fn blur_row(row: &[u8], out: &mut [u8], x0: usize, radius: usize, inv: u64) {
    let w = row.len();
    let mut acc: u32 = row[x0.saturating_sub(radius)..=(x0 + radius).min(w - 1)]
        .iter()
        .map(|&v| v as u32)
        .sum();
    for (x, o) in (x0..).zip(out.iter_mut()) {
        *o = box_mean(acc, inv);
        if x + 1 + radius < w {
            acc += row[x + 1 + radius] as u32;
        }
        if x >= radius {
            acc -= row[x - radius] as u32;
        }
    }
}

/// One output row of the vertical box blur: writes the column means in
/// `acc` to `out`, then slides the window down a row (adds the row
/// entering it, takes away the row leaving it). Called per row so browsers
/// optimize it early (see "Hot loops" in the crate docs).
#[inline(never)]
fn blur_column_step(
    out: &mut [u8],
    acc: &mut [u32],
    entering: Option<&[u8]>,
    leaving: Option<&[u8]>,
    inv: u64,
) {
    out.iter_mut()
        .zip(acc.iter())
        .for_each(|(m, &a)| *m = box_mean(a, inv));
    if let Some(t) = entering {
        acc.iter_mut().zip(t).for_each(|(a, &v)| *a += v as u32);
    }
    if let Some(t) = leaving {
        acc.iter_mut().zip(t).for_each(|(a, &v)| *a -= v as u32);
    }
}

/// The smallest box `[x0, y0, x1, y1]` (inclusive) holding every nonzero
/// pixel of `mask`, or `None` when all are zero. Rows are tested eight
/// bytes at a time.
fn nonzero_box(mask: &[u8], w: usize, h: usize) -> Option<[usize; 4]> {
    let mut found: Option<[usize; 4]> = None;
    for y in 0..h {
        let row = &mask[y * w..(y + 1) * w];
        let (words, rest) = row.as_chunks::<8>();
        let empty =
            rest.iter().all(|&v| v == 0) && words.iter().all(|&c| u64::from_ne_bytes(c) == 0);
        if empty {
            continue;
        }
        let first = row.iter().position(|&v| v != 0).unwrap_or(0);
        let last = row.iter().rposition(|&v| v != 0).unwrap_or(0);
        found = Some(match found {
            None => [first, y, last, y],
            Some([a, b, c, _]) => [a.min(first), b, c.max(last), y],
        });
    }
    found
}

/// The nape line seen from behind or the side: the lowest row of hair
/// above the bare neck, in the columns `x0..x1` of the head's mask,
/// searched between rows `y0` and `y1`. Going up from below, the first run
/// of rows that are mostly skin is the neck; the row where skin gives way
/// to hair above it is the nape. `None` when there is no such change (the
/// fringe is skin-coloured, a collar hides the neck): the caller falls back
/// on the head's proportions.
pub fn find_nape(
    photo: &Rgba,
    mask: &ScalpMask,
    head: Head,
    cols: (f64, f64),
    rows: (f64, f64),
) -> Option<f64> {
    let (w, h) = (photo.width as f64, photo.height as f64);
    let x0 = cols.0.max(0.0) as usize;
    let x1 = (cols.1.min(w) as usize).max(x0);
    let (y0, y1) = (rows.0.max(0.0) as usize, rows.1.min(h - 1.0) as usize);
    if y1 <= y0 || x1 <= x0 {
        return None;
    }
    // Per row, the share of skin among the mask's pixels; -1 off the mask.
    let share: Vec<f32> = (y0..=y1)
        .map(|y| {
            let (mut skin, mut all) = (0u32, 0u32);
            for x in x0..x1 {
                if mask.auto[y * photo.width as usize + x] > 0 {
                    all += 1;
                    skin += u32::from(looks_like_skin(photo.at(x as i64, y as i64)));
                }
            }
            if all == 0 {
                -1.0
            } else {
                skin as f32 / all as f32
            }
        })
        .collect();
    // Smoothed over about 4 mm, so a few dark hairs on the neck or a
    // highlight in the hair do not count as the change.
    let k = ((head.radius * 0.05) as usize).max(1);
    let smooth = |i: usize| {
        let (a, b) = (i.saturating_sub(k), (i + k + 1).min(share.len()));
        share[a..b].iter().map(|v| v.max(0.0)).sum::<f32>() / (b - a) as f32
    };
    let mut i = share.len() - 1;
    while i > 0 && !(share[i] >= 0.0 && smooth(i) > 0.6) {
        i -= 1;
    }
    while i > 0 && smooth(i) > 0.4 {
        i -= 1;
    }
    (i > 0).then_some((y0 + i) as f64)
}

/// Typical luminance of the bare scalp: the median over the upper crown,
/// the reference that tells skin from hair when dots are drawn.
pub fn skin_luma(photo: &Rgba, mask: &ScalpMask, head: Head) -> f32 {
    let mut v = Vec::new();
    let y0 = head.top + 0.08 * head.radius;
    let y1 = head.top + 0.5 * head.radius;
    let step = (head.radius / 40.0).max(1.0);
    let mut y = y0;
    while y < y1 {
        let mut x = head.cx - 0.5 * head.radius;
        while x < head.cx + 0.5 * head.radius {
            if x >= 0.0 && y >= 0.0 && mask.at(x, y).0 > 0.5 {
                v.push(luma(photo.at(x as i64, y as i64)));
            }
            x += step;
        }
        y += step;
    }
    if v.is_empty() {
        return 0.6;
    }
    let k = v.len() / 2;
    *v.select_nth_unstable_by(k, f32::total_cmp).1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The box blur by its definition: each pass a plain sum over the
    /// window (zero outside the image), divided by its size and floored.
    fn soften_by_definition(mask: &[u8], w: usize, h: usize, r: usize) -> Vec<u8> {
        let k = (2 * r + 1) as u32;
        let pass = |src: &[u8], along_rows: bool| -> Vec<u8> {
            let mut out = vec![0u8; w * h];
            for y in 0..h {
                for x in 0..w {
                    let mut sum = 0u32;
                    for d in 0..=2 * r {
                        let (xx, yy) = if along_rows {
                            (x + d, y + r)
                        } else {
                            (x + r, y + d)
                        };
                        if xx >= r && yy >= r && xx - r < w && yy - r < h {
                            sum += src[(yy - r) * w + xx - r] as u32;
                        }
                    }
                    out[y * w + x] = (sum / k) as u8;
                }
            }
            out
        };
        pass(&pass(mask, true), false)
    }

    #[test]
    fn soften_matches_the_box_blur_it_stands_for() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for case in 0..40 {
            let (w, h) = (1 + (next() % 37) as usize, 1 + (next() % 29) as usize);
            let r = 1 + (next() % 6) as usize;
            let mut mask = vec![0u8; w * h];
            // A blob somewhere (or nowhere), with ragged values inside.
            if case % 7 != 0 {
                let (bx, by) = ((next() as usize) % w, (next() as usize) % h);
                let (bw, bh) = (1 + (next() as usize) % w, 1 + (next() as usize) % h);
                for y in by..(by + bh).min(h) {
                    for x in bx..(bx + bw).min(w) {
                        mask[y * w + x] = if next() % 4 == 0 {
                            (next() % 256) as u8
                        } else {
                            255
                        };
                    }
                }
            }
            let want = soften_by_definition(&mask, w, h, r);
            soften(&mut mask, w, h, r);
            assert_eq!(mask, want, "case {case}: {w}x{h}, radius {r}");
        }
    }

    /// A head from behind: dark hair down to `nape`, skin below, on a
    /// person mask covering the middle columns.
    fn back_of_head(nape: u32, neck_skin: bool) -> (Rgba, ScalpMask, Head) {
        let (w, h) = (60u32, 100u32);
        let mut data = Vec::new();
        for y in 0..h {
            for _ in 0..w {
                data.extend(if y < nape || !neck_skin {
                    [40, 35, 30, 255] // dark hair
                } else {
                    [200, 150, 120, 255] // skin
                });
            }
        }
        let photo = Rgba::new(w, h, data).unwrap();
        let person: Vec<u8> = (0..w * h)
            .map(|i| if (10..50).contains(&(i % w)) { 255 } else { 0 })
            .collect();
        let head = Head {
            cx: 30.0,
            top: 0.0,
            radius: 20.0,
            found: true,
        };
        let mask = ScalpMask {
            width: w,
            height: h,
            auto: person,
            history: Vec::new(),
            edits: Vec::new(),
        };
        (photo, mask, head)
    }

    #[test]
    fn the_nape_is_where_the_neck_skin_gives_way_to_hair() {
        let (photo, mask, head) = back_of_head(62, true);
        let nape = find_nape(&photo, &mask, head, (20.0, 40.0), (30.0, 99.0)).unwrap();
        assert!(
            (nape - 62.0).abs() <= 2.0,
            "nape found at {nape}, drawn at 62"
        );
        // Hair down to the collar: no nape to see, the caller falls back.
        let (photo, mask, head) = back_of_head(62, false);
        assert_eq!(
            find_nape(&photo, &mask, head, (20.0, 40.0), (30.0, 99.0)),
            None
        );
        // Rows off the photo: nothing to read, no panic.
        assert_eq!(
            find_nape(&photo, &mask, head, (20.0, 40.0), (150.0, 200.0)),
            None
        );
    }

    #[test]
    fn fill_holes_fills_enclosed_gaps_only() {
        // A 255 ring with a hole in the middle, in a 0 field open to the border.
        let (w, h) = (9, 7);
        let mut mask = vec![0u8; w * h];
        for y in 1..6 {
            for x in 2..7 {
                mask[y * w + x] = 255;
            }
        }
        mask[3 * w + 4] = 0; // the hole
        mask[3 * w + 2] = 0; // a notch open to the outside through (1, 3)
        fill_holes(&mut mask, w, h);
        assert_eq!(mask[3 * w + 4], 255, "the enclosed hole stays bare");
        assert_eq!(mask[3 * w + 2], 0, "a notch open to the border was filled");
        assert_eq!(mask[0], 0);
        assert_eq!(mask.iter().filter(|&&v| v == 255).count(), 24);
    }
}
