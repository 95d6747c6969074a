//! The look a person chose: plain, validated data with the defaults and
//! ranges of `DOMAIN.md`. Nothing here knows about pixels of a photo except
//! through relative coordinates (0..1 of the photo's width and height), so a
//! design survives rescaling and travels in a share link.

use crate::num::clamp;
use crate::view::View;
use std::fmt;

/// A point in relative photo coordinates: `x` in 0..1 of the width, `y` in
/// 0..1 of the height.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RelPoint {
    /// 0 = left edge, 1 = right edge.
    pub x: f64,
    /// 0 = top edge, 1 = bottom edge.
    pub y: f64,
}

/// Hairline shape presets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A flatter, straighter front with gentle corners.
    Classic,
    /// One continuous curve, no corners.
    Rounded,
    /// Temples receded further back: an age-appropriate line.
    Mature,
}

impl Shape {
    /// Every preset, in menu order.
    pub const ALL: [Shape; 3] = [Shape::Classic, Shape::Rounded, Shape::Mature];
    /// Each preset's stable name, used in links and the UI, in the order
    /// of [`Shape::ALL`].
    pub const NAMES: [&'static str; 3] = ["classic", "rounded", "mature"];
    /// The preset's name ([`Shape::NAMES`]).
    pub fn name(self) -> &'static str {
        Shape::NAMES[self as usize]
    }
    /// Parses [`Shape::name`].
    pub fn parse(s: &str) -> Result<Shape, DesignError> {
        Shape::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| {
                DesignError::new(format!(
                    "Unknown hairline shape \"{}\": choose classic, rounded or mature.",
                    short(s)
                ))
            })
    }
}

/// How the hairline edge ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edge {
    /// Soft/broken: sparse single points thickening over a 0.5-1 cm zone,
    /// with strays ahead of the line. The default, and what reads as natural.
    Soft,
    /// Crisp: a narrow transition, a choice some clients make.
    Defined,
}

impl Edge {
    /// Both edges, soft first (the order of their codes in links and in
    /// [`Field::Edge`]).
    pub const ALL: [Edge; 2] = [Edge::Soft, Edge::Defined];
    /// Each edge's stable name, used in links and the UI, in the order of
    /// [`Edge::ALL`].
    pub const NAMES: [&'static str; 2] = ["soft", "defined"];
    /// The edge's name ([`Edge::NAMES`]).
    pub fn name(self) -> &'static str {
        Edge::NAMES[self as usize]
    }
    /// Parses [`Edge::name`].
    pub fn parse(s: &str) -> Result<Edge, DesignError> {
        Edge::ALL
            .into_iter()
            .find(|e| e.name() == s)
            .ok_or_else(|| {
                DesignError::new(format!(
                    "Unknown edge style \"{}\": choose soft or defined.",
                    short(s)
                ))
            })
    }
}

/// A design value that was out of range or malformed, with a message a
/// person can act on.
#[derive(Clone, Debug, PartialEq)]
pub struct DesignError(pub String);

impl DesignError {
    /// Wraps a message.
    pub fn new(message: impl Into<String>) -> Self {
        DesignError(message.into())
    }
}

impl fmt::Display for DesignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DesignError {}

/// Shortens untrusted text before it is echoed in a message: its first 24
/// characters.
pub(crate) fn short(s: &str) -> &str {
    s.char_indices().nth(24).map_or(s, |(i, _)| &s[..i])
}

/// A numeric range with a unit and a name, so every check and every error
/// message says the same thing.
#[derive(Clone, Copy, Debug)]
pub struct Range {
    /// What the value is, as the UI labels it.
    pub label: &'static str,
    /// Smallest allowed value.
    pub min: f64,
    /// Largest allowed value.
    pub max: f64,
    /// The default.
    pub default: f64,
    /// The step of the control that sets it (the widget's slider).
    pub step: f64,
    /// Unit shown after the value.
    pub unit: &'static str,
}

impl Range {
    /// `v` limited to the range; NaN gives the minimum.
    pub fn clamp(&self, v: f64) -> f64 {
        if v.is_nan() {
            self.min
        } else {
            clamp(v, self.min, self.max)
        }
    }

    /// Accepts `v` when finite and within range.
    pub fn check(&self, v: f64) -> Result<f64, DesignError> {
        if v.is_finite() && v >= self.min && v <= self.max {
            Ok(v)
        } else {
            Err(DesignError::new(format!(
                "{} must be between {} and {} {}; got {}.",
                self.label,
                decimal(self.min),
                decimal(self.max),
                self.unit,
                decimal(v)
            )))
        }
    }
}

