//! Share links: a [`Design`], its brush strokes and, only if the person
//! opted in, a small JPEG of the photo, packed into the URL fragment (the
//! text after `#`, which browsers never send to a server).
//!
//! # Format, version 1
//!
//! ```text
//! fragment = "v1." base64url(record)          (RFC 4648 §5 alphabet, no padding)
//! record   = section* crc16                   (crc16: CRC-16/CCITT-FALSE of the
//!                                              sections, big-endian)
//! section  = tag:u8 length:varint payload[length]
//! ```
//!
//! Integers are little-endian; `varint` is unsigned LEB128 of at most 32 bits
//! with no redundant trailing zero groups; `zigzag` maps signed to unsigned
//! (0, -1, 1, -2 ... to 0, 1, 2, 3 ...). Sections appear in strictly
//! increasing tag order, so each at most once.
//!
//! | tag    | section                         | presence                     |
//! |--------|---------------------------------|------------------------------|
//! | `0x01` | design, 35 bytes (below)        | required                     |
//! | `0x02` | brush strokes                   | only when there are strokes  |
//! | `0x03` | photo: the JPEG bytes as-is     | only when the person opted in|
//! | `0x04` | journey: months since treatment | only when any differs from   |
//! |        | u8, thinning u8, temple half-   | its default (1 month, no     |
//! |        | width u16 in 0.01 cm            | thinning, 4.6 cm)            |
//!
//! The design section, each value a whole number of grid steps:
//!
//! | offset | type      | field                                              |
//! |--------|-----------|----------------------------------------------------|
//! | 0      | u16       | density in 0.5 dots/cm² steps                       |
//! | 2      | u16       | shade in 0.005 steps                                |
//! | 4      | u16       | dot size in 0.005 mm steps                          |
//! | 6      | u16       | photo scale in 0.01 px/cm steps                     |
//! | 8      | u8        | session                                             |
//! | 9      | u8        | hairline shape: 0 classic, 1 rounded, 2 mature      |
//! | 10     | u8        | edge: 0 soft, 1 defined                             |
//! | 11     | u64       | seed                                                |
//! | 19     | 8 x u16   | left, middle, right handle, glabella, each `x, y`:  |
//! |        |           | `-0.5 + n / 8192` (16384 steps over -0.5..1.5)      |
//!
//! The strokes section (brush strokes and scar marks, in the order they
//! were made) is `count:varint` then per stroke `flags:u8` (0 erases scalp,
//! 1 adds scalp, 3 marks a scar to camouflage; other values are refused), `radius:u16` (in
//! 1/65536 of the photo's width, 1..=32767, so under half the width),
//! `dabs:varint` (at least 1) and per dab `zigzag(dx):varint
//! zigzag(dy):varint`: the change of the centre on a grid of 1/8192 of the
//! photo's width and height from the previous dab (the first from 0, 0),
//! each centre within -1..2. At most [`MAX_STROKES`] strokes and
//! [`MAX_DABS`] dabs in all. A photo is at most [`MAX_PHOTO_BYTES`] and
//! starts with the JPEG marker `FF D8 FF`.
//!
//! A default design makes a 55-character link. Brush edits cost two to six
//! bytes per dab, depending on how far apart the dabs are: about three
//! characters per dab for ordinary drags.
//!
//! # Checks
//!
//! [`decode`] checks the length before anything else (at most
//! [`MAX_FRAGMENT_CHARS`]), every count against its cap and against the
//! bytes left before allocating, the checksum, and finally every value
//! against its range with [`Design::validate`]: out-of-range values are
//! rejected, never clamped. A leading `#` and surrounding ASCII whitespace are
//! ignored, nothing else is forgiven. Every error is a [`ShareError`] with a
//! message that tells the person what to do. Decoding never panics.
//!
//! # Compatibility
//!
//! - A version other than 1 (`v2.`, `v17.` ...) is refused with "made by a
//!   newer version" and needs no more parsing: a later version may change
//!   anything after its prefix.
//! - Within version 1, later releases may add sections. Tags `0x80..=0xFF`
//!   are optional: a decoder that does not know one skips it (still covered
//!   by the checksum). An unknown tag below `0x80`, or an unknown shape or
//!   edge code, means the link needs a newer decoder and is refused with the
//!   same message. Known sections never grow: a new field goes in a new
//!   section.
//!
//! # Quantization
//!
//! A link carries values on the grids above, so the app applies
//! [`quantize`] to every design edit and [`quantize_strokes`] to the brush
//! strokes: then the receiver's preview is bit for bit the sender's. Both are
//! idempotent and keep validity: a value in range stays in range (the
//! temple handles stay strictly left and right of the middle one) and a
//! value out of range stays out of range.

