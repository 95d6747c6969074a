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
//! |        | u8, thinning (bit 0) and view   | its default (1 month, no     |
//! |        | (bits 1-3: front, top, left,    | thinning, front view,        |
//! |        | right, back) u8, temple half-   | 4.6 cm)                      |
//! |        | width u16 in 0.01 cm            |                              |
//! | `0x80` | photo id: u32, the sender's     | optional; the app writes it  |
//! |        | working photo's `Rgba::id`      | only without the photo       |
//! | `0x81` | models' answers (below)         | optional; only when the      |
//! |        |                                 | preview used the models      |
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
//! The models' answers section (`crate::outline`) is what the on-device
//! models decided about the sender's photo, so a receiver without the
//! models (blocked, an old browser, a desktop), or whose models answer a
//! few pixels differently, rebuilds the sender's preview: the face
//! detector's score byte (0: no face; else `1 + round(254 * score)`) and
//! with a face its six keypoints (x, y), then the centres of the person's
//! first and last rows (y, y), then the person's left and right edges (x,
//! x) at 2 to 96 evenly spaced heights between them. Each pair is 3 bytes,
//! a 24-bit little-endian number holding the first (low 12 bits) and the
//! second (high 12) as `-0.5 + n * 2 / 4095` of the photo's width or
//! height. It is optional (`0x81`, not the `0x05` first proposed) because a
//! decoder that predates it still gives a preview without it, the classical
//! one; a malformed one is a damaged link. It costs at most 313 bytes,
//! about 418 characters.
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

use crate::num::clamp;
use std::fmt;

use crate::design::{Design, Edge, Hairline, RelPoint, Shape, DENSITY, DOT_MM, PX_PER_CM, SHADE};
use crate::outline::Outline;
use crate::scalp::Dab;
use crate::view::View;

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
/// The sender's photo id: optional (older decoders skip it), so links made
/// before it existed and after both open everywhere.
const TAG_PHOTO_ID: u8 = 0x80;
/// The models' answers (`crate::outline`): optional, as the photo id.
const TAG_OUTLINE: u8 = 0x81;
/// Tags from here up are optional: skipped when unknown.
const FIRST_OPTIONAL_TAG: u8 = 0x80;
const DESIGN_LEN: usize = 35;
/// The journey section's payload: months since treatment `u8`, thinning
/// `u8` (0 or 1), temple half-width `u16` in 0.01 cm.
type Journey = [u8; 4];
/// The journey of a default design (1 month, no thinning, 4.6 cm), which a
/// link leaves out.
const DEFAULT_JOURNEY: Journey = [1, 0, 0xCC, 0x01];
const JPEG_MAGIC: [u8; 3] = [0xFF, 0xD8, 0xFF];

/// Dab centres in grid steps of 1/8192: -1..2 of the photo.
const DAB_MIN: i64 = -8192;
const DAB_MAX: i64 = 16384;
const DAB_STEPS: f64 = 8192.0;
/// Dab radius in 1/65536 of the width; the largest is under half the width.
const RADIUS_STEPS: f64 = 65536.0;
const MAX_RADIUS: u16 = 32767;

// The number in the message is the cap above (a unit test checks).
const TOO_LONG: &str = "This link is too long to be a share link from the simulator (over 655360 characters); ask the sender for a new link.";
const EMPTY: &str = "This share link is empty: paste the whole link, including the part after #.";
const NEWER: &str = "This link was made by a newer version of the simulator; ask for a new link or update the page.";
const NOT_A_LINK: &str =
    "This is not a share link from the simulator: the text after # should start with \"v1.\". Copy the whole link again.";
const DAMAGED: &str = "This link is incomplete or damaged; copy the whole link again, or ask the sender for a new one.";
const BAD_CHARACTERS: &str = "This link is damaged: it contains characters a share link never has. Copy the whole link again, or ask the sender for a new one.";
const BAD_CHECKSUM: &str = "This link is damaged (its checksum does not match); copy the whole link again, or ask the sender for a new one.";
/// Brush strokes or a photo a link made by the simulator never holds:
/// more strokes or dabs than the caps, a brush size out of range, a dab off
/// the photo, a photo over the cap or not a JPEG.
const BEYOND: &str = "This link holds brush strokes or a photo beyond what the simulator makes; ask the sender for a new link.";

