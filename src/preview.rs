//! The pipeline: photo + design -> scalp mask -> dot pattern -> pigment
//! render -> pixels, re-running only what a change makes stale.
//!
//! | change                              | re-runs                     |
//! |-------------------------------------|-----------------------------|
//! | photo                               | everything                  |
//! | seed, scale                         | sampling (once), shares     |
//! | hairline, edge, brush               | per-dot shares              |
//! | density, shade, dot size, session   | the render only             |

use crate::prelude::*;

use crate::design::{Design, DesignError, RelPoint, DENSITY, TEMPLE_HALF_CM};
use crate::face::{find_eyes, Eyes};
use crate::hairline::HairlineField;
use crate::photo::Rgba;
use crate::pigment::Optics;
use crate::render::{Canvas, Clip, Keys, Look, Spot};
use crate::sampling::{Dot, Pattern, Spacing};
use crate::scalp::{skin_luma, soften, Dab, Head, ScalpMask, MAX_FORESHORTENING};

/// Normalized radius that turns a requested density into the nested
/// sampler's spacing: measured so that the test pattern shows 100.3, 69.6
/// and 39.6 dots/cm² when 100, 70 and 40 are asked for (its full set's
/// normalized radius is 0.776).
const PACKING_RHO: f64 = 0.771;

/// Share of the planned density each session shows (sessions 1-4). Session 1
/// is deliberately light, session 2 adds most, later ones fill in and even.
pub const SESSION_SHARE: [f64; 4] = [0.35, 0.8, 1.0, 1.08];

/// Spacing, in pixels, of a Poisson-disc set of `per_cm2` dots per cm².
pub fn spacing_px(per_cm2: f64, px_per_cm: f64) -> f64 {
    PACKING_RHO * (2.0 / (3f64.sqrt() * per_cm2)).sqrt() * px_per_cm
}

/// Side of the window the photo's optics are measured in, pixels.
const OPTICS_WINDOW: f64 = 1024.0;

/// Closest spacing ever sampled, in pixels. At tiny photo scales the full
/// density would put more dots than pixels; there each dot stands for
/// several (drawn with their joint ink), which looks the same and keeps
/// sampling fast.
pub const MIN_SPACING_PX: f64 = 1.6;

/// Spacing of the full pattern where the head faces the camera.
fn full_spacing(px_per_cm: f64) -> f64 {
    spacing_px(DENSITY.max, px_per_cm).max(MIN_SPACING_PX)
}

/// The spacing field of the full pattern: the densest the controls allow,
/// crowding toward the head's rim where the scalp turns away.
struct HeadSpacing {
    head: Head,
    full: f64,
    origin: (f64, f64),
}

impl Spacing for HeadSpacing {
    fn at(&self, x: f64, y: f64) -> f64 {
        self.full
            / self
                .head
                .foreshortening(x + self.origin.0, y + self.origin.1)
                .sqrt()
    }
    fn min(&self) -> f64 {
        self.full / MAX_FORESHORTENING.sqrt()
    }
    fn max(&self) -> f64 {
        self.full
    }
}

#[derive(Clone, Copy, PartialEq, Debug)]
struct PatternKey {
    seed: u64,
    px_per_cm: f64,
}

/// A photo being previewed, with every cached stage.
pub struct Preview {
    photo: Rgba,
    head: Head,
    eyes: Option<Eyes>,
    /// Per pixel, for diffuse thinning: share of bare skin around it
    /// (0..=255; 0 on hair). Empty until thinning is first shown.
    skin_share: Vec<u8>,
    mask: ScalpMask,
    skin_luma: f32,
    /// The photo's blur and grain, which every dot goes through.
    optics: Optics,
    design: Design,
    pattern: Option<(PatternKey, Pattern)>,
    /// Per dot: share of density allowed by mask and hairline, and how near
    /// the hairline's front row it is. Empty when stale.
    shares: Vec<(f32, f32)>,
    /// Per dot, what lies under it: the parts of its share that density
    /// and hairline do not change, so a slider step skips a mask lookup
    /// (a cache miss at 12 MP) per dot. Empty when stale.
    under: Vec<Under>,
    /// Per dot, how it looks wherever it shows (see [`DotLook`]); empty
    /// when the pattern changed.
    looks: Vec<DotLook>,
    canvas: Canvas,
    spots: Vec<Spot>,
    /// Per spot in `spots`, its dot's index in the pattern: the canvas
    /// redraws only around dots shown, hidden or changed since last time.
    ids: Vec<u32>,
    /// Bumped on every brush or scar edit, which changes where ink shows.
    mask_version: u64,
    frame: Vec<u8>,
}