use crate::prelude::*;

use crate::text::text;
use core::fmt;

use crate::design::{Design, Edge, Hairline, RelPoint, Shape, DENSITY, DOT_MM, PX_PER_CM, SHADE};
use crate::order::clamp;
use crate::scalp::Dab;

/// The format version this module writes and reads.
pub const VERSION: u32 = 1;
/// Longest fragment [`decode`] looks at, in characters. Everything within
/// the other caps fits (the worst case is about 620,000 characters).
pub const MAX_FRAGMENT_CHARS: usize = 655_360;
/// Most brush strokes a link carries.
pub const MAX_STROKES: usize = 2000;
/// Most brush dabs a link carries, over all strokes.
pub const MAX_DABS: usize = 50_000;
/// Largest photo a link carries, in bytes (150 KiB).
pub const MAX_PHOTO_BYTES: usize = 150 * 1024;

const TAG_DESIGN: u8 = 0x01;
const TAG_STROKES: u8 = 0x02;
const TAG_PHOTO: u8 = 0x03;
const TAG_JOURNEY: u8 = 0x04;

/// The treatment-journey fields (section `0x04`, 4 bytes, only when any
/// differs from its default): months since treatment (`u8`), thinning
/// (`u8`, 0 or 1), temple half-width in 0.01 cm (`u16`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Journey {
    months: u8,
    thinning: u8,
    temple: u16,
}

impl Default for Journey {
    fn default() -> Self {
        Journey {
            months: crate::design::MONTHS.default as u8,
            thinning: 0,
            temple: (crate::design::TEMPLE_HALF_CM.default * 100.0).round() as u16,
        }
    }
}

impl Journey {
    fn from_design(d: &Design) -> Journey {
        // Out-of-range values saturate here and are refused by validation.
        Journey {
            months: clamp(d.months.round(), 0.0, 255.0) as u8,
            thinning: d.thinning as u8,
            temple: clamp((d.temple_half_cm * 100.0).round(), 0.0, 65535.0) as u16,
        }
    }
    fn bytes(&self) -> [u8; 4] {
        let t = self.temple.to_le_bytes();
        [self.months, self.thinning, t[0], t[1]]
    }
    fn read(payload: &[u8]) -> Result<Journey, ShareError> {
        match payload {
            [months, thinning @ (0 | 1), a, b] => Ok(Journey {
                months: *months,
                thinning: *thinning,
                temple: u16::from_le_bytes([*a, *b]),
            }),
            _ => Err(ShareError::new(DAMAGED)),
        }
    }
    fn apply(&self, d: &mut Design) {
        d.months = self.months as f64;
        d.thinning = self.thinning == 1;
        d.temple_half_cm = self.temple as f64 / 100.0;
    }
}
/// Tags from here up are optional: skipped when unknown.
const FIRST_OPTIONAL_TAG: u8 = 0x80;
const DESIGN_LEN: usize = 35;
const JPEG_MAGIC: [u8; 3] = [0xFF, 0xD8, 0xFF];

/// Handles and glabella: the range [`Design::validate`] allows.
const ON_PHOTO: (f64, f64) = (-0.5, 1.5);
/// Dab centres in grid steps of 1/8192: -1..2 of the photo.
const DAB_MIN: i64 = -8192;
const DAB_MAX: i64 = 16384;
const DAB_STEPS: f64 = 8192.0;
/// Dab radius in 1/65536 of the width; the largest is under half the width.
const RADIUS_STEPS: f64 = 65536.0;
const MAX_RADIUS: u16 = 32767;

const NEWER: &str = "This link was made by a newer version of the simulator; ask for a new link or update the page.";
const NOT_A_LINK: &str =
    "This is not a share link from the simulator: the text after # should start with \"v1.\". Copy the whole link again.";
const DAMAGED: &str = "This link is incomplete or damaged; copy the whole link again, or ask the sender for a new one.";
const BAD_CHARACTERS: &str = "This link is damaged: it contains characters a share link never has. Copy the whole link again, or ask the sender for a new one.";
const BAD_CHECKSUM: &str = "This link is damaged (its checksum does not match); copy the whole link again, or ask the sender for a new one.";