/// Why a link could not be read, as a message a person can act on. The
/// message never repeats text from the link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShareError(pub String);

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ShareError {}

/// What a share link carries.
#[derive(Clone, Debug, PartialEq)]
pub struct Shared {
    /// The design, valid and on the link's grids.
    pub design: Design,
    /// Brush strokes in the order they were made.
    pub strokes: Vec<Vec<Dab>>,
    /// The photo as JPEG bytes, when the sender chose to include it.
    pub photo: Option<Vec<u8>>,
    /// The id ([`crate::photo::Rgba::id`]) of the photo the link was made
    /// on, when the link does not carry the photo itself: the receiver's
    /// own photo with this id is that photo, and the brush edits apply.
    pub photo_id: Option<u32>,
    /// What the sender's on-device models decided about the photo, when
    /// the sender's preview used them: [`crate::preview::Preview::from_outline`]
    /// rebuilds the sender's preview from it.
    pub outline: Option<Outline>,
}

/// The fragment text (without `#`) for a design, its brush strokes and,
/// only if the person opted in, a small JPEG of the photo, and the id of the
/// photo it was made on (`photo_id`), when given.
///
/// Values are rounded as by [`quantize`] and [`quantize_strokes`]. What a
/// link cannot carry is left out rather than making a link that would not
/// open: strokes beyond [`MAX_STROKES`] or [`MAX_DABS`] (the earliest are
/// kept), and a photo over [`MAX_PHOTO_BYTES`] or not starting like a JPEG.
/// A design that fails [`Design::validate`] still encodes, and its link is
/// refused by [`decode`]. `outline` is what the on-device models decided
/// about the photo (see [`Outline`]), when the sender's preview used them.
pub fn encode(
    design: &Design,
    strokes: &[Vec<Dab>],
    photo: Option<&[u8]>,
    photo_id: Option<u32>,
    outline: Option<&Outline>,
) -> String {
    let mut record = record(design, strokes, photo, photo_id);
    if let Some(o) = outline {
        put_section(&mut record, TAG_OUTLINE, &o.to_bytes());
    }
    seal(&mut record)
}

/// The sections of a link up to the photo id.
fn record(
    design: &Design,
    strokes: &[Vec<Dab>],
    photo: Option<&[u8]>,
    photo_id: Option<u32>,
) -> Vec<u8> {
    let (fields, journey) = design_bytes(design);
    let mut record = Vec::new();
    put_section(&mut record, TAG_DESIGN, &fields);

    // The quantized strokes are on the link's grids, so scaling them back
    // to steps is exact.
    let strokes = quantize_strokes(strokes);
    if !strokes.is_empty() {
        let mut p = Vec::new();
        put_varint(&mut p, strokes.len() as u32);
        for s in &strokes {
            let Some(d) = s.first() else { continue };
            p.push(d.add as u8 | (d.scar as u8) << 1);
            p.extend_from_slice(&((d.radius * RADIUS_STEPS) as u16).to_le_bytes());
            put_varint(&mut p, s.len() as u32);
            let mut prev = [0i64; 2];
            for d in s {
                for (prev, v) in prev.iter_mut().zip([d.x, d.y]) {
                    let v = (v * DAB_STEPS) as i64;
                    put_varint(&mut p, zigzag(v - *prev));
                    *prev = v;
                }
            }
        }
        put_section(&mut record, TAG_STROKES, &p);
    }
    let photo = photo.filter(|p| p.len() <= MAX_PHOTO_BYTES && p.starts_with(&JPEG_MAGIC));
    if let Some(photo) = photo {
        put_section(&mut record, TAG_PHOTO, photo);
    }
    if journey != DEFAULT_JOURNEY {
        put_section(&mut record, TAG_JOURNEY, &journey);
    }
    if let Some(id) = photo_id {
        put_section(&mut record, TAG_PHOTO_ID, &id.to_le_bytes());
    }
    record
}