/// Dots per cm² in the full zone. Native hair is 80-100 follicular units per
/// cm² and about half of that already reads as full; the front edge uses
/// 35-45.
pub const DENSITY: Range = Range {
    label: "Density",
    min: 20.0,
    max: 100.0,
    default: 70.0,
    step: 1.0,
    unit: "dots/cm²",
};
/// Pigment strength: 1 is undiluted carbon black, lower is more water
/// (same hue). Clients usually start light.
pub const SHADE: Range = Range {
    label: "Shade",
    min: 0.2,
    max: 1.0,
    default: 0.7,
    step: 0.05,
    unit: "(pigment strength)",
};
/// Healed dot diameter: 0.18-0.30 mm needles spread a little; every dot
/// stays under 1 mm.
pub const DOT_MM: Range = Range {
    label: "Dot size",
    min: 0.15,
    max: 0.9,
    default: 0.6,
    step: 0.05,
    unit: "mm",
};
/// Mid-frontal point above the glabella, along the skin. 7-11 cm is the
/// clinical range; 8 cm is one measured method.
pub const HAIRLINE_CM: Range = Range {
    label: "Hairline height",
    min: 6.0,
    max: 12.0,
    default: 8.0,
    step: 0.1,
    unit: "cm",
};
/// Photo scale. 32 px/cm is a 1350-px studio portrait; phone close-ups
/// reach 150+.
pub const PX_PER_CM: Range = Range {
    label: "Photo scale",
    min: 4.0,
    max: 400.0,
    default: 32.0,
    step: 0.01,
    unit: "px/cm",
};
/// Treatment sessions (1-4, 3 is the usual plan).
pub const SESSIONS: Range = Range {
    label: "Session",
    min: 1.0,
    max: 4.0,
    default: 3.0,
    step: 1.0,
    unit: "",
};

/// Time since the last session, in months: 0 is fresh (first days), 1 is
/// healed, up to 72 (six years) of slow fading.
pub const MONTHS: Range = Range {
    label: "Time since treatment",
    min: 0.0,
    max: 72.0,
    default: 1.0,
    step: 1.0,
    unit: "months",
};
/// Half the distance between the temple lines (up from the outer eye
/// corners), cm.
pub const TEMPLE_HALF_CM: Range = Range {
    label: "Temple width",
    min: 3.0,
    max: 7.0,
    default: 4.6,
    step: 0.01,
    unit: "cm",
};

/// The hairline: a preset shape through three handles a person can drag:
/// the left temple point, the mid-frontal point and the right temple point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hairline {
    /// Shape of the curve between and beyond the handles.
    pub shape: Shape,
    /// Left temple, mid-frontal, right temple (relative coordinates).
    pub handles: [RelPoint; 3],
}

/// Everything that decides the look of a preview.
#[derive(Clone, Debug, PartialEq)]
pub struct Design {
    /// Dots per cm² in the full zone ([`DENSITY`]).
    pub density: f64,
    /// Pigment strength ([`SHADE`]).
    pub shade: f64,
    /// Healed dot diameter in mm ([`DOT_MM`]).
    pub dot_mm: f64,
    /// Hairline shape and handles.
    pub hairline: Hairline,
    /// Soft or defined edge.
    pub edge: Edge,
    /// Pattern seed: same seed, photo size and design give the same dots.
    pub seed: u64,
    /// Photo scale in pixels per cm of the working image ([`PX_PER_CM`]).
    pub px_per_cm: f64,
    /// The glabella (between the brows), the reference for hairline height.
    pub glabella: RelPoint,
    /// Session shown, 1-4 ([`SESSIONS`]); each is a subset of the next.
    pub session: u8,
    /// Months since the last session ([`MONTHS`]): fresh, healed, aged.
    pub months: f64,
    /// Diffuse thinning: the person keeps their hair, and dots go between
    /// the hairs as shading under them.
    pub thinning: bool,
    /// Which way the head faces the camera: only front and top views have
    /// a front hairline; profiles and back views fill the scalp.
    pub view: View,
    /// Half the distance between the temple lines ([`TEMPLE_HALF_CM`]),
    /// from the eyes when they were found.
    pub temple_half_cm: f64,
}

/// How far below the mid-frontal point preset `shape` puts the temple
/// points in a frontal photo of a level head, cm: the temple corner sits a
/// little below the middle (the head curves away); a mature line recedes
/// the corners up and back.
fn temple_drop_cm(shape: Shape) -> f64 {
    match shape {
        Shape::Classic => 1.0,
        Shape::Rounded => 1.35,
        Shape::Mature => 0.1,
    }
}