/// Why a link could not be read, as a message a person can act on. The
/// message never repeats text from the link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShareError(pub String);

impl ShareError {
    fn new(message: impl Into<String>) -> Self {
        ShareError(message.into())
    }
}

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl core::error::Error for ShareError {}

/// What a share link carries.
#[derive(Clone, Debug, PartialEq)]
pub struct Shared {
    /// The design, valid and on the link's grids.
    pub design: Design,
    /// Brush strokes in the order they were made.
    pub strokes: Vec<Vec<Dab>>,
    /// The photo as JPEG bytes, when the sender chose to include it.
    pub photo: Option<Vec<u8>>,
}

/// The fragment text (without `#`) for a design, its brush strokes and,
/// only if the person opted in, a small JPEG of the photo.
///
/// Values are rounded as by [`quantize`] and [`quantize_strokes`]. What a
/// link cannot carry is left out rather than making a link that would not
/// open: strokes beyond [`MAX_STROKES`] or [`MAX_DABS`] (the earliest are
/// kept), and a photo over [`MAX_PHOTO_BYTES`] or not starting like a JPEG.
/// A design that fails [`Design::validate`] still encodes, and its link is
/// refused by [`decode`].
pub fn encode(design: &Design, strokes: &[Vec<Dab>], photo: Option<&[u8]>) -> String {
    let mut record = Vec::with_capacity(64);
    put_section(
        &mut record,
        TAG_DESIGN,
        &Fields::from_design(design).bytes(),
    );

    let strokes = normalize_strokes(strokes);
    if !strokes.is_empty() {
        let mut payload = Vec::new();
        write_strokes(&strokes, &mut payload);
        put_section(&mut record, TAG_STROKES, &payload);
    }
    if let Some(photo) = photo.filter(|p| photo_fits(p)) {
        put_section(&mut record, TAG_PHOTO, photo);
    }
    let journey = Journey::from_design(design);
    if journey != Journey::default() {
        put_section(&mut record, TAG_JOURNEY, &journey.bytes());
    }
    let crc = crc16(&record);
    record.extend_from_slice(&crc.to_be_bytes());

    let mut out = String::with_capacity(3 + record.len().div_ceil(3) * 4);
    out.push_str("v1.");
    base64url_encode(&record, &mut out);
    out
}

/// Reads a fragment made by [`encode`]. A leading `#` and surrounding
/// ASCII whitespace are ignored. Anything else that is not exactly a valid link
/// (another version, bad characters, a cut or edited link, values out of
/// range) is an error, never a panic.
pub fn decode(fragment: &str) -> Result<Shared, ShareError> {
    if fragment.len() > MAX_FRAGMENT_CHARS {
        return Err(ShareError::new(text!(
            "This link is too long to be a share link from the simulator (over ",
            MAX_FRAGMENT_CHARS,
            " characters); ask the sender for a new link."
        )));
    }
    // ASCII only: a link is ASCII, and `str::trim`'s Unicode tables cost
    // 0.6 KB of wasm.
    let text = fragment.trim_ascii();
    let text = text.strip_prefix("#").unwrap_or(text);
    if text.is_empty() {
        return Err(ShareError::new(
            "This share link is empty: paste the whole link, including the part after #.",
        ));
    }
    let body = strip_version(text)?;
    let record = base64url_decode(body)?;
    if record.len() < 2 {
        return Err(ShareError::new(DAMAGED));
    }
    let (sections, crc) = record.split_at(record.len() - 2);
    if crc16(sections) != u16::from_be_bytes([crc[0], crc[1]]) {
        return Err(ShareError::new(BAD_CHECKSUM));
    }
    parse_sections(sections)
}

/// The design exactly as a link carries it: `decode(&encode(design, ..))`
/// gives this design back. Idempotent; a valid design stays valid and an
/// invalid one stays invalid. Seed, session, shape and edge are unchanged.
pub fn quantize(design: &Design) -> Design {
    let mut q = Fields::from_design(design).to_design();
    Journey::from_design(design).apply(&mut q);
    q
}