/// The fragment of `record`: its checksum appended, in base64url.
fn seal(record: &mut Vec<u8>) -> String {
    let crc = crc16(record);
    record.extend_from_slice(&crc.to_be_bytes());

    let mut out = String::new();
    out.push_str("v1.");
    base64url_encode(record, &mut out);
    out
}

/// Reads a fragment made by [`encode`]. A leading `#` and surrounding
/// ASCII whitespace are ignored. Anything else that is not exactly a valid link
/// (another version, bad characters, a cut or edited link, values out of
/// range) is an error, never a panic.
pub fn decode(fragment: &str) -> Result<Shared, ShareError> {
    let shared = read(fragment.as_bytes()).map_err(|m| ShareError(m.into()))?;
    shared.design.validate().map_err(|e| {
        ShareError(format!(
            "This link holds a setting the simulator does not accept: {} Ask the sender for a new link.",
            e.0
        ))
    })?;
    Ok(shared)
}

/// The design exactly as a link carries it: `decode(&encode(design, ..))`
/// gives this design back. Idempotent; a valid design stays valid and an
/// invalid one stays invalid. Seed, session, shape and edge are unchanged.
pub fn quantize(design: &Design) -> Design {
    let (fields, journey) = design_bytes(design);
    design_from(&fields, &journey)
}

/// The brush strokes exactly as a link carries them (the `strokes` of
/// `decode(&encode(..))`): centres on a 1/8192 grid and moved within -1..2
/// of the photo, radius on a 1/65536-of-the-width grid and under half the
/// width, dabs that cannot paint anything (not finite, radius not positive)
/// dropped, a stroke whose dabs differ in radius or add/erase split where
/// they change, and strokes beyond [`MAX_STROKES`] or [`MAX_DABS`] left out.
/// Idempotent.
pub fn quantize_strokes(strokes: &[Vec<Dab>]) -> Vec<Vec<Dab>> {
    let mut out: Vec<Vec<Dab>> = Vec::new();
    let mut total = 0;
    for stroke in strokes {
        // This stroke's runs go on the end of `out`, then the caps are
        // checked run by run.
        let first = out.len();
        for d in stroke {
            if !(d.x.is_finite() && d.y.is_finite() && d.radius.is_finite() && d.radius > 0.0) {
                continue;
            }
            let step = |v: f64| {
                round_within(v * DAB_STEPS, DAB_MIN as f64, DAB_MAX as f64) as i64 as f64
                    / DAB_STEPS
            };
            let q = Dab {
                x: step(d.x),
                y: step(d.y),
                radius: round_within(d.radius * RADIUS_STEPS, 1.0, MAX_RADIUS as f64)
                    / RADIUS_STEPS,
                // A scar's `add` means nothing: always true, one canonical form.
                add: d.add || d.scar,
                scar: d.scar,
            };
            let runs = out.len();
            match out.last_mut() {
                Some(run)
                    if runs > first
                        && run.last().is_some_and(|d| {
                            (d.add, d.scar, d.radius) == (q.add, q.scar, q.radius)
                        }) =>
                {
                    run.push(q)
                }
                _ => out.push(vec![q]),
            }
        }
        let mut keep = out.len();
        for (i, run) in out.iter().enumerate().skip(first) {
            if i == MAX_STROKES || total + run.len() > MAX_DABS {
                keep = i;
                break;
            }
            total += run.len();
        }
        if keep < out.len() {
            out.truncate(keep);
            return out;
        }
    }
    out
}

/// `x` (finite) rounded and limited to `lo..=hi`.
fn round_within(x: f64, lo: f64, hi: f64) -> f64 {
    clamp(x.round(), lo, hi)
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
    /// The first and last step whose value is within range (a unit test
    /// checks them against `bounds`).
    first: f64,
    last: f64,
}