/// How much of the skin distance from glabella to hairline shows as
/// vertical distance in a frontal photo (the forehead curves back). Fitted
/// on the London set against the real hairlines of photos 02-05: 6.4 cm
/// projected for a typical 8 cm hairline.
pub const FOREHEAD_PROJECTION: f64 = 0.80;

impl Design {
    /// The default look on a photo of `width` x `height` pixels whose head
    /// is centred at `head_cx` (relative) with the glabella at `glabella`
    /// and `px_per_cm` scale.
    pub fn for_photo(width: u32, height: u32, glabella: RelPoint, px_per_cm: f64) -> Design {
        let mut d = Design {
            density: DENSITY.default,
            shade: SHADE.default,
            dot_mm: DOT_MM.default,
            hairline: Hairline {
                shape: Shape::Classic,
                handles: [glabella; 3],
            },
            edge: Edge::Soft,
            seed: 1,
            px_per_cm: PX_PER_CM.check(px_per_cm).unwrap_or(PX_PER_CM.default),
            glabella,
            session: SESSIONS.default as u8,
            months: MONTHS.default,
            thinning: false,
            view: View::Front,
            temple_half_cm: TEMPLE_HALF_CM.default,
        };
        d.place_hairline(width, height, HAIRLINE_CM.default, Shape::Classic);
        d
    }

    /// Checks every field; the first problem found is returned.
    pub fn validate(&self) -> Result<(), DesignError> {
        DENSITY.check(self.density)?;
        SHADE.check(self.shade)?;
        DOT_MM.check(self.dot_mm)?;
        PX_PER_CM.check(self.px_per_cm)?;
        SESSIONS.check(self.session as f64)?;
        MONTHS.check(self.months)?;
        TEMPLE_HALF_CM.check(self.temple_half_cm)?;
        // `contains` is false for NaN and infinities.
        let on_photo = |p: RelPoint| (-0.5..=1.5).contains(&p.x) && (-0.5..=1.5).contains(&p.y);
        let [l, m, r] = self.hairline.handles;
        if !(on_photo(l) && on_photo(m) && on_photo(r) && on_photo(self.glabella)) {
            return Err(DesignError::new("A hairline handle is off the photo: drag it back onto the head, or reset the hairline."));
        }
        if !(l.x < m.x && m.x < r.x) {
            return Err(DesignError::new(
                "The temple handles must sit left and right of the middle handle.",
            ));
        }
        Ok(())
    }

    /// Whether the front hairline is seen from above, as an arc bowed
    /// toward the face: in a top view, and in a front view whose hairline
    /// lies at or below the glabella (a head tilted so far forward that the
    /// forehead faces the camera and no face was found to place the
    /// glabella: the person tapped the forehead below the guess).
    pub fn seen_from_above(&self) -> bool {
        self.view == View::Top || self.hairline.handles[1].y >= self.glabella.y
    }

    /// Hairline height in cm above the glabella, along the skin, read from
    /// the mid-frontal handle.
    pub fn hairline_height_cm(&self, height: u32) -> f64 {
        (self.glabella.y - self.hairline.handles[1].y) * height as f64
            / (self.px_per_cm * FOREHEAD_PROJECTION)
    }

    /// Moves all three handles up or down together so the mid-frontal point
    /// sits `cm` above the glabella; the shape is kept.
    pub fn set_hairline_height_cm(&mut self, height: u32, cm: f64) -> Result<(), DesignError> {
        let cm = HAIRLINE_CM.check(cm)?;
        let dy = (cm - self.hairline_height_cm(height)) * self.px_per_cm * FOREHEAD_PROJECTION
            / height as f64;
        for h in self.hairline.handles.iter_mut() {
            h.y -= dy;
        }
        Ok(())
    }

    /// Puts the handles where a preset places them for a hairline `cm`
    /// above the glabella: the temples on the lines up from the outer eye
    /// corners (about 4.6 cm either side of the midline), recessed by the
    /// preset.
    pub fn place_hairline(&mut self, width: u32, height: u32, cm: f64, shape: Shape) {
        self.place_lifted(width, height, cm, shape, 0.0);
    }

    /// [`Design::place_hairline`] with the temples `lift_cm` above the
    /// preset's (see [`Design::temple_lift_cm`]).
    fn place_lifted(&mut self, width: u32, height: u32, cm: f64, shape: Shape, lift_cm: f64) {
        let middle = (
            self.glabella.x * width as f64,
            self.glabella.y * height as f64 - cm * self.px_per_cm * FOREHEAD_PROJECTION,
        );
        self.hairline = Hairline {
            shape,
            handles: self.preset_handles(width, height, middle, shape, lift_cm),
        };
    }