impl Preview {
    /// Starts a preview of `photo`: finds the head, the scalp and a default
    /// design (scale from the head's size, hairline 8 cm above the glabella).
    pub fn new(photo: Rgba) -> Preview {
        let (mask, head) = ScalpMask::detect(&photo);
        let skin = skin_luma(&photo, &mask, head);
        let eyes = find_eyes(&photo, head);
        // From the eyes when they were found (scale from their distance,
        // temples up from their outer corners); else from the head's size.
        let ((gx, gy), px_per_cm) = match eyes {
            Some(e) => (e.glabella(), e.px_per_cm()),
            None => (head.glabella(), head.px_per_cm()),
        };
        let glabella = RelPoint {
            x: gx / photo.width as f64,
            y: gy / photo.height as f64,
        };
        let mut design = Design::for_photo(photo.width, photo.height, glabella, px_per_cm);
        if let Some(e) = eyes {
            design.temple_half_cm = TEMPLE_HALF_CM
                .check(e.temple_half_width() / design.px_per_cm)
                .unwrap_or(TEMPLE_HALF_CM.default);
            let cm = design.hairline_height_cm(photo.height);
            design.place_hairline(photo.width, photo.height, cm, design.hairline.shape);
        }
        let mut preview = Preview {
            photo,
            head,
            eyes,
            mask,
            skin_luma: skin,
            optics: Optics::default(),
            design,
            pattern: None,
            shares: Vec::new(),
            under: Vec::new(),
            skin_share: Vec::new(),
            looks: Vec::new(),
            canvas: Canvas::default(),
            spots: Vec::new(),
            ids: Vec::new(),
            mask_version: 0,
            frame: Vec::new(),
        };
        preview.optics = preview.measure_optics(&preview.photo, 1.0);
        preview
    }

    /// The blur and grain of `photo`, the working photo scaled by `k`,
    /// measured around the head (its outline is the sharpest edge that
    /// is surely at the scalp's focus) and on its scalp skin.
    fn measure_optics(&self, photo: &Rgba, k: f64) -> Optics {
        let [x0, y0, x1, y1] = self.pattern_box();
        // At most OPTICS_WINDOW px a side, centred on the crown's outline
        // and the scalp under it: a 50-MP export would otherwise spend
        // seconds on it.
        let half = OPTICS_WINDOW / 2.0;
        let (cx, cy) = if self.head.found {
            (
                self.head.cx * k,
                (self.head.top + 0.3 * self.head.radius) * k,
            )
        } else {
            (0.5 * (x0 + x1) * k, 0.5 * (y0 + y1) * k)
        };
        let region = [
            (x0 * k).max(cx - half) as usize,
            (y0 * k).max(cy - half) as usize,
            (x1 * k).min(cx + half) as usize,
            (y1 * k).min(cy + half) as usize,
        ];
        let skin = |x: usize, y: usize| self.mask.at(x as f64 / k, y as f64 / k).0 > 0.5;
        Optics::measure(photo, region, &skin)
    }

    /// The photo being previewed.
    pub fn photo(&self) -> &Rgba {
        &self.photo
    }

    /// The head found in the photo.
    pub fn head(&self) -> Head {
        self.head
    }

    /// The photo's blur and grain, as measured when it was loaded.
    pub fn optics(&self) -> Optics {
        self.optics
    }

    /// The current design.
    pub fn design(&self) -> &Design {
        &self.design
    }