/// The grids of density, shade, dot size, photo scale and the handles'
/// coordinates, in the order of [`design_bytes`]'s values.
const GRIDS: [Grid; 5] = [
    Grid {
        origin: 0.0,
        steps: 2.0,
        lo: DENSITY.min,
        hi: DENSITY.max,
        first: 40.0,
        last: 200.0,
    },
    Grid {
        origin: 0.0,
        steps: 200.0,
        lo: SHADE.min,
        hi: SHADE.max,
        first: 40.0,
        last: 200.0,
    },
    Grid {
        origin: 0.0,
        steps: 200.0,
        lo: DOT_MM.min,
        hi: DOT_MM.max,
        first: 30.0,
        last: 180.0,
    },
    Grid {
        origin: 0.0,
        steps: 100.0,
        lo: PX_PER_CM.min,
        hi: PX_PER_CM.max,
        first: 400.0,
        last: 40000.0,
    },
    COORD_GRID,
];
/// Handles and glabella: `-0.5 + n / 8192`, the range [`Design::validate`]
/// allows.
const COORD_GRID: Grid = Grid {
    origin: -0.5,
    steps: 8192.0,
    lo: -0.5,
    hi: 1.5,
    first: 0.0,
    last: 16384.0,
};

impl Grid {
    fn at(self, n: f64) -> f64 {
        self.origin + n / self.steps
    }

    /// The first and last step whose value is within range.
    #[cfg(test)]
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
    #[inline(never)]
    fn step(self, x: f64) -> u16 {
        if x.is_nan() {
            return u16::MAX;
        }
        let (first, last) = (self.first, self.last);
        let n = ((x - self.origin) * self.steps).round();
        let n = if x < self.lo {
            n.min(first - 1.0)
        } else if x > self.hi {
            n.max(last + 1.0)
        } else {
            clamp(n, first, last)
        };
        // `as` saturates: past the top is `u16::MAX` too.
        if n >= 0.0 {
            n as u16
        } else {
            u16::MAX
        }
    }
}

/// Where [`design_bytes`]'s `u16` values sit: density, shade, dot size,
/// photo scale, then the left, middle and right handle and the glabella,
/// each `x, y`.
const U16_AT: [usize; 12] = [0, 2, 4, 6, 19, 21, 23, 25, 27, 29, 31, 33];

/// The design section's payload then the journey section's, each value
/// rounded to its grid. Out-of-range values stay out of range (or saturate)
/// and are refused by validation.
fn design_bytes(d: &Design) -> ([u8; DESIGN_LEN], Journey) {
    let [l, m, r] = d.hairline.handles;
    let g = d.glabella;
    let values = [
        d.density,
        d.shade,
        d.dot_mm,
        d.px_per_cm,
        l.x,
        l.y,
        m.x,
        m.y,
        r.x,
        r.y,
        g.x,
        g.y,
    ];
    let mut n: [u16; 12] = std::array::from_fn(|i| GRIDS[i.min(4)].step(values[i]));
    // Rounding is monotonic, so the handles' order can only collapse to
    // a tie (handles closer than a step); pull them apart again.
    let on = |x: f64| (COORD_GRID.lo..=COORD_GRID.hi).contains(&x);
    if on(l.x) && on(m.x) && on(r.x) && l.x < m.x && m.x < r.x {
        let last = COORD_GRID.last as u16;
        n[6] = n[6].max(n[4] + 1);
        n[8] = n[8].max(n[6] + 1);
        if n[8] > last {
            n[8] = last;
            n[6] = n[6].min(n[8] - 1);
            n[4] = n[4].min(n[6] - 1);
        }
    }
    let mut p = [0u8; DESIGN_LEN];
    for (&at, n) in U16_AT.iter().zip(n) {
        [p[at], p[at + 1]] = n.to_le_bytes();
    }
    p[8] = d.session;
    p[9] = d.hairline.shape as u8;
    p[10] = d.edge as u8;
    p[11..19].copy_from_slice(&d.seed.to_le_bytes());
    let months = round_within(d.months, 0.0, 255.0) as u8;
    let [t0, t1] = (round_within(d.temple_half_cm * 100.0, 0.0, 65535.0) as u16).to_le_bytes();
    (p, [months, d.thinning as u8 | (d.view as u8) << 1, t0, t1])
}