/// The brush strokes exactly as a link carries them (the `strokes` of
/// `decode(&encode(..))`): centres on a 1/8192 grid and moved within -1..2
/// of the photo, radius on a 1/65536-of-the-width grid and under half the
/// width, dabs that cannot paint anything (not finite, radius not positive)
/// dropped, a stroke whose dabs differ in radius or add/erase split where
/// they change, and strokes beyond [`MAX_STROKES`] or [`MAX_DABS`] left out.
/// Idempotent.
pub fn quantize_strokes(strokes: &[Vec<Dab>]) -> Vec<Vec<Dab>> {
    let q = normalize_strokes(strokes);
    let mut out = Vec::with_capacity(q.len());
    for s in &q {
        out.push(s.to_dabs());
    }
    out
}

// ---------------------------------------------------------------------------
// Design fields

/// A value grid: `value = origin + n / steps`.
#[derive(Clone, Copy)]
struct Grid {
    origin: f64,
    steps: f64,
    /// The valid range of the value.
    lo: f64,
    hi: f64,
}

const DENSITY_GRID: Grid = Grid {
    origin: 0.0,
    steps: 2.0,
    lo: DENSITY.min,
    hi: DENSITY.max,
};
const SHADE_GRID: Grid = Grid {
    origin: 0.0,
    steps: 200.0,
    lo: SHADE.min,
    hi: SHADE.max,
};
const DOT_GRID: Grid = Grid {
    origin: 0.0,
    steps: 200.0,
    lo: DOT_MM.min,
    hi: DOT_MM.max,
};
const PX_GRID: Grid = Grid {
    origin: 0.0,
    steps: 100.0,
    lo: PX_PER_CM.min,
    hi: PX_PER_CM.max,
};
const COORD_GRID: Grid = Grid {
    origin: ON_PHOTO.0,
    steps: 8192.0,
    lo: ON_PHOTO.0,
    hi: ON_PHOTO.1,
};

impl Grid {
    fn value(self, n: u16) -> f64 {
        self.at(n as f64)
    }

    fn at(self, n: f64) -> f64 {
        self.origin + n / self.steps
    }

    /// The first and last step whose value is within range.
    fn bounds(self) -> (f64, f64) {
        let mut first = ((self.lo - self.origin) * self.steps).ceil();
        if self.at(first - 1.0) >= self.lo {
            first -= 1.0;
        }
        if self.at(first) < self.lo {
            first += 1.0;
        }
        let mut last = ((self.hi - self.origin) * self.steps).floor();
        if self.at(last + 1.0) <= self.hi {
            last += 1.0;
        }
        if self.at(last) > self.hi {
            last -= 1.0;
        }
        (first, last)
    }

    /// The nearest step, keeping a value in range in range and a value out
    /// of range out of it; `u16::MAX` (out of range on every grid) for what
    /// cannot be written, NaN included.
    fn step(self, x: f64) -> u16 {
        if x.is_nan() {
            return u16::MAX;
        }
        let (first, last) = self.bounds();
        let n = ((x - self.origin) * self.steps).round();
        let n = if x < self.lo {
            n.min(first - 1.0)
        } else if x > self.hi {
            n.max(last + 1.0)
        } else {
            clamp(n, first, last)
        };
        if (0.0..=u16::MAX as f64).contains(&n) {
            n as u16
        } else {
            u16::MAX
        }
    }
}

/// The design section, value by value.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Fields {
    density: u16,
    shade: u16,
    dot_mm: u16,
    px_per_cm: u16,
    session: u8,
    shape: Shape,
    edge: Edge,
    seed: u64,
    /// Left, middle, right handle and glabella, each x then y.
    coords: [u16; 8],
}

impl Fields {
    fn from_design(d: &Design) -> Fields {
        let [l, m, r] = d.hairline.handles;
        let points = [l, m, r, d.glabella];
        let mut coords = [0u16; 8];
        for (i, p) in points.iter().enumerate() {
            coords[2 * i] = COORD_GRID.step(p.x);
            coords[2 * i + 1] = COORD_GRID.step(p.y);
        }
        // Rounding is monotonic, so the handles' order can only collapse to
        // a tie (handles closer than a step); pull them apart again.
        let on = |x: f64| (ON_PHOTO.0..=ON_PHOTO.1).contains(&x);
        if on(l.x) && on(m.x) && on(r.x) && l.x < m.x && m.x < r.x {
            let last = COORD_GRID.bounds().1 as u16;
            let mut n = [coords[0], coords[2], coords[4]];
            n[1] = n[1].max(n[0] + 1);
            n[2] = n[2].max(n[1] + 1);
            if n[2] > last {
                n[2] = last;
                n[1] = n[1].min(n[2] - 1);
                n[0] = n[0].min(n[1] - 1);
            }
            [coords[0], coords[2], coords[4]] = n;
        }
        Fields {
            density: DENSITY_GRID.step(d.density),
            shade: SHADE_GRID.step(d.shade),
            dot_mm: DOT_GRID.step(d.dot_mm),
            px_per_cm: PX_GRID.step(d.px_per_cm),
            session: d.session,
            shape: d.hairline.shape,
            edge: d.edge,
            seed: d.seed,
            coords,
        }
    }