    /// The handles the design's preset places with the middle one at `mid`
    /// (relative): where a tap on the forehead puts the hairline. The
    /// temples keep their lift above the preset.
    pub fn hairline_through(&self, width: u32, height: u32, mid: RelPoint) -> [RelPoint; 3] {
        let middle = (mid.x * width as f64, mid.y * height as f64);
        let lift = self.temple_lift_cm(height);
        self.preset_handles(width, height, middle, self.hairline.shape, lift)
    }

    /// How far the temple handles sit above where the preset of the
    /// design's shape puts them in a frontal photo, cm (in the photo): on a
    /// head tilted forward the engine raises them (see
    /// `Preview`), and a person may drag them. Read from the handles, which
    /// a share link carries, so a new preset or a tap on the forehead keeps
    /// it alike for the sender and for whoever opens the link.
    pub fn temple_lift_cm(&self, height: u32) -> f64 {
        let [l, m, r] = self.hairline.handles;
        let drop = ((l.y + r.y) / 2.0 - m.y) * height as f64 / self.px_per_cm;
        temple_drop_cm(self.hairline.shape) - drop
    }

    /// Raises both temple handles by `cm` in a frontal photo (not seen
    /// from above, where they already lie on the skull's arc).
    pub fn lift_temples(&mut self, height: u32, cm: f64) {
        if self.seen_from_above() {
            return;
        }
        let dy = cm * self.px_per_cm / height as f64;
        for i in [0, 2] {
            self.hairline.handles[i].y -= dy;
        }
    }

    /// The three handles of preset `shape` around the middle one at
    /// `(mx, my)` (pixels).
    fn preset_handles(
        &self,
        width: u32,
        height: u32,
        (mx, my): (f64, f64),
        shape: Shape,
        lift_cm: f64,
    ) -> [RelPoint; 3] {
        let (w, h) = (width as f64, height as f64);
        let s = self.px_per_cm;
        let temple_drop_cm = temple_drop_cm(shape);
        // Temples on the lines up from the outer eye corners; a mature line
        // recedes them a little toward the midline too.
        let half_cm = match shape {
            Shape::Mature => 0.93 * self.temple_half_cm,
            _ => self.temple_half_cm,
        };
        // Seen from above (a top view, or a forehead tapped at or below
        // the guessed glabella: a head tilted far forward), the temples lie
        // behind the middle, on the arc the front of the skull makes (a
        // mature line recedes them more; shallower in a front view, see
        // `hairline::TILTED_FRONT_DEPTH_CM`).
        let temple_drop_cm = if self.view == View::Top || my >= self.glabella.y * h {
            -crate::hairline::front_rise_cm(half_cm, self.view) - (1.0 - temple_drop_cm).max(0.0)
        } else {
            temple_drop_cm - lift_cm
        };
        let rel = |x: f64, y: f64| RelPoint { x: x / w, y: y / h };
        [
            rel(mx - half_cm * s, my + temple_drop_cm * s),
            rel(mx, my),
            rel(mx + half_cm * s, my + temple_drop_cm * s),
        ]
    }

    /// The design as the fixed list of numbers described by [`Field`]: the
    /// form in which it crosses to the page and back. `height` is the
    /// photo's, for the hairline's height in cm.
    pub fn values(&self, height: u32) -> [f64; Field::COUNT] {
        let [l, m, r] = self.hairline.handles;
        let g = self.glabella;
        let mut v = [0.0; Field::COUNT];
        v[Field::Density as usize] = self.density;
        v[Field::Shade as usize] = self.shade;
        v[Field::DotMm as usize] = self.dot_mm;
        v[Field::HairlineCm as usize] = self.hairline_height_cm(height);
        v[Field::Session as usize] = self.session as f64;
        v[Field::Months as usize] = self.months;
        v[Field::Thinning as usize] = self.thinning as u8 as f64;
        v[Field::Shape as usize] = self.hairline.shape as u8 as f64;
        v[Field::Edge as usize] = self.edge as u8 as f64;
        v[Field::View as usize] = self.view as u8 as f64;
        v[Field::SeedHigh as usize] = (self.seed >> 32) as f64;
        v[Field::SeedLow as usize] = (self.seed & 0xFFFF_FFFF) as f64;
        v[Field::PxPerCm as usize] = self.px_per_cm;
        v[Field::TempleHalfCm as usize] = self.temple_half_cm;
        v[Field::LeftX as usize] = l.x;
        v[Field::LeftY as usize] = l.y;
        v[Field::MiddleX as usize] = m.x;
        v[Field::MiddleY as usize] = m.y;
        v[Field::RightX as usize] = r.x;
        v[Field::RightY as usize] = r.y;
        v[Field::GlabellaX as usize] = g.x;
        v[Field::GlabellaY as usize] = g.y;
        v
    }