    /// Replaces the design after validating it; only stale stages re-run.
    pub fn set_design(&mut self, design: Design) -> Result<(), DesignError> {
        design.validate()?;
        let old = &self.design;
        if design.hairline != old.hairline
            || design.edge != old.edge
            || design.glabella != old.glabella
            || design.seed != old.seed
            || design.px_per_cm != old.px_per_cm
            || design.density != old.density
            || design.thinning != old.thinning
        {
            // Density sets the front row's share of the full zone.
            self.shares.clear();
        }
        if design.thinning != old.thinning {
            self.under.clear();
        }
        self.design = design;
        Ok(())
    }

    /// Applies a brush stroke.
    pub fn brush(&mut self, dabs: Vec<Dab>) {
        self.mask.stroke(dabs);
        self.mask_changed();
    }

    /// Undoes the last brush stroke; false when there was none.
    pub fn undo_brush(&mut self) -> bool {
        let undone = self.mask.undo();
        if undone {
            self.mask_changed();
        }
        undone
    }

    /// Brush strokes and scars so far, oldest first (a dab's `scar` says
    /// which).
    pub fn strokes(&self) -> Vec<Vec<Dab>> {
        self.mask.strokes()
    }

    /// Number of strokes and scars that undo can take back.
    pub fn edit_count(&self) -> usize {
        self.mask.edit_count()
    }

    /// Marks a scar to camouflage (a strip as a stroke, FUE dots as single
    /// dabs).
    pub fn scar(&mut self, dabs: Vec<Dab>) {
        self.mask.scar(dabs);
        self.mask_changed();
    }

    /// Marks every stage that reads the mask stale.
    fn mask_changed(&mut self) {
        self.mask_version += 1;
        self.shares.clear();
        self.under.clear();
    }

    /// Whether eyes were found, so the hairline started from the face.
    pub fn face_found(&self) -> bool {
        self.eyes.is_some()
    }

    /// The eyes found, in pixels.
    pub fn eyes(&self) -> Option<Eyes> {
        self.eyes
    }

    /// Removes all brush edits.
    pub fn clear_brush(&mut self) {
        self.mask.clear_edits();
        self.mask_changed();
    }

    /// The whole sampled pattern (sampled on first use and when seed or
    /// scale change; never for density, shade, dot size, hairline or brush).
    pub fn dots(&mut self) -> &[Dot] {
        self.pattern_to(f32::INFINITY)
    }

    /// Samples the rest of the pattern if the preview so far needed only
    /// part of it (the default design shows ranks below
    /// [`crate::sampling::LAST_LEVEL_RANK`]): done between the first frame
    /// and the first slider move, so neither waits for it. Returns whether
    /// there was anything left to sample.
    pub fn finish_pattern(&mut self) -> bool {
        let done = self.pattern.as_ref().is_some_and(|p| p.1.is_complete());
        self.dots();
        !done
    }

    /// The pattern, sampled at least as far as the dots ranked below `rank`.
    fn pattern_to(&mut self, rank: f32) -> &[Dot] {
        let key = PatternKey {
            seed: self.design.seed,
            px_per_cm: self.design.px_per_cm,
        };
        let [x0, y0, x1, y1] = self.pattern_box();
        if self.pattern.as_ref().map(|p| p.0) != Some(key) {
            let origin = [x0 as f32, y0 as f32];
            self.pattern = Some((key, Pattern::new(x1 - x0, y1 - y0, origin, key.seed)));
        }
        let spacing = HeadSpacing {
            head: self.head,
            full: full_spacing(key.px_per_cm),
            origin: (x0, y0),
        };
        // Set just above (`unwrap`: see "Panics" in lib.rs).
        let pattern = &mut self.pattern.as_mut().unwrap().1;
        if pattern.cover(&spacing, rank) {
            // New dots reorder the pattern: what was kept per dot is stale.
            self.shares.clear();
            self.under.clear();
            self.looks.clear();
        }
        self.pattern.as_ref().unwrap().1.dots()
    }