/// The design [`design_bytes`] wrote, or a link carries (shape and edge
/// codes already checked).
fn design_from(p: &[u8; DESIGN_LEN], journey: &Journey) -> Design {
    let u16_at = |at: usize| u16::from_le_bytes([p[at], p[at + 1]]) as f64;
    let value = |i: usize| GRIDS[i.min(4)].at(u16_at(U16_AT[i]));
    let point = |i: usize| RelPoint {
        x: value(i),
        y: value(i + 1),
    };
    Design {
        density: value(0),
        shade: value(1),
        dot_mm: value(2),
        hairline: Hairline {
            shape: match p[9] {
                0 => Shape::Classic,
                1 => Shape::Rounded,
                _ => Shape::Mature,
            },
            handles: [point(4), point(6), point(8)],
        },
        edge: if p[10] == 0 {
            Edge::Soft
        } else {
            Edge::Defined
        },
        seed: u64::from_le_bytes(p[11..19].try_into().unwrap()),
        px_per_cm: value(3),
        glabella: point(10),
        session: p[8],
        months: journey[0] as f64,
        thinning: journey[1] & 1 == 1,
        view: View::ALL[(journey[1] >> 1) as usize],
        temple_half_cm: u16::from_le_bytes([journey[2], journey[3]]) as f64 / 100.0,
    }
}

// ---------------------------------------------------------------------------
// Reading

/// [`decode`] up to validation, the error a message.
fn read(fragment: &[u8]) -> Result<Shared, &'static str> {
    if fragment.len() > MAX_FRAGMENT_CHARS {
        return Err(TOO_LONG);
    }
    // ASCII only: a link is ASCII.
    let text = fragment.trim_ascii();
    let text = text.strip_prefix(b"#").unwrap_or(text);
    if text.is_empty() {
        return Err(EMPTY);
    }
    let record = base64url_decode(strip_version(text)?)?;
    let Some((sections, crc)) = record.split_last_chunk::<2>() else {
        return Err(DAMAGED);
    };
    if crc16(sections).to_be_bytes() != *crc {
        return Err(BAD_CHECKSUM);
    }

    let mut r = Reader(sections);
    // The lowest tag the next section may have.
    let mut next_tag = 0u16;
    let mut design: Option<&[u8; DESIGN_LEN]> = None;
    let mut journey = &DEFAULT_JOURNEY;
    let mut strokes = Vec::new();
    let mut photo = None;
    let mut photo_id = None;
    let mut outline = None;
    while !r.0.is_empty() {
        let tag = r.u8()?;
        if (tag as u16) < next_tag {
            return Err(DAMAGED);
        }
        next_tag = tag as u16 + 1;
        let len = r.varint()? as usize;
        let payload = r.take(len)?;
        match tag {
            TAG_DESIGN => {
                let p: &[u8; DESIGN_LEN] = payload.try_into().map_err(|_| DAMAGED)?;
                if p[9] > 2 || p[10] > 1 {
                    return Err(NEWER);
                }
                design = Some(p);
            }
            TAG_STROKES => strokes = read_strokes(payload)?,
            TAG_PHOTO => {
                if len > MAX_PHOTO_BYTES {
                    return Err(BEYOND);
                }
                if !payload.starts_with(&JPEG_MAGIC) {
                    return Err(BEYOND);
                }
                photo = Some(payload.to_vec());
            }
            TAG_JOURNEY => match <&Journey>::try_from(payload) {
                Ok(j @ [_, 0..=9, _, _]) => journey = j,
                _ => return Err(DAMAGED),
            },
            TAG_PHOTO_ID => {
                let id: [u8; 4] = payload.try_into().map_err(|_| DAMAGED)?;
                photo_id = Some(u32::from_le_bytes(id));
            }
            TAG_OUTLINE => outline = Some(Outline::from_bytes(payload).ok_or(DAMAGED)?),
            // An optional section this decoder does not know: skipped.
            _ if tag >= FIRST_OPTIONAL_TAG => {}
            _ => return Err(NEWER),
        }
    }
    let Some(design) = design else {
        return Err(DAMAGED);
    };
    Ok(Shared {
        design: design_from(design, journey),
        strokes,
        photo,
        photo_id,
        outline,
    })
}