    /// The design `values` (as [`Design::values`] gives them, some of them
    /// changed) describe, made from this one on a `width` x `height`
    /// photo, checked, and on the share link's grid (so a link reproduces
    /// it exactly).
    ///
    /// The hairline follows what changed: handles that moved are taken as
    /// they are; otherwise a new shape places its preset at the height
    /// asked (`HairlineCm`), and a new height alone moves the handles up or
    /// down together. `HairlineCm` may be NaN: keep the height.
    pub fn edited(&self, values: &[f64], width: u32, height: u32) -> Result<Design, DesignError> {
        let v: &[f64; Field::COUNT] = values.try_into().map_err(|_| {
            DesignError::new(format!(
                "A design is {} numbers; got {}.",
                Field::COUNT,
                values.len()
            ))
        })?;
        let at = |f: Field| v[f as usize];
        // A code: a whole number below `count`.
        let code = |f: Field, count: u64| -> Result<u64, DesignError> {
            let x = at(f);
            if x >= 0.0 && x < count as f64 && x.fract() == 0.0 {
                Ok(x as u64)
            } else {
                Err(DesignError::new(format!(
                    "{} must be a whole number from 0 to {}; got {}.",
                    f.name(),
                    count - 1,
                    decimal(x)
                )))
            }
        };
        let half = |f: Field| code(f, 1 << 32);
        // A position in one of the enums' `ALL`.
        let pick = |f: Field, count: usize| code(f, count as u64).map(|x| x as usize);
        let point = |x: Field, y: Field| RelPoint { x: at(x), y: at(y) };
        // The numbers are checked once, by `validate` below; only what is
        // converted here is checked here (codes, the seed's halves, and the
        // session, a whole number).
        let mut d = Design {
            density: at(Field::Density),
            shade: at(Field::Shade),
            dot_mm: at(Field::DotMm),
            hairline: Hairline {
                shape: Shape::ALL[pick(Field::Shape, Shape::ALL.len())?],
                handles: [
                    point(Field::LeftX, Field::LeftY),
                    point(Field::MiddleX, Field::MiddleY),
                    point(Field::RightX, Field::RightY),
                ],
            },
            edge: Edge::ALL[pick(Field::Edge, Edge::ALL.len())?],
            seed: half(Field::SeedHigh)? << 32 | half(Field::SeedLow)?,
            px_per_cm: at(Field::PxPerCm),
            glabella: point(Field::GlabellaX, Field::GlabellaY),
            session: SESSIONS.check(at(Field::Session).round())? as u8,
            months: at(Field::Months),
            thinning: at(Field::Thinning) != 0.0,
            view: View::ALL[pick(Field::View, View::ALL.len())?],
            temple_half_cm: at(Field::TempleHalfCm),
        };
        if d.hairline.handles == self.hairline.handles {
            let now = d.hairline_height_cm(height);
            let cm = match at(Field::HairlineCm) {
                cm if cm.is_nan() => now,
                cm => cm,
            };
            if d.hairline.shape != self.hairline.shape {
                let lift = self.temple_lift_cm(height);
                d.place_lifted(width, height, HAIRLINE_CM.clamp(cm), d.hairline.shape, lift);
            } else if cm != now {
                d.set_hairline_height_cm(height, cm)?;
            }
        }
        d.validate()?;
        Ok(crate::share::quantize(&d))
    }

    /// This design, on a `width` x `height` photo, with the choices of
    /// `link` (a share link's design, made on another photo) carried over:
    /// every value but the photo's own scale, glabella and temple width
    /// (and the hairline height, which its handles, carried, then give).
    /// Checked and on the link's grid, as [`Design::edited`] makes it.
    pub fn carried(&self, link: &Design, width: u32, height: u32) -> Result<Design, DesignError> {
        let mut v = link.values(height);
        let own = self.values(height);
        for f in [
            Field::HairlineCm,
            Field::PxPerCm,
            Field::TempleHalfCm,
            Field::GlabellaX,
            Field::GlabellaY,
        ] {
            v[f as usize] = own[f as usize];
        }
        self.edited(&v, width, height)
    }
}