    /// The part of the photo that can hold scalp: the head's box with a
    /// margin (the whole photo when no head was found).
    fn pattern_box(&self) -> [f64; 4] {
        let (w, h) = (self.photo.width as f64, self.photo.height as f64);
        if !self.head.found {
            return [0.0, 0.0, w, h];
        }
        let Head {
            cx, top, radius, ..
        } = self.head;
        // The side hairline reaches ear level about 1.1 radii down.
        [
            (cx - 1.3 * radius).max(0.0),
            (top - 0.1 * radius).max(0.0),
            (cx + 1.3 * radius).min(w),
            (top + 1.25 * radius).min(h),
        ]
    }

    fn update_shares(&mut self) {
        // A dot shows where its rank is below the fraction times its share
        // (at most 1), so the pattern is needed up to the fraction.
        self.pattern_to(self.fraction().0);
        if !self.shares.is_empty() {
            return;
        }
        if self.design.thinning && self.skin_share.is_empty() {
            self.skin_share = skin_share(&self.photo, &self.mask.combined(), self.design.px_per_cm);
        }
        // Sampled above (`unwrap`, not `expect`: see "Panics" in lib.rs).
        let dots = self.pattern.as_ref().unwrap().1.dots();
        if self.under.is_empty() {
            let thinning = self.design.thinning.then_some(&self.skin_share[..]);
            let width = self.photo.width as usize;
            let blank = Under {
                mask: 0.0,
                fixed: None,
                skin: 1.0,
                scar: false,
            };
            let mut under = vec![blank; dots.len()];
            for (u, d) in under.iter_mut().zip(dots) {
                let (x, y) = (d.x as f64, d.y as f64);
                let (mask, fixed) = self.mask.at(x, y);
                *u = Under {
                    mask,
                    fixed,
                    // Diffuse thinning: as many dots as skin shows, none on
                    // a hair.
                    skin: match thinning {
                        Some(t) if fixed.is_none() && mask > 0.0 => {
                            t[y as usize * width + x as usize] as f32 / 255.0
                        }
                        _ => 1.0,
                    },
                    scar: self.mask.is_scar(x, y),
                };
            }
            self.under = under;
        }
        let field = HairlineField::new(&self.design, self.photo.width, self.photo.height);
        // Refilled in place: a slider step re-runs this, and a fresh vector
        // each time would leave holes in the wasm heap.
        self.shares
            .resize(dots.len().min(self.under.len()), (0.0, 0.0));
        for (s, (d, u)) in self.shares.iter_mut().zip(dots.iter().zip(&self.under)) {
            *s = match u.fixed {
                Some(true) => (1.0, 0.0),
                Some(false) => (0.0, 0.0),
                None if u.mask > 0.0 => {
                    let (share, front) = field.share(d.x as f64, d.y as f64);
                    (u.mask * share * u.skin, front)
                }
                None => (0.0, 0.0),
            };
        }
    }

    /// Fraction of the full pattern shown at full share, from density and
    /// session, and the factor by which each dot's area grows where the
    /// pattern is coarser than the density asked for (tiny photo scales).
    fn fraction(&self) -> (f32, f32) {
        let session = SESSION_SHARE[(self.design.session.clamp(1, 4) - 1) as usize];
        let ratio =
            spacing_px(DENSITY.max, self.design.px_per_cm) / full_spacing(self.design.px_per_cm);
        let sampled = DENSITY.max * (ratio * ratio);
        let wanted = self.design.density * session / sampled;
        (wanted.min(1.0) as f32, wanted.max(1.0) as f32)
    }