    fn to_design(self) -> Design {
        let point = |i: usize| RelPoint {
            x: COORD_GRID.value(self.coords[2 * i]),
            y: COORD_GRID.value(self.coords[2 * i + 1]),
        };
        Design {
            density: DENSITY_GRID.value(self.density),
            shade: SHADE_GRID.value(self.shade),
            dot_mm: DOT_GRID.value(self.dot_mm),
            hairline: Hairline {
                shape: self.shape,
                handles: [point(0), point(1), point(2)],
            },
            edge: self.edge,
            seed: self.seed,
            px_per_cm: PX_GRID.value(self.px_per_cm),
            glabella: point(3),
            session: self.session,
            months: crate::design::MONTHS.default,
            thinning: false,
            temple_half_cm: crate::design::TEMPLE_HALF_CM.default,
        }
    }

    fn bytes(&self) -> [u8; DESIGN_LEN] {
        let mut p = [0u8; DESIGN_LEN];
        let mut put = |at: usize, bytes: &[u8]| {
            for (i, &b) in bytes.iter().enumerate() {
                p[at + i] = b;
            }
        };
        let values = [self.density, self.shade, self.dot_mm, self.px_per_cm];
        for (i, v) in values.into_iter().enumerate() {
            put(2 * i, &v.to_le_bytes());
        }
        let shape = match self.shape {
            Shape::Classic => 0,
            Shape::Rounded => 1,
            Shape::Mature => 2,
        };
        let edge = match self.edge {
            Edge::Soft => 0,
            Edge::Defined => 1,
        };
        put(8, &[self.session, shape, edge]);
        put(11, &self.seed.to_le_bytes());
        for (i, c) in self.coords.into_iter().enumerate() {
            put(19 + 2 * i, &c.to_le_bytes());
        }
        p
    }

    fn read(payload: &[u8]) -> Result<Fields, ShareError> {
        let p: &[u8; DESIGN_LEN] = payload.try_into().map_err(|_| Damaged)?;
        let u16_at = |i: usize| u16::from_le_bytes([p[i], p[i + 1]]);
        let shape = match p[9] {
            0 => Shape::Classic,
            1 => Shape::Rounded,
            2 => Shape::Mature,
            _ => return Err(ShareError::new(NEWER)),
        };
        let edge = match p[10] {
            0 => Edge::Soft,
            1 => Edge::Defined,
            _ => return Err(ShareError::new(NEWER)),
        };
        let mut seed = [0u8; 8];
        seed.copy_from_slice(&p[11..19]);
        let mut coords = [0u16; 8];
        for (i, c) in coords.iter_mut().enumerate() {
            *c = u16_at(19 + 2 * i);
        }
        Ok(Fields {
            density: u16_at(0),
            shade: u16_at(2),
            dot_mm: u16_at(4),
            px_per_cm: u16_at(6),
            session: p[8],
            shape,
            edge,
            seed: u64::from_le_bytes(seed),
            coords,
        })
    }
}

// ---------------------------------------------------------------------------
// Strokes

/// A stroke on the link's grids.
struct QStroke {
    add: bool,
    scar: bool,
    radius: u16,
    /// Centres in 1/8192 steps.
    points: Vec<(i64, i64)>,
}

impl QStroke {
    fn to_dabs(&self) -> Vec<Dab> {
        let radius = self.radius as f64 / RADIUS_STEPS;
        let mut dabs = Vec::with_capacity(self.points.len());
        for &(x, y) in &self.points {
            dabs.push(Dab {
                x: x as f64 / DAB_STEPS,
                y: y as f64 / DAB_STEPS,
                radius,
                add: self.add,
                scar: self.scar,
            });
        }
        dabs
    }
}