/// Where each value of a design sits in the list [`Design::values`] gives
/// and [`Design::edited`] takes (the page reads the order from the engine,
/// by name). Codes (shape, edge, view) are the enums' positions in their
/// `ALL`; the seed, a u64 that a JavaScript number cannot hold, is two
/// 32-bit halves; handles and glabella are relative.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// Dots per cm² ([`DENSITY`]).
    Density,
    /// Pigment strength ([`SHADE`]).
    Shade,
    /// Dot diameter, mm ([`DOT_MM`]).
    DotMm,
    /// Hairline height above the glabella, cm ([`HAIRLINE_CM`]; measured
    /// from the middle handle).
    HairlineCm,
    /// Session shown ([`SESSIONS`]).
    Session,
    /// Months since treatment ([`MONTHS`]).
    Months,
    /// Diffuse thinning: 1 on, 0 off.
    Thinning,
    /// Hairline preset: a position in [`Shape::ALL`].
    Shape,
    /// Edge: a position in [`Edge::ALL`].
    Edge,
    /// View: a position in [`View::ALL`].
    View,
    /// The seed's upper 32 bits.
    SeedHigh,
    /// The seed's lower 32 bits.
    SeedLow,
    /// Photo scale, px/cm ([`PX_PER_CM`]).
    PxPerCm,
    /// Half the temple width, cm ([`TEMPLE_HALF_CM`]).
    TempleHalfCm,
    /// Left temple handle, x.
    LeftX,
    /// Left temple handle, y.
    LeftY,
    /// Middle handle, x.
    MiddleX,
    /// Middle handle, y.
    MiddleY,
    /// Right temple handle, x.
    RightX,
    /// Right temple handle, y.
    RightY,
    /// Glabella, x.
    GlabellaX,
    /// Glabella, y.
    GlabellaY,
}

impl Field {
    /// How many values a design has.
    pub const COUNT: usize = 22;
    /// Every field, in order.
    pub const ALL: [Field; Field::COUNT] = [
        Field::Density,
        Field::Shade,
        Field::DotMm,
        Field::HairlineCm,
        Field::Session,
        Field::Months,
        Field::Thinning,
        Field::Shape,
        Field::Edge,
        Field::View,
        Field::SeedHigh,
        Field::SeedLow,
        Field::PxPerCm,
        Field::TempleHalfCm,
        Field::LeftX,
        Field::LeftY,
        Field::MiddleX,
        Field::MiddleY,
        Field::RightX,
        Field::RightY,
        Field::GlabellaX,
        Field::GlabellaY,
    ];

    /// The name the page knows the field by.
    pub fn name(self) -> &'static str {
        match self {
            Field::Density => "density",
            Field::Shade => "shade",
            Field::DotMm => "dot_mm",
            Field::HairlineCm => "hairline_cm",
            Field::Session => "session",
            Field::Months => "months",
            Field::Thinning => "thinning",
            Field::Shape => "shape",
            Field::Edge => "edge",
            Field::View => "view",
            Field::SeedHigh => "seed_high",
            Field::SeedLow => "seed_low",
            Field::PxPerCm => "px_per_cm",
            Field::TempleHalfCm => "temple_half_cm",
            Field::LeftX => "left_x",
            Field::LeftY => "left_y",
            Field::MiddleX => "middle_x",
            Field::MiddleY => "middle_y",
            Field::RightX => "right_x",
            Field::RightY => "right_y",
            Field::GlabellaX => "glabella_x",
            Field::GlabellaY => "glabella_y",
        }
    }

    /// The range of a numeric field (the controls are built from it).
    pub fn range(self) -> Option<&'static Range> {
        Some(match self {
            Field::Density => &DENSITY,
            Field::Shade => &SHADE,
            Field::DotMm => &DOT_MM,
            Field::HairlineCm => &HAIRLINE_CM,
            Field::Session => &SESSIONS,
            Field::Months => &MONTHS,
            Field::PxPerCm => &PX_PER_CM,
            Field::TempleHalfCm => &TEMPLE_HALF_CM,
            _ => return None,
        })
    }
}

/// `x` as the messages print a number: rounded to at most three decimals,
/// halfway cases away from zero, without trailing zeros (`0.7`, `8.125`,
/// `70`); "not a number" when not finite. For `format!`: `{}` of an `f64`
/// prints every digit, `{:.3}` keeps trailing zeros and rounds halfway
/// cases to even.
pub(crate) fn decimal(x: f64) -> Decimal {
    Decimal(x)
}

/// A number to print with [`decimal`].
pub(crate) struct Decimal(f64);