    /// The dots shown, as spots in pixels of an image `scale` times the
    /// working photo's size; their dots' indices are left in `self.ids`.
    fn visible_spots(&mut self, scale: f32) -> Vec<Spot> {
        self.update_shares();
        let (fraction, area_boost) = self.fraction();
        // Sampled by `update_shares` (`unwrap`: see "Panics" in lib.rs).
        let dots = self.pattern.as_ref().unwrap().1.dots();
        let age = Ageing::at(self.design.months);
        let base_radius = HEALED_SPREAD
            * (self.design.dot_mm / 20.0 * self.design.px_per_cm) as f32
            * scale
            * area_boost.sqrt()
            * age.spread;
        if self.looks.len() != dots.len() {
            let mut looks = core::mem::take(&mut self.looks);
            looks.clear();
            looks.reserve(dots.len());
            for d in dots {
                looks.push(self.dot_look(d));
            }
            self.looks = looks;
        }
        let mut spots = core::mem::take(&mut self.spots);
        spots.clear();
        self.ids.clear();
        let under = dots.iter().zip(&self.shares).zip(&self.under);
        for (i, (((d, &(share, front)), u), l)) in under.zip(&self.looks).enumerate() {
            if d.rank < fraction * share {
                self.ids.push(i as u32);
                spots.push(Spot {
                    x: d.x * scale,
                    y: d.y * scale,
                    // Single-needle points at the very front are finer.
                    radius: base_radius * l.size * (1.0 - 0.25 * front),
                    // Scar tissue takes pigment unevenly.
                    ink: if u.scar {
                        l.ink * scar_take_up(d)
                    } else {
                        l.ink
                    },
                    axis: l.axis,
                    roundness: l.roundness,
                });
            }
        }
        spots
    }

    /// How dot `d` looks wherever it shows: its own size, ink and shape,
    /// on the head's curve and in the skin's mottle.
    fn dot_look(&self, d: &Dot) -> DotLook {
        let cm = self.design.px_per_cm;
        let (x, y) = (d.x as f64 / cm, d.y as f64 / cm);
        let m = crate::pigment::mottle(self.design.seed, x, y);
        // The sampler's 0.7-1 ink as 0.45-0.85: fainter, wider dots that
        // overlap into a grain. Measured, real stubble's texture is about
        // as often lighter as darker than its mean (skew -0.6..+0.2 on
        // phone photos); dark dots on clean skin skew it to -1 and read
        // as printed dots.
        let v = (d.ink - 0.7) / 0.3;
        let ink = 0.45 + 0.4 * v;
        // Elongated along the hair's flow, away from the crown's whorl,
        // with the sampler's axis as the scatter around it.
        let (fx, fy) = if self.head.found {
            (
                d.x as f64 - self.head.cx,
                d.y as f64 - (self.head.top + 0.35 * self.head.radius),
            )
        } else {
            (0.0, 1.0)
        };
        let fl = (fx * fx + fy * fy).sqrt().max(1e-9);
        let (ax, ay) = (
            fx / fl + 0.5 * d.axis[0] as f64,
            fy / fl + 0.5 * d.axis[1] as f64,
        );
        let al = (ax * ax + ay * ay).sqrt().max(1e-9);
        let axis = [(ax / al) as f32, (ay / al) as f32];
        let roundness = d.roundness * (1.0 - ELONGATION);
        // On the head's curve a dot is narrower across the turn.
        let probe = Dot {
            axis,
            roundness,
            ..*d
        };
        let (long, axis, roundness) = self.on_head(&probe);
        // The sampler's sizes (0.82-1.18) spread: healed dots vary more
        // than a needle's; the mean area stays the same.
        let size = 0.7 + 0.6 * (d.size - 0.82) / 0.36;
        DotLook {
            size: size * (1.0 + MOTTLE_SIZE * m) * long,
            ink: (ink * (1.0 + MOTTLE_INK * m)).max(0.0),
            axis,
            roundness,
        }
    }

    /// Dot `d`'s shape as the head's curve shows it: its long radius (as a
    /// multiple of its own), axis and roundness.
    fn on_head(&self, d: &Dot) -> (f32, [f32; 2], f32) {
        let f = self.head.foreshortening(d.x as f64, d.y as f64);
        if f <= 1.0 {
            return (1.0, d.axis, d.roundness);
        }
        let (dx, dy) = (
            d.x as f64 - self.head.cx,
            d.y as f64 - (self.head.top + self.head.radius),
        );
        let len = (dx * dx + dy * dy).sqrt();
        if len.is_nan() || len <= 0.0 {
            return (1.0, d.axis, d.roundness);
        }
        crate::pigment::squash(d.axis, d.roundness, [dx / len, dy / len], 1.0 / f)
    }