fn dab_step(v: f64) -> i64 {
    clamp((v * DAB_STEPS).round(), DAB_MIN as f64, DAB_MAX as f64) as i64
}

fn normalize_strokes(strokes: &[Vec<Dab>]) -> Vec<QStroke> {
    let mut out: Vec<QStroke> = Vec::new();
    let mut total = 0;
    for stroke in strokes {
        // This stroke's runs go on the end of `out`, then the caps are
        // checked run by run.
        let first = out.len();
        for d in stroke {
            if !(d.x.is_finite() && d.y.is_finite() && d.radius.is_finite() && d.radius > 0.0) {
                continue;
            }
            let radius = clamp((d.radius * RADIUS_STEPS).round(), 1.0, MAX_RADIUS as f64) as u16;
            let point = (dab_step(d.x), dab_step(d.y));
            // A scar's `add` means nothing: always true, one canonical form.
            let add = d.add || d.scar;
            match out[first..].last_mut() {
                Some(run) if run.add == add && run.scar == d.scar && run.radius == radius => {
                    run.points.push(point)
                }
                _ => out.push(QStroke {
                    add,
                    scar: d.scar,
                    radius,
                    points: vec![point],
                }),
            }
        }
        for i in first..out.len() {
            let n = out[i].points.len();
            if i == MAX_STROKES || total + n > MAX_DABS {
                out.truncate(i);
                return out;
            }
            total += n;
        }
    }
    out
}

fn write_strokes(strokes: &[QStroke], out: &mut Vec<u8>) {
    put_varint(out, strokes.len() as u32);
    for s in strokes {
        out.push(s.add as u8 | (s.scar as u8) << 1);
        out.extend_from_slice(&s.radius.to_le_bytes());
        put_varint(out, s.points.len() as u32);
        let mut prev = (0i64, 0i64);
        for &p in &s.points {
            put_varint(out, zigzag(p.0 - prev.0));
            put_varint(out, zigzag(p.1 - prev.1));
            prev = p;
        }
    }
}

fn read_strokes(payload: &[u8]) -> Result<Vec<Vec<Dab>>, ShareError> {
    let mut r = Reader::new(payload);
    let count = r.varint()? as usize;
    if count > MAX_STROKES {
        return Err(ShareError::new(text!(
            "This link has more than ",
            MAX_STROKES,
            " brush strokes, more than the simulator makes; ask the sender for a new link."
        )));
    }
    // Each stroke takes at least 4 bytes: flags, radius, a dab count.
    if count == 0 || count * 4 > r.remaining() {
        return Err(ShareError::new(DAMAGED));
    }
    let mut strokes = Vec::with_capacity(count);
    let mut total = 0usize;
    for _ in 0..count {
        let (add, scar) = match r.u8()? {
            0 => (false, false),
            1 => (true, false),
            3 => (true, true),
            _ => return Err(ShareError::new(DAMAGED)),
        };
        let radius = r.u16()?;
        if radius == 0 || radius > MAX_RADIUS {
            return Err(ShareError::new(
                "A brush size in this link is out of range; ask the sender for a new link.",
            ));
        }
        let n = r.varint()? as usize;
        if n > MAX_DABS - total {
            return Err(ShareError::new(text!(
                "This link has more than ",
                MAX_DABS,
                " brush dabs, more than the simulator makes; ask the sender for a new link."
            )));
        }
        total += n;
        // Each dab takes at least 2 bytes.
        if n == 0 || n * 2 > r.remaining() {
            return Err(ShareError::new(DAMAGED));
        }
        let mut points = Vec::with_capacity(n);
        let (mut x, mut y) = (0i64, 0i64);
        for _ in 0..n {
            x += unzigzag(r.varint()?);
            y += unzigzag(r.varint()?);
            if !((DAB_MIN..=DAB_MAX).contains(&x) && (DAB_MIN..=DAB_MAX).contains(&y)) {
                return Err(ShareError::new(
                    "A brush stroke in this link is far off the photo; ask the sender for a new link.",
                ));
            }
            points.push((x, y));
        }
        strokes.push(
            QStroke {
                add,
                scar,
                radius,
                points,
            }
            .to_dabs(),
        );
    }
    r.finish()?;
    Ok(strokes)
}

