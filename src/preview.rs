//! The pipeline: photo + design -> scalp mask -> dot pattern -> pigment
//! render -> pixels, re-running only what a change makes stale.
//!
//! | change                              | re-runs                     |
//! |-------------------------------------|-----------------------------|
//! | photo                               | everything                  |
//! | seed, scale                         | sampling (once), shares     |
//! | hairline, edge, brush               | per-dot shares              |
//! | density, shade, dot size, session   | the render only             |

use crate::design::{Design, DesignError, RelPoint, DENSITY, TEMPLE_HALF_CM};
use crate::face::{find_eyes, Eyes};
use crate::hairline::HairlineField;
use crate::hints::{FaceDetection, Hints};
use crate::num::clamp;
use crate::photo::Rgba;
use crate::render::{Canvas, Clip, Keys, Look, Spot};
use crate::sampling::{Dot, Pattern, Spacing};
use crate::scalp::{skin_luma, soften, Dab, Head, ScalpMask, MAX_FORESHORTENING};
use crate::view::View;

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
    /// The box the pattern covers ([`Preview::pattern_box`], which depends
    /// on the view).
    area: [u32; 4],
}

/// A photo being previewed, with every cached stage.
pub struct Preview {
    photo: Rgba,
    head: Head,
    eyes: Option<Eyes>,
    /// The face the detector found, when the models ran.
    face: Option<FaceDetection>,
    /// Per pixel, for diffuse thinning: share of bare skin around it
    /// (0..=255; 0 on hair). Empty until thinning is first shown.
    skin_share: Vec<u8>,
    mask: ScalpMask,
    skin_luma: f32,
    design: Design,
    pattern: Option<(PatternKey, Pattern)>,
    /// Per dot: share of density allowed by mask and hairline, and how near
    /// the hairline's front row it is. Empty when stale.
    shares: Vec<(f32, f32)>,
    /// Per dot, what lies under it: the parts of its share that density
    /// and hairline do not change, so a slider step skips a mask lookup
    /// (a cache miss at 12 MP) per dot. Empty when stale.
    under: Vec<Under>,
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
        Preview::with_hints(photo, Hints::default())
    }

    /// Starts a preview of `photo` from what on-device models found in it
    /// (the head's outline, the face, the view): where they ran, their
    /// answers replace the classical silhouette and eye finder.
    pub fn with_hints(photo: Rgba, hints: Hints) -> Preview {
        let (mask, head) = if hints.has_person() {
            ScalpMask::from_person(&photo, &hints.person)
        } else {
            ScalpMask::detect(&photo)
        };
        let skin = skin_luma(&photo, &mask, head);
        let models_ran = hints.has_person() || hints.face.is_some();
        // The face detector's eyes where the models ran: where it saw no
        // frontal face, the dark-blob finder would only find hair or shade.
        let eyes = if models_ran {
            hints.face.and_then(|f| f.frontal_eyes())
        } else {
            find_eyes(&photo, head)
        };
        let view = hints.view(&photo);
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
        design.view = view.unwrap_or(View::Front);
        Preview {
            photo,
            head,
            eyes,
            face: hints.face,
            mask,
            skin_luma: skin,
            design,
            pattern: None,
            shares: Vec::new(),
            under: Vec::new(),
            skin_share: Vec::new(),
            canvas: Canvas::default(),
            spots: Vec::new(),
            ids: Vec::new(),
            mask_version: 0,
            frame: Vec::new(),
        }
    }

    /// The photo being previewed.
    pub fn photo(&self) -> &Rgba {
        &self.photo
    }

    /// The head found in the photo.
    pub fn head(&self) -> Head {
        self.head
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
            || design.view != old.view
        {
            // The view also decides how far down the pattern reaches (see
            // `pattern_box`); `pattern_to` resamples when that changed.
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

    /// Whether the design draws a front hairline: front views always; top
    /// views when the face was found (the forehead is in sight), otherwise
    /// the whole crown fills.
    pub fn has_hairline(&self) -> bool {
        match self.design.view {
            View::Front => true,
            View::Top => self.eyes.is_some(),
            View::Left | View::Right | View::Back => false,
        }
    }

    /// In a profile, where the face begins (see [`ProfileLimit`]).
    fn profile_limit(&self) -> Option<ProfileLimit> {
        let toward_left = match self.design.view {
            View::Left => true,
            View::Right => false,
            _ => return None,
        };
        Some(ProfileLimit::new(self.head, self.face, toward_left))
    }

    /// The view of the head the photo shows, as the design says.
    pub fn view(&self) -> View {
        self.design.view
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
        let [x0, y0, x1, y1] = self.pattern_box();
        let key = PatternKey {
            seed: self.design.seed,
            px_per_cm: self.design.px_per_cm,
            area: [x0, y0, x1, y1].map(|v| v as u32),
        };
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
        // The side hairline reaches ear level about 1.1 radii down; seen
        // from the side or the back, the scalp goes on to the nape, as far
        // down as the silhouette reaches.
        let depth = if self.has_hairline() {
            1.25
        } else {
            // From the side, the back or above, the annotated scalp reaches
            // about 2.1 skull half-widths below the top; the mask's own
            // bottom (the neck) is the real limit.
            2.3
        };
        [
            (cx - 1.3 * radius).max(0.0),
            (top - 0.1 * radius).max(0.0),
            (cx + 1.3 * radius).min(w),
            (top + depth * radius).min(h),
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
        // Profiles and back views show no front hairline: the scalp fills.
        let field = self
            .has_hairline()
            .then(|| HairlineField::new(&self.design, self.photo.width, self.photo.height));
        let side = self.profile_limit();
        // Refilled in place: a slider step re-runs this, and a fresh vector
        // each time would leave holes in the wasm heap.
        self.shares
            .resize(dots.len().min(self.under.len()), (0.0, 0.0));
        for (s, (d, u)) in self.shares.iter_mut().zip(dots.iter().zip(&self.under)) {
            *s = match u.fixed {
                Some(true) => (1.0, 0.0),
                Some(false) => (0.0, 0.0),
                None if u.mask > 0.0 => {
                    let (x, y) = (d.x as f64, d.y as f64);
                    let (share, front) = field.as_ref().map_or((1.0, 0.0), |f| f.share(x, y));
                    let side = match &side {
                        Some(s) => s.share(x, y),
                        None if self.design.view == View::Back && self.head.found => {
                            let Head {
                                cx, top, radius, ..
                            } = self.head;
                            // From behind, the ears stand out beside the
                            // skull, and the nape line sits about 2 skull
                            // half-widths below the top (annotated set:
                            // 2.1): fade the pigment out over the last part
                            // as a practitioner blends a nape.
                            let out = (x - cx).abs() / radius - 1.05;
                            let below = ((y - top) / radius - 1.85) / 0.3;
                            clamp((1.0 - out / 0.04).min(1.0 - below), 0.0, 1.0) as f32
                        }
                        None => 1.0,
                    };
                    (u.mask * share * side * u.skin, front)
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
        let base_radius = (self.design.dot_mm / 20.0 * self.design.px_per_cm) as f32
            * scale
            * area_boost.sqrt()
            * age.spread;
        let mut spots = core::mem::take(&mut self.spots);
        spots.clear();
        self.ids.clear();
        let under = dots.iter().zip(&self.shares).zip(&self.under);
        for (i, ((d, &(share, front)), u)) in under.enumerate() {
            if d.rank < fraction * share {
                self.ids.push(i as u32);
                spots.push(Spot {
                    x: d.x * scale,
                    y: d.y * scale,
                    // Single-needle points at the very front are finer.
                    radius: base_radius * d.size * (1.0 - 0.25 * front),
                    // Scar tissue takes pigment unevenly.
                    ink: if u.scar {
                        d.ink * scar_take_up(d)
                    } else {
                        d.ink
                    },
                    axis: d.axis,
                    roundness: d.roundness,
                });
            }
        }
        spots
    }

    fn look(&self) -> Look {
        let age = Ageing::at(self.design.months);
        Look {
            shade: (self.design.shade as f32 * age.strength).min(1.0),
            skin_luma: self.skin_luma,
            redness: age.redness,
            hair_ink: if self.design.thinning { 0.0 } else { 0.2 },
            softness: age.softness,
        }
    }

    /// Renders the working-size preview; the frame stays valid until the
    /// next call (the browser shows it straight from wasm memory).
    pub fn render(&mut self) -> &[u8] {
        let spots = self.visible_spots(1.0);
        let look = self.look();
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
        let look = self.look();
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

/// In a profile, the line where the face begins: from the temple, a little
/// in front of and above the ear, up and forward to where the forehead's
/// hairline belongs; below the temple only the fringe behind the ear is
/// scalp (the sideburn, the ear and the cheek are not). From the face
/// detector's ear and eye keypoints when it saw the face, else from the
/// head's circle.
struct ProfileLimit {
    /// Toward the face, in image x: -1 when the face points to the left.
    forward: f64,
    /// The visible ear's tragion and the visible eye, in pixels.
    ear: (f64, f64),
    eye_x: f64,
    /// Ear to eye, horizontally, pixels (about 8 cm on adults).
    span: f64,
}

impl ProfileLimit {
    fn new(head: Head, face: Option<FaceDetection>, toward_left: bool) -> ProfileLimit {
        let forward = if toward_left { -1.0 } else { 1.0 };
        // Keypoints: right eye, left eye, nose, mouth, right ear, left ear;
        // seen from the person's left the left ear faces the camera.
        let seen = face.map(|f| {
            let k = f.keypoints;
            let (ear, eyes) = if toward_left {
                (k[5], [k[0], k[1]])
            } else {
                (k[4], [k[0], k[1]])
            };
            // The eye nearer the ear is the visible one.
            let eye = if (eyes[0].0 - ear.0).abs() < (eyes[1].0 - ear.0).abs() {
                eyes[0]
            } else {
                eyes[1]
            };
            (ear, eye.0)
        });
        let (ear, eye_x) = match seen {
            Some((ear, eye_x)) if (eye_x - ear.0) * forward > 0.2 * head.radius => (ear, eye_x),
            // The head's circle: the ear a little behind its centre at
            // about one radius down, the eye near its front.
            _ => (
                (
                    head.cx - 0.1 * forward * head.radius,
                    head.top + 1.2 * head.radius,
                ),
                head.cx + 0.8 * forward * head.radius,
            ),
        };
        ProfileLimit {
            forward,
            ear,
            eye_x,
            span: (eye_x - ear.0).abs(),
        }
    }

    /// 1 on the scalp, 0 on the face, soft across the line.
    fn share(&self, x: f64, y: f64) -> f32 {
        let d = self.span;
        let temple = (self.ear.0 + self.forward * 0.35 * d, self.ear.1 - 0.25 * d);
        let front = (self.eye_x - self.forward * 0.1 * d, self.ear.1 - 1.3 * d);
        // How far in front of the line through temple and front a point is.
        let ahead = if y >= temple.1 {
            // Below the temple: behind the ear only.
            (x - (self.ear.0 - self.forward * 0.3 * d)) * self.forward
        } else {
            let t = (y - temple.1) / (front.1 - temple.1);
            let line_x = temple.0 + t * (front.0 - temple.0);
            (x - line_x) * self.forward
        };
        let soft = 0.04 * d;
        clamp(0.5 - ahead / (2.0 * soft), 0.0, 1.0) as f32
    }
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
        let m = clamp(months, 0.0, 72.0) as f32;
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
            Ageing {
                strength: 1.0 - 0.075 * years,
                spread: 1.0 + 0.03 * years,
                softness: 1.0 + 0.12 * years,
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
    let mut scalp: Vec<f32> = luma
        .iter()
        .zip(mask)
        .filter(|&(_, &m)| m > 127)
        .map(|(&l, _)| l)
        .collect();
    let skin = if scalp.is_empty() {
        0.6
    } else {
        let k = scalp.len() * 3 / 4;
        *scalp.select_nth_unstable_by(k, f32::total_cmp).1
    };
    let bare: Vec<u8> = luma
        .iter()
        .map(|&l| if l > 0.65 * skin { 255 } else { 0 })
        .collect();
    let mut share = bare.clone();
    soften(&mut share, w, h, ((0.2 * px_per_cm) as usize).max(1));
    share
        .iter_mut()
        .zip(&bare)
        .for_each(|(v, &s)| *v = if s == 0 { 0 } else { *v });
    share
}