    fn look(&self, optics: Optics) -> Look {
        let age = Ageing::at(self.design.months);
        Look {
            shade: (self.design.shade as f32 * age.strength).min(1.0),
            skin_luma: self.skin_luma,
            redness: age.redness,
            hair_ink: if self.design.thinning { 0.0 } else { 0.2 },
            softness: age.softness,
            blur: optics.blur,
            grain: optics.grain,
        }
    }

    /// Renders the working-size preview; the frame stays valid until the
    /// next call (the browser shows it straight from wasm memory).
    pub fn render(&mut self) -> &[u8] {
        let spots = self.visible_spots(1.0);
        let look = self.look(self.optics);
        let mut frame = core::mem::take(&mut self.frame);
        let mut canvas = core::mem::take(&mut self.canvas);
        let ink = |x: f64, y: f64| self.mask.at(x, y).0;
        let clip = Clip {
            ink: &ink,
            scale: 1.0,
        };
        let keys = Keys {
            spots: &self.ids,
            clip: self.mask_version,
        };
        canvas.render_keyed(&self.photo, &spots, keys, look, Some(clip), &mut frame);
        self.canvas = canvas;
        self.frame = frame;
        self.spots = spots;
        &self.frame
    }

    /// Renders the same dots over `full`, a larger (or smaller) copy of the
    /// photo with the same aspect ratio: the full-resolution export.
    pub fn render_onto(&mut self, full: &Rgba) -> Result<Vec<u8>, String> {
        let k = full.width as f64 / self.photo.width as f64;
        let expected_h = self.photo.height as f64 * k;
        if (expected_h - full.height as f64).abs() > k.max(1.0) + 1.0 {
            return Err("The full-size photo does not match the preview's proportions.".into());
        }
        let spots = self.visible_spots(k as f32);
        let mut out = Vec::new();
        // The full-size photo's own blur: a downscaled copy hides it.
        let look = self.look(self.measure_optics(full, k));
        let mut canvas = Canvas::default();
        let ink = |x: f64, y: f64| self.mask.at(x, y).0;
        let clip = Clip {
            ink: &ink,
            scale: k as f32,
        };
        canvas.render_clipped(full, &spots, look, Some(clip), &mut out);
        self.spots = spots;
        Ok(out)
    }

    /// Every visible dot as `(x, y, diameter_px, rank)` in working pixels.
    pub fn visible_dots(&mut self) -> Vec<(f32, f32, f32, f32)> {
        let spots = self.visible_spots(1.0);
        // Sampled by `visible_spots` (`unwrap`: see "Panics" in lib.rs).
        let dots = self.pattern.as_ref().unwrap().1.dots();
        spots
            .iter()
            .zip(&self.ids)
            .map(|(s, &i)| (s.x, s.y, 2.0 * s.radius, dots[i as usize].rank))
            .collect()
    }
}

/// How strongly the skin's mottle ([`crate::pigment::mottle`]) varies a
/// dot's ink and size: enough that real stubble's coarse-scale texture
/// energy is matched (benches/realism.md), never so much that dots vanish.
const MOTTLE_INK: f32 = 0.5;
const MOTTLE_SIZE: f32 = 0.15;

/// How far a healed dot's core reaches, per unit of the design's dot
/// radius: pigment spreads a little as it heals (DOMAIN.md), and with the
/// faint ink of [`Preview::dot_look`] (mean 0.65) this is what makes the
/// specks as large and as dark as real stubble's (benches/realism.md).
const HEALED_SPREAD: f32 = 1.5;

/// How much shorter a dot's short axis is than its long one, on top of
/// the sampler's own irregularity: a real speck at photo scale is a short
/// stroke lying along the hair's flow, not a round print.
const ELONGATION: f32 = 0.35;