/// The decimals [`decimal`] keeps at most.
const DECIMALS: usize = 3;

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.0;
        if !x.is_finite() {
            return f.write_str("not a number");
        }
        let scale = 10u64.pow(DECIMALS as u32);
        // Beyond 2^53 the integer part is exact anyway; no engine value gets close.
        let n = (x.abs() * scale as f64).round() as u64;
        let (int, mut frac) = (n / scale, n % scale);
        if x < 0.0 && n > 0 {
            f.write_str("-")?;
        }
        write!(f, "{int}")?;
        if frac > 0 {
            let mut width = DECIMALS;
            while frac % 10 == 0 {
                frac /= 10;
                width -= 1;
            }
            write!(f, ".{frac:0width$}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_rounded_and_trimmed() {
        assert_eq!(format!("{}", decimal(70.0)), "70");
        assert_eq!(format!("{}", decimal(0.7)), "0.7");
        assert_eq!(format!("{}", decimal(0.55)), "0.55");
        assert_eq!(format!("{}", decimal(8.1266)), "8.127");
        assert_eq!(format!("{}", decimal(0.05)), "0.05");
        assert_eq!(format!("{}", decimal(0.005)), "0.005");
        assert_eq!(format!("{}", decimal(-1.5)), "-1.5");
        assert_eq!(format!("{}", decimal(-0.0001)), "0");
        assert_eq!(format!("{}", decimal(0.123456789)), "0.123");
        assert_eq!(format!("{}", decimal(f64::NAN)), "not a number");
    }

    fn sample() -> Design {
        Design::for_photo(1350, 1350, RelPoint { x: 0.5, y: 0.37 }, 32.0)
    }

    #[test]
    fn defaults_validate() {
        sample().validate().unwrap();
    }

    #[test]
    fn out_of_range_values_are_rejected_with_a_message() {
        let mut d = sample();
        d.density = 500.0;
        let e = d.validate().unwrap_err();
        assert!(
            e.0.contains("Density") && e.0.contains("20") && e.0.contains("100"),
            "{e}"
        );
        d.density = f64::NAN;
        assert!(d.validate().unwrap_err().0.contains("not a number"));
        let mut d = sample();
        d.hairline.handles[0].x = 0.9;
        assert!(d.validate().is_err());
        assert!(Shape::parse("<script>").unwrap_err().0.contains("classic"));
    }

    #[test]
    fn names_parse_back() {
        for k in Shape::ALL {
            assert_eq!(Shape::parse(k.name()), Ok(k));
        }
        for e in [Edge::Soft, Edge::Defined] {
            assert_eq!(Edge::parse(e.name()), Ok(e));
        }
    }

    /// `name` reads `NAMES` at the value's position in `ALL`, which is its
    /// code in a design and a link: both lists must keep the enum's order.
    #[test]
    fn names_are_in_the_order_of_all() {
        for (i, k) in Shape::ALL.into_iter().enumerate() {
            assert_eq!(k as usize, i);
        }
        for (i, e) in Edge::ALL.into_iter().enumerate() {
            assert_eq!(e as usize, i);
        }
        for (i, v) in View::ALL.into_iter().enumerate() {
            assert_eq!(v as usize, i);
        }
        assert_eq!(Shape::Mature.name(), "mature");
        assert_eq!(Edge::Defined.name(), "defined");
        assert_eq!(View::Back.name(), "back");
    }

    #[test]
    fn short_keeps_the_first_24_characters() {
        for s in [
            "",
            "abc",
            "é",
            "a🙂b",
            &"é🙂x".repeat(9),
            &"z".repeat(24),
            &"z".repeat(25),
        ] {
            let want: String = s.chars().take(24).collect();
            assert_eq!(short(s), want);
        }
    }

    #[test]
    fn hairline_height_round_trips() {
        let mut d = sample();
        assert!((d.hairline_height_cm(1350) - 8.0).abs() < 1e-9);
        d.set_hairline_height_cm(1350, 9.5).unwrap();
        assert!((d.hairline_height_cm(1350) - 9.5).abs() < 1e-9);
        assert!(d.set_hairline_height_cm(1350, 30.0).is_err());
    }

    #[test]
    fn values_round_trip_and_edits_follow_what_changed() {
        let (w, h) = (1350, 1350);
        let d = crate::share::quantize(&sample());
        let v = d.values(h);
        assert_eq!(d.edited(&v, w, h).unwrap(), d, "unchanged values");
        let set = |f: Field, x: f64| {
            let mut v = v;
            v[f as usize] = x;
            d.edited(&v, w, h)
        };
        assert_eq!(set(Field::Density, 41.0).unwrap().density, 41.0);
        let seed = (1u64 << 40) + 7;
        let mut s = v;
        s[Field::SeedHigh as usize] = (seed >> 32) as f64;
        s[Field::SeedLow as usize] = (seed & 0xFFFF_FFFF) as f64;
        assert_eq!(d.edited(&s, w, h).unwrap().seed, seed);
        // A new height moves the handles together; a new shape places its preset.
        let up = set(Field::HairlineCm, 9.5).unwrap();
        assert!((up.hairline_height_cm(h) - 9.5).abs() < 0.01);
        assert_eq!(up.hairline.shape, Shape::Classic);
        let mature = set(Field::Shape, Shape::Mature as u8 as f64).unwrap();
        let mut want = d.clone();
        want.place_hairline(w, h, d.hairline_height_cm(h), Shape::Mature);
        assert_eq!(mature, crate::share::quantize(&want));
        // Moved handles are taken as they are (the stale height is ignored).
        let mut m = v;
        m[Field::MiddleY as usize] -= 0.05;
        let moved = d.edited(&m, w, h).unwrap();
        assert!((moved.hairline.handles[1].y - (d.hairline.handles[1].y - 0.05)).abs() < 1e-3);
        assert_eq!(moved.hairline.handles[0], d.hairline.handles[0]);
        // Refused with a message, never clamped.
        assert!(set(Field::Density, 500.0)
            .unwrap_err()
            .0
            .contains("Density"));
        assert!(set(Field::Edge, 2.0).unwrap_err().0.contains("edge"));
        assert!(set(Field::HairlineCm, 30.0).is_err());
        assert!(d.edited(&v[1..], w, h).is_err());
    }

    #[test]
    fn a_link_carried_to_another_photo_brings_its_choices_not_the_photos_measures() {
        // The sender's design, on a photo of another scale and glabella.
        let mut link = Design::for_photo(1200, 1500, RelPoint { x: 0.45, y: 0.4 }, 41.0);
        link.density = 48.0;
        link.shade = 0.45;
        link.dot_mm = 0.4;
        link.session = 2;
        link.months = 25.0;
        link.thinning = true;
        link.edge = Edge::Defined;
        link.seed = 0xDEAD_BEEF_1234;
        link.hairline.shape = Shape::Mature;
        link.view = View::Top;
        link.temple_half_cm = 5.5;
        let link = crate::share::quantize(&link);
        // The design on the person's photo, as the engine keeps it (on the link's grid).
        let own = crate::share::quantize(&sample());
        let d = own.carried(&link, 1350, 1350).unwrap();
        assert_eq!(
            (d.density, d.shade, d.dot_mm, d.session, d.months, d.thinning),
            (48.0, 0.45, 0.4, 2, 25.0, true)
        );
        assert_eq!(
            (d.edge, d.seed, d.hairline, d.view),
            (link.edge, link.seed, link.hairline, link.view)
        );
        assert_eq!(
            (d.px_per_cm, d.glabella, d.temple_half_cm),
            (own.px_per_cm, own.glabella, own.temple_half_cm)
        );
        // Checked: a link's handles that this photo's design cannot take are refused.
        let mut crossed = link.clone();
        crossed.hairline.handles.swap(0, 2);
        assert!(own.carried(&crossed, 1350, 1350).is_err());
    }

    #[test]
    fn a_tap_places_the_preset_around_it() {
        let d = sample();
        let [_, m, _] = d.hairline.handles;
        let near = |a: [RelPoint; 3], b: [RelPoint; 3]| {
            a.iter()
                .zip(&b)
                .all(|(p, q)| (p.x - q.x).abs() < 1e-9 && (p.y - q.y).abs() < 1e-9)
        };
        assert!(near(d.hairline_through(1350, 1350, m), d.hairline.handles));
        assert!(d.temple_lift_cm(1350).abs() < 1e-9);
    }

    #[test]
    fn a_new_shape_and_a_tap_keep_the_temples_lift() {
        // Raised as on a head tilted forward, then sent through a link.
        let (w, h) = (1350, 1350);
        let mut d = sample();
        d.lift_temples(h, 1.5);
        let d = crate::share::quantize(&d);
        let lift = |d: &Design| d.temple_lift_cm(h);
        assert!((lift(&d) - 1.5).abs() < 0.01, "{}", lift(&d));
        // A tap lower on the forehead: the temples stay 1.5 cm up.
        let mut tapped = d.clone();
        let m = RelPoint { x: 0.52, y: 0.2 };
        tapped.hairline.handles = d.hairline_through(w, h, m);
        assert!((lift(&tapped) - 1.5).abs() < 0.01);
        // A new shape from the list: its own preset, lifted alike.
        let mut v = d.values(h);
        v[Field::Shape as usize] = Shape::Rounded as u8 as f64;
        let rounded = d.edited(&v, w, h).unwrap();
        assert_eq!(rounded.hairline.shape, Shape::Rounded);
        assert!((lift(&rounded) - 1.5).abs() < 0.01, "{}", lift(&rounded));
        let [l, m, _] = rounded.hairline.handles;
        assert!(l.y < m.y, "the temples now above the middle");
        // Seen from above the temples lie on the skull's arc already.
        let mut top = sample();
        top.view = View::Top;
        let before = top.hairline.handles;
        top.lift_temples(h, 1.5);
        assert_eq!(top.hairline.handles, before);
    }
}