/// Returns the base64 text after a `v1.` prefix.
fn strip_version(text: &[u8]) -> Result<&[u8], &'static str> {
    if let Some(body) = text.strip_prefix(b"v1.") {
        return Ok(body);
    }
    // Any other number without a leading zero is a later version.
    let newer = match text {
        [b'v', b'1', rest @ ..] => rest.first().is_some_and(u8::is_ascii_digit),
        [b'v', b'2'..=b'9', ..] => true,
        _ => false,
    };
    Err(if newer { NEWER } else { NOT_A_LINK })
}

fn read_strokes(payload: &[u8]) -> Result<Vec<Vec<Dab>>, &'static str> {
    let mut r = Reader(payload);
    let count = r.varint()? as usize;
    if count > MAX_STROKES {
        return Err(BEYOND);
    }
    // Each stroke takes at least 4 bytes: flags, radius, a dab count.
    if count == 0 || count * 4 > r.0.len() {
        return Err(DAMAGED);
    }
    let mut strokes = Vec::new();
    let mut total = 0usize;
    for _ in 0..count {
        let flags = r.u8()?;
        if !matches!(flags, 0 | 1 | 3) {
            return Err(DAMAGED);
        }
        let radius = r.u16()?;
        if radius == 0 || radius > MAX_RADIUS {
            return Err(BEYOND);
        }
        let n = r.varint()? as usize;
        if n > MAX_DABS - total {
            return Err(BEYOND);
        }
        total += n;
        // Each dab takes at least 2 bytes.
        if n == 0 || n * 2 > r.0.len() {
            return Err(DAMAGED);
        }
        let mut dabs = Vec::new();
        let (mut x, mut y) = (0i64, 0i64);
        for _ in 0..n {
            x += unzigzag(r.varint()?);
            y += unzigzag(r.varint()?);
            if !((DAB_MIN..=DAB_MAX).contains(&x) && (DAB_MIN..=DAB_MAX).contains(&y)) {
                return Err(BEYOND);
            }
            dabs.push(Dab {
                x: x as f64 / DAB_STEPS,
                y: y as f64 / DAB_STEPS,
                radius: radius as f64 / RADIUS_STEPS,
                add: flags != 0,
                scar: flags == 3,
            });
        }
        strokes.push(dabs);
    }
    if !r.0.is_empty() {
        return Err(DAMAGED);
    }
    Ok(strokes)
}

fn zigzag(v: i64) -> u32 {
    ((v << 1) ^ (v >> 63)) as u32
}

fn unzigzag(v: u32) -> i64 {
    (v >> 1) as i64 ^ -((v & 1) as i64)
}

/// A link cut short or holding a malformed value: [`DAMAGED`]. The
/// [`Reader`]'s error, a unit so that its results stay as small as an
/// `Option`; `?` turns it into the message.
#[derive(Debug)]
struct Damaged;

impl From<Damaged> for &'static str {
    fn from(_: Damaged) -> Self {
        DAMAGED
    }
}

/// Bounds-checked reading of the bytes not read yet; running out is a
/// damaged link.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Damaged> {
        let (s, rest) = self.0.split_at_checked(n).ok_or(Damaged)?;
        self.0 = rest;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8, Damaged> {
        let (&b, rest) = self.0.split_first().ok_or(Damaged)?;
        self.0 = rest;
        Ok(b)
    }

    fn u16(&mut self) -> Result<u16, Damaged> {
        Ok(u16::from_le_bytes([self.u8()?, self.u8()?]))
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
}