/// One dot's own look, fixed with the pattern.
#[derive(Clone, Copy)]
struct DotLook {
    /// Radius multiplier (its own size, the mottle's and the head's curve).
    size: f32,
    /// Ink multiplier, mottle included.
    ink: f32,
    /// Long axis and short-to-long ratio, on the head's curve.
    axis: [f32; 2],
    roundness: f32,
}

/// What the scalp mask says under one dot.
#[derive(Clone, Copy)]
struct Under {
    /// The detected mask, 0..=1.
    mask: f32,
    /// A brush edit: always inked (`true`) or never (`false`).
    fixed: Option<bool>,
    /// Share of bare skin for diffuse thinning (1 when off).
    skin: f32,
    /// On a marked scar.
    scar: bool,
}

/// How dots look some time after the last session.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ageing {
    /// Pigment strength multiplier (fresh dots are darker, old ones lighter).
    pub strength: f32,
    /// Dot size multiplier (healed dots spread a little).
    pub spread: f32,
    /// Edge softness multiplier.
    pub softness: f32,
    /// Redness around fresh dots.
    pub redness: f32,
}

impl Ageing {
    /// The look `months` after the last session: fresh (0: darker, crisper,
    /// faint redness), healed (1: the design's own tone), then fading over
    /// years (lighter and softer, same hue; a touch-up restores month 1).
    pub fn at(months: f64) -> Ageing {
        let m = months.clamp(0.0, 72.0) as f32;
        if m < 1.0 {
            let fresh = 1.0 - m;
            Ageing {
                strength: 1.0 + 0.35 * fresh,
                spread: 1.0 - 0.1 * fresh,
                softness: 1.0 - 0.4 * fresh,
                redness: 0.8 * fresh,
            }
        } else {
            let years = (m - 1.0) / 12.0;
            // UV breaks the pigment down and the body carries some away:
            // lighter each year (a touch-up is due at 3-5 years, when a
            // dot has lost about a third of its darkness), and the dot
            // spreads and softens a little; the hue stays.
            Ageing {
                strength: 1.0 - 0.09 * years,
                spread: 1.0 + 0.04 * years,
                softness: 1.0 + 0.15 * years,
                redness: 0.0,
            }
        }
    }
}

/// Take-up of a dot in scar tissue: 45-100%, varying from dot to dot.
fn scar_take_up(d: &Dot) -> f32 {
    let h = (d.x.to_bits() ^ d.y.to_bits().rotate_left(16)).wrapping_mul(0x9E37_79B9);
    0.45 + 0.55 * (h >> 8) as f32 / (1u32 << 24) as f32
}

/// Share of bare skin around each pixel (0..=255), for diffuse thinning:
/// hair is what is clearly darker than the skin between the hairs (the
/// brighter quarter of the scalp area); the share is averaged over about
/// 4 mm, and is 0 on a hair itself.
fn skin_share(photo: &Rgba, mask: &[u8], px_per_cm: f64) -> Vec<u8> {
    let (w, h) = (photo.width as usize, photo.height as usize);
    let luma: Vec<f32> = photo
        .data
        .as_chunks::<4>()
        .0
        .iter()
        .map(|p| crate::photo::luma([p[0], p[1], p[2], 255]))
        .collect();
    let mut scalp = Vec::new();
    for (&l, &m) in luma.iter().zip(mask) {
        if m > 127 {
            scalp.push(l);
        }
    }
    let skin = if scalp.is_empty() {
        0.6
    } else {
        let k = scalp.len() * 3 / 4;
        crate::order::nth_f32(&mut scalp, k)
    };
    let mut bare = vec![0u8; luma.len()];
    for (b, &l) in bare.iter_mut().zip(&luma) {
        if l > 0.65 * skin {
            *b = 255;
        }
    }
    let mut share = bare.clone();
    soften(&mut share, w, h, ((0.2 * px_per_cm) as usize).max(1));
    share
        .iter_mut()
        .zip(&bare)
        .for_each(|(v, &s)| *v = if s == 0 { 0 } else { *v });
    share
}