fn zigzag(v: i64) -> u32 {
    ((v << 1) ^ (v >> 63)) as u32
}

fn unzigzag(v: u32) -> i64 {
    (v >> 1) as i64 ^ -((v & 1) as i64)
}

// ---------------------------------------------------------------------------
// Record

fn photo_fits(photo: &[u8]) -> bool {
    photo.len() <= MAX_PHOTO_BYTES && photo.starts_with(&JPEG_MAGIC)
}

fn put_section(out: &mut Vec<u8>, tag: u8, payload: &[u8]) {
    out.push(tag);
    put_varint(out, payload.len() as u32);
    out.extend_from_slice(payload);
}

/// Returns the base64 text after a `v1.` prefix.
fn strip_version(text: &str) -> Result<&str, ShareError> {
    if let Some(body) = text.strip_prefix("v1.") {
        return Ok(body);
    }
    // Bytes, not `str`: slicing a `str` could panic with a message that
    // brings `core::fmt`'s char escaping and Unicode tables into the wasm.
    let rest = text.strip_prefix("v").unwrap_or("").as_bytes();
    let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    let version = rest.get(..digits).unwrap_or_default();
    // Any other number without a leading zero is a later version.
    if !version.is_empty() && version[0] != b'0' && version != b"1" {
        Err(ShareError::new(NEWER))
    } else {
        Err(ShareError::new(NOT_A_LINK))
    }
}

fn parse_sections(bytes: &[u8]) -> Result<Shared, ShareError> {
    let mut r = Reader::new(bytes);
    let mut last_tag: Option<u8> = None;
    let mut design = None;
    let mut journey = Journey::default();
    let mut strokes = Vec::new();
    let mut photo = None;
    while r.remaining() > 0 {
        let tag = r.u8()?;
        if last_tag.is_some_and(|t| tag <= t) {
            return Err(ShareError::new(DAMAGED));
        }
        last_tag = Some(tag);
        let len = r.varint()? as usize;
        let payload = r.take(len)?;
        match tag {
            TAG_DESIGN => design = Some(Fields::read(payload)?.to_design()),
            TAG_STROKES => strokes = read_strokes(payload)?,
            TAG_JOURNEY => journey = Journey::read(payload)?,
            TAG_PHOTO => {
                if payload.len() > MAX_PHOTO_BYTES {
                    return Err(ShareError::new(text!(
                        "The photo in this link is larger than ",
                        MAX_PHOTO_BYTES / 1024,
                        " KB; ask the sender for a new link."
                    )));
                }
                if !payload.starts_with(&JPEG_MAGIC) {
                    return Err(ShareError::new(
                        "The photo in this link is not a JPEG image; ask the sender for a new link.",
                    ));
                }
                photo = Some(payload.to_vec());
            }
            t if t >= FIRST_OPTIONAL_TAG => {}
            _ => return Err(ShareError::new(NEWER)),
        }
    }
    let mut design = design.ok_or_else(|| ShareError::new(DAMAGED))?;
    journey.apply(&mut design);
    design.validate().map_err(|e| {
        ShareError::new(text!(
            "This link holds a setting the simulator does not accept: ",
            e.0,
            " Ask the sender for a new link."
        ))
    })?;
    Ok(Shared {
        design,
        strokes,
        photo,
    })
}

/// A link cut short or holding a malformed value: [`DAMAGED`]. The
/// [`Reader`]'s error, a unit so that its results stay as small as an
/// `Option`; `?` turns it into the [`ShareError`].
#[derive(Debug)]
struct Damaged;

impl From<Damaged> for ShareError {
    fn from(_: Damaged) -> Self {
        ShareError::new(DAMAGED)
    }
}