// ---------------------------------------------------------------------------
// Writing

fn put_section(out: &mut Vec<u8>, tag: u8, payload: &[u8]) {
    out.push(tag);
    put_varint(out, payload.len() as u32);
    out.extend_from_slice(payload);
}

fn put_varint(out: &mut Vec<u8>, mut v: u32) {
    loop {
        let more = v >= 0x80;
        out.push(v as u8 & 0x7F | (more as u8) << 7);
        v >>= 7;
        if !more {
            return;
        }
    }
}

/// CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF, no reflection,
/// no final xor. Catches every error burst of up to 16 bits, so every
/// single changed character.
#[inline(never)]
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
    let (mut bits, mut n) = (0u32, 0);
    for &b in bytes {
        bits = bits << 8 | b as u32;
        n += 8;
        while n >= 6 {
            n -= 6;
            out.push(ALPHABET[(bits >> n & 63) as usize] as char);
        }
    }
    if n > 0 {
        out.push(ALPHABET[(bits << (6 - n) & 63) as usize] as char);
    }
}

/// Strict: only the alphabet, no padding, a possible length, and unused
/// bits of the last character zero (so each byte string has one text).
fn base64url_decode(text: &[u8]) -> Result<Vec<u8>, &'static str> {
    let mut out = Vec::new();
    let (mut bits, mut n) = (0u32, 0);
    for &c in text {
        let v = ALPHABET.iter().position(|&a| a == c);
        bits = bits << 6 | v.ok_or(BAD_CHARACTERS)? as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    // One character past the last whole byte (a length of 4k + 1) cannot
    // be; the bits past the last whole byte must be zero.
    if n == 6 || bits & ((1 << n) - 1) != 0 {
        return Err(DAMAGED);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::{MONTHS, TEMPLE_HALF_CM};

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
            assert_eq!(base64url_decode(text.as_bytes()).unwrap(), bytes);
        }
        assert!(base64url_decode(b"Zh").is_err(), "non-zero unused bits");
        assert!(base64url_decode(b"Zm9vY").is_err(), "impossible length");
        assert!(base64url_decode(b"Zg==").is_err(), "padding");
    }

    #[test]
    fn varints_are_shortest_form_and_32_bit() {
        for v in [0u32, 1, 127, 128, 300, 16383, 16384, u32::MAX] {
            let mut out = Vec::new();
            put_varint(&mut out, v);
            let mut r = Reader(&out);
            assert_eq!(r.varint().unwrap(), v);
            assert!(r.0.is_empty());
        }
        assert!(Reader(&[0x80, 0x00]).varint().is_err());
        assert!(Reader(&[0xFF, 0xFF, 0xFF, 0xFF, 0x1F]).varint().is_err());
        assert!(Reader(&[0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
            .varint()
            .is_err());
        for v in [0i64, -1, 1, -8192, 16384, 24576, -24576] {
            assert_eq!(unzigzag(zigzag(v)), v);
        }
    }

    #[test]
    fn grid_bounds_are_the_range_ends() {
        let bounds = [
            (40.0, 200.0),
            (40.0, 200.0),
            (30.0, 180.0),
            (400.0, 40000.0),
            (0.0, 16384.0),
        ];
        for (grid, bounds) in GRIDS.into_iter().zip(bounds) {
            assert_eq!(grid.bounds(), bounds);
            assert_eq!((grid.first, grid.last), bounds);
        }
    }

    #[test]
    fn the_message_names_the_cap_and_the_default_journey_is_left_out() {
        assert!(TOO_LONG.contains(&format!(" {MAX_FRAGMENT_CHARS} ")));
        let d = Design::for_photo(100, 100, RelPoint { x: 0.5, y: 0.4 }, 32.0);
        assert_eq!((d.months, d.thinning), (MONTHS.default, false));
        assert_eq!(d.temple_half_cm, TEMPLE_HALF_CM.default);
        assert_eq!(design_bytes(&d).1, DEFAULT_JOURNEY);
    }
}