/// Bounds-checked reading; running out is a damaged link.
struct Reader<'a> {
    /// The bytes not read yet.
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Reader { rest: bytes }
    }

    fn remaining(&self) -> usize {
        self.rest.len()
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], Damaged> {
        let (s, rest) = self.rest.split_at_checked(n).ok_or(Damaged)?;
        self.rest = rest;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8, Damaged> {
        let &[b] = self.take(1)? else {
            return Err(Damaged);
        };
        Ok(b)
    }

    fn u16(&mut self) -> Result<u16, Damaged> {
        let &[a, b] = self.take(2)? else {
            return Err(Damaged);
        };
        Ok(u16::from_le_bytes([a, b]))
    }

    /// Unsigned LEB128, at most 32 bits, shortest form only.
    fn varint(&mut self) -> Result<u32, Damaged> {
        let mut v: u64 = 0;
        for i in 0..5 {
            let b = self.u8()?;
            v |= ((b & 0x7F) as u64) << (7 * i);
            if b & 0x80 == 0 {
                if (i > 0 && b == 0) || v > u32::MAX as u64 {
                    return Err(Damaged);
                }
                return Ok(v as u32);
            }
        }
        Err(Damaged)
    }

    fn finish(&self) -> Result<(), Damaged> {
        if self.remaining() == 0 {
            Ok(())
        } else {
            Err(Damaged)
        }
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7F) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF, no reflection,
/// no final xor. Catches every error burst of up to 16 bits, so every
/// single changed character.
fn crc16(bytes: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for &b in bytes {
        crc ^= (b as u16) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

// ---------------------------------------------------------------------------
// base64url without padding (RFC 4648 §5)

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64url_encode(bytes: &[u8], out: &mut String) {
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
}

fn sextet(c: u8) -> Option<u32> {
    Some(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    } as u32)
}

/// Strict: only the alphabet, no padding, a possible length, and unused
/// bits of the last character zero (so each byte string has one text).
fn base64url_decode(text: &str) -> Result<Vec<u8>, ShareError> {
    let text = text.as_bytes();
    if !text.iter().all(|&c| sextet(c).is_some()) {
        return Err(ShareError::new(BAD_CHARACTERS));
    }
    if text.len() % 4 == 1 {
        return Err(ShareError::new(DAMAGED));
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    for chunk in text.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= sextet(c).unwrap_or(0) << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        let used = chunk.len() - 1;
        // The bits past the last whole byte must be zero.
        if used < 3 && n & (0xFF_FFFF >> (8 * used)) != 0 {
            return Err(ShareError::new(DAMAGED));
        }
        out.extend_from_slice(&bytes[1..1 + used]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_the_published_check_value() {
        assert_eq!(crc16(b"123456789"), 0x29B1);
    }

    #[test]
    fn base64url_matches_rfc_4648_vectors() {
        let cases: [(&[u8], &str); 8] = [
            (b"", ""),
            (b"f", "Zg"),
            (b"fo", "Zm8"),
            (b"foo", "Zm9v"),
            (b"foob", "Zm9vYg"),
            (b"fooba", "Zm9vYmE"),
            (b"foobar", "Zm9vYmFy"),
            (&[0xFB, 0xFF, 0xBF], "-_-_"),
        ];
        for (bytes, text) in cases {
            let mut s = String::new();
            base64url_encode(bytes, &mut s);
            assert_eq!(s, text);
            assert_eq!(base64url_decode(text).unwrap(), bytes);
        }
        assert!(base64url_decode("Zh").is_err(), "non-zero unused bits");
        assert!(base64url_decode("Zm9vY").is_err(), "impossible length");
        assert!(base64url_decode("Zg==").is_err(), "padding");
    }

    #[test]
    fn varints_are_shortest_form_and_32_bit() {
        for v in [0u32, 1, 127, 128, 300, 16383, 16384, u32::MAX] {
            let mut out = Vec::new();
            put_varint(&mut out, v);
            let mut r = Reader::new(&out);
            assert_eq!(r.varint().unwrap(), v);
            assert_eq!(r.remaining(), 0);
        }
        assert!(Reader::new(&[0x80, 0x00]).varint().is_err());
        assert!(Reader::new(&[0xFF, 0xFF, 0xFF, 0xFF, 0x1F])
            .varint()
            .is_err());
        assert!(Reader::new(&[0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
            .varint()
            .is_err());
        for v in [0i64, -1, 1, -8192, 16384, 24576, -24576] {
            assert_eq!(unzigzag(zigzag(v)), v);
        }
    }

    #[test]
    fn grid_bounds_are_the_range_ends() {
        assert_eq!(DENSITY_GRID.bounds(), (40.0, 200.0));
        assert_eq!(SHADE_GRID.bounds(), (40.0, 200.0));
        assert_eq!(DOT_GRID.bounds(), (30.0, 180.0));
        assert_eq!(PX_GRID.bounds(), (400.0, 40000.0));
        assert_eq!(COORD_GRID.bounds(), (0.0, 16384.0));
    }
}
