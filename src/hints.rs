//! What on-device models found in a photo, handed to the engine.
//!
//! In the browser the widget runs MediaPipe's person segmentation and face
//! detection on a person's own photo (benches/models/README.md says why
//! these two) and passes their outputs here; the engine turns them into the
//! head's outline, the eyes and the view. Without them (no model could
//! load, the native CLI) the classical path in [`crate::scalp`] and
//! [`crate::face`] runs instead.

use crate::face::Eyes;
use crate::num::clamp;
use crate::photo::Rgba;
use crate::scalp::Head;
use crate::view::View;

/// A face detection (MediaPipe's BlazeFace short range): its confidence and
/// six keypoints in photo pixels, in the model's order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FaceDetection {
    /// Confidence, 0..1.
    pub score: f64,
    /// Right eye, left eye (the person's), nose tip, mouth, right ear
    /// tragion, left ear tragion.
    pub keypoints: [(f64, f64); 6],
}

/// The lowest score of a frontal face: backs and tops of heads score
/// 0.50-0.65 on the annotated set, real fronts 0.66-0.91.
pub const FRONT_SCORE: f64 = 0.66;
/// The lowest score of a profile (annotated set: 0.60-0.92).
pub const PROFILE_SCORE: f64 = 0.6;
/// Nose tip beyond this share of the crown's radius from the skull's
/// midline: the face is turned side-on. Facing the camera, level or tilted,
/// the nose sits on the midline (annotated set: at most 0.22 radii on
/// fronts, 0.63 on a spurious face at a top view's rim); side-on it stands
/// out near the skull's outline (0.77-1.38 on all 36 profiles). The eyes'
/// own line cannot say this: side-on the two eye keypoints fall on one
/// spot, and a nose offset measured along it flips sign at random.
pub const PROFILE_NOSE: f64 = 0.7;
/// A mask whose upper part is mostly skin-coloured, seen without a face, is
/// a bare crown from above; mostly hair, the back of the head.
const TOP_SKIN_SHARE: f64 = 0.6;

impl FaceDetection {
    /// The nose tip's offset from the skull's midline, in crown radii:
    /// negative when it points to the image's left.
    pub fn nose_offset(&self, head: Head) -> f64 {
        (self.keypoints[2].0 - head.cx) / head.radius.max(1.0)
    }

    /// The profile this face shows, if it is confident and turned side-on:
    /// the nose toward the image's left is the person's left side.
    pub fn profile(&self, head: Head) -> Option<View> {
        let nose = self.nose_offset(head);
        (self.score >= PROFILE_SCORE && nose.abs() > PROFILE_NOSE).then_some(if nose < 0.0 {
            View::Left
        } else {
            View::Right
        })
    }

    /// The eyes, when this is a confident face turned to the camera.
    pub fn frontal_eyes(&self, head: Head) -> Option<Eyes> {
        if self.score < FRONT_SCORE || self.profile(head).is_some() {
            return None;
        }
        let [a, b, ..] = self.keypoints;
        let (left, right) = if a.0 <= b.0 { (a, b) } else { (b, a) };
        Some(Eyes { left, right })
    }
}

/// The models' outputs for one photo.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Hints {
    /// Person segmentation, one confidence byte (0..=255) per photo pixel;
    /// empty when the model did not run.
    pub person: Vec<u8>,
    /// The most confident face, if any was found.
    pub face: Option<FaceDetection>,
}

impl Hints {
    /// Reads the binding's flat form: `person` is empty or one byte per
    /// pixel; `face` is empty or the score then six `x, y` keypoints.
    pub fn from_flat(
        width: u32,
        height: u32,
        person: Vec<u8>,
        face: &[f64],
    ) -> Result<Hints, String> {
        if !person.is_empty() && person.len() != width as usize * height as usize {
            return Err(format!(
                "The person mask has {} values for a {width} x {height} photo.",
                person.len()
            ));
        }
        let face = match face {
            [] => None,
            [score, k @ ..] if k.len() == 12 && face.iter().all(|v| v.is_finite()) => {
                let mut keypoints = [(0.0, 0.0); 6];
                for (p, xy) in keypoints.iter_mut().zip(k.chunks_exact(2)) {
                    *p = (xy[0], xy[1]);
                }
                Some(FaceDetection {
                    score: *score,
                    keypoints,
                })
            }
            _ => return Err(String::from("A face needs a score and six x, y keypoints.")),
        };
        Ok(Hints { person, face })
    }

    /// Whether the person segmentation ran.
    pub fn has_person(&self) -> bool {
        !self.person.is_empty()
    }

    /// The view the models point to, on the `head` found in the person
    /// mask: a confident face gives a profile where its nose stands out
    /// beside the skull, else front; without one, a mostly skin-coloured
    /// crown is seen from the top, else from the back. `None` without any
    /// model output.
    pub fn view(&self, photo: &Rgba, head: Head) -> Option<View> {
        if let Some(f) = self.face {
            if let Some(side) = f.profile(head) {
                return Some(side);
            }
            if f.score >= FRONT_SCORE {
                return Some(View::Front);
            }
        }
        if !self.has_person() {
            return None;
        }
        let skin = self.crown_skin_share(photo)?;
        Some(if skin >= TOP_SKIN_SHARE {
            View::Top
        } else {
            View::Back
        })
    }

    /// Share of skin-coloured pixels in the upper 45% of the person mask.
    fn crown_skin_share(&self, photo: &Rgba) -> Option<f64> {
        let w = photo.width as usize;
        let rows: Vec<usize> = (0..photo.height as usize)
            .filter(|&y| self.person[y * w..(y + 1) * w].iter().any(|&v| v >= 128))
            .collect();
        let (&top, &bottom) = (rows.first()?, rows.last()?);
        let limit = top + (0.45 * (bottom - top) as f64) as usize;
        let (mut skin, mut all) = (0usize, 0usize);
        for y in top..=limit {
            for x in 0..w {
                if self.person[y * w + x] >= 128 {
                    all += 1;
                    skin += usize::from(looks_like_skin(photo.at(x as i64, y as i64)));
                }
            }
        }
        (all > 0).then(|| skin as f64 / all as f64)
    }
}

/// A loose RGB skin rule: reddish and not grey, so neither dark nor grey
/// hair, nor most backgrounds, pass.
pub(crate) fn looks_like_skin(p: [u8; 4]) -> bool {
    let [r, g, b, _] = p.map(i32::from);
    r > 60 && r > g && r > b && r - g.min(b) > 12 && (r - g).abs() > 8
}

/// Most vertices of an [`Outline`]'s polygon: 48 keep the head's outline
/// within about a pixel at the working size (phone evaluation: the same
/// figures as the full mask) for 144 bytes of a share link.
pub const MAX_VERTICES: usize = 48;
/// Steps of the grid an [`Outline`] lives on: 4096 over -0.5..1.5 of the
/// photo's width and height (face keypoints can fall just off the photo).
const GRID: f64 = 4095.0;

/// What the models decided about a photo, on the grids a share link carries
/// (section `0x81`, see [`crate::share`]): the person's outline as a
/// polygon and the face detection. The sender's preview is built from this,
/// not from the raw model outputs, so a receiver without the models
/// rebuilds exactly the sender's mask, head and view limits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outline {
    /// The person's outline (largest connected part of the segmentation,
    /// holes filled), 3..=[`MAX_VERTICES`] vertices on the 12-bit grid.
    pub polygon: Vec<[u16; 2]>,
    /// The face: score in 1/254 steps (`1 + round(254 * score)`, so never
    /// 0) and the six keypoints on the 12-bit grid.
    pub face: Option<(u8, [[u16; 2]; 6])>,
}

fn to_grid(v: f64, size: u32) -> u16 {
    // `as` maps NaN to 0.
    clamp(((v / size as f64 + 0.5) * GRID / 2.0).round(), 0.0, GRID) as u16
}

fn from_grid(n: u16, size: u32) -> f64 {
    (n as f64 * 2.0 / GRID - 0.5) * size as f64
}

impl Outline {
    /// The outline of `hints` on a `width` x `height` photo; `None` without
    /// a person mask or with nothing in it.
    pub fn of(hints: &Hints, width: u32, height: u32) -> Option<Outline> {
        let (w, h) = (width as usize, height as usize);
        if hints.person.len() != w * h {
            return None;
        }
        let fg: Vec<bool> = hints.person.iter().map(|&v| v >= 128).collect();
        let start = largest_part(&fg, w, h)?;
        let contour = trace(&fg, w, h, start);
        if contour.len() < 3 {
            return None;
        }
        // The coarsest simplification that fits: start at a pixel and
        // loosen until the polygon has at most MAX_VERTICES.
        let mut tolerance = 1.0;
        let polygon = loop {
            let p = simplify(&contour, tolerance);
            if p.len() <= MAX_VERTICES {
                break p;
            }
            tolerance *= 1.25;
        };
        let polygon: Vec<[u16; 2]> = polygon
            .iter()
            .map(|&(x, y)| [to_grid(x, width), to_grid(y, height)])
            .collect();
        if polygon.len() < 3 {
            return None;
        }
        let face = hints.face.map(|f| {
            let score = (clamp(f.score, 0.0, 1.0) * 254.0).round() as u8 + 1;
            (
                score,
                f.keypoints
                    .map(|(x, y)| [to_grid(x, width), to_grid(y, height)]),
            )
        });
        Some(Outline { polygon, face })
    }

    /// The hints this outline stands for on a `width` x `height` photo: the
    /// polygon filled (pixel centres inside, even-odd) as a person mask of
    /// 0 and 255, and the face.
    pub fn hints(&self, width: u32, height: u32) -> Hints {
        let (w, h) = (width as usize, height as usize);
        let poly: Vec<(f64, f64)> = self
            .polygon
            .iter()
            .map(|&[x, y]| (from_grid(x, width), from_grid(y, height)))
            .collect();
        let mut person = vec![0u8; w * h];
        let mut xs = Vec::new();
        for y in 0..h {
            let yc = y as f64 + 0.5;
            xs.clear();
            for (i, &(x0, y0)) in poly.iter().enumerate() {
                let (x1, y1) = poly[(i + 1) % poly.len()];
                if (y0 <= yc) != (y1 <= yc) {
                    xs.push(x0 + (yc - y0) * (x1 - x0) / (y1 - y0));
                }
            }
            xs.sort_by(f64::total_cmp);
            for span in xs.chunks_exact(2) {
                // Pixels whose centre lies inside the span.
                let from = (span[0] - 0.5).ceil().max(0.0) as usize;
                let to = ((span[1] - 0.5).floor() + 1.0).max(0.0) as usize;
                let row = &mut person[y * w..(y + 1) * w];
                row[from.min(w)..to.min(w)].fill(255);
            }
        }
        let face = self.face.map(|(score, k)| FaceDetection {
            score: (score - 1) as f64 / 254.0,
            keypoints: k.map(|[x, y]| (from_grid(x, width), from_grid(y, height))),
        });
        Hints { person, face }
    }

    /// The bytes of a share link's outline section: the face's score byte
    /// (0: no face) and, with a face, its six keypoints; then the polygon.
    /// Each point is 3 bytes: x in the low 12 bits of a 24-bit
    /// little-endian number, y in the high 12.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(1 + 3 * (6 + self.polygon.len()));
        let put = |out: &mut Vec<u8>, [x, y]: [u16; 2]| {
            let v = x as u32 | (y as u32) << 12;
            out.extend_from_slice(&v.to_le_bytes()[..3]);
        };
        match self.face {
            Some((score, k)) => {
                out.push(score);
                k.into_iter().for_each(|p| put(&mut out, p));
            }
            None => out.push(0),
        }
        self.polygon.iter().for_each(|&p| put(&mut out, p));
        out
    }

    /// Reads [`Outline::to_bytes`]; `None` for anything it never writes.
    pub fn from_bytes(bytes: &[u8]) -> Option<Outline> {
        let (&score, mut rest) = bytes.split_first()?;
        let get = |b: &[u8]| {
            let v = u32::from_le_bytes([b[0], b[1], b[2], 0]);
            [(v & 0xFFF) as u16, (v >> 12) as u16]
        };
        let face = if score == 0 {
            None
        } else {
            let k = rest.get(..18)?;
            rest = &rest[18..];
            let mut keypoints = [[0u16; 2]; 6];
            for (p, b) in keypoints.iter_mut().zip(k.chunks_exact(3)) {
                *p = get(b);
            }
            Some((score, keypoints))
        };
        let n = rest.len() / 3;
        if rest.len() % 3 != 0 || !(3..=MAX_VERTICES).contains(&n) {
            return None;
        }
        let polygon = rest.chunks_exact(3).map(get).collect();
        Some(Outline { polygon, face })
    }
}

/// The top-left pixel of the largest 8-connected part of `fg`.
fn largest_part(fg: &[bool], w: usize, h: usize) -> Option<(usize, usize)> {
    let mut seen = vec![false; w * h];
    let mut best: Option<(usize, usize)> = None;
    let mut stack = Vec::new();
    for start in 0..w * h {
        if !fg[start] || seen[start] {
            continue;
        }
        seen[start] = true;
        stack.push(start);
        let mut size = 0;
        while let Some(i) = stack.pop() {
            size += 1;
            let (x, y) = (i % w, i / w);
            for ny in y.saturating_sub(1)..(y + 2).min(h) {
                for nx in x.saturating_sub(1)..(x + 2).min(w) {
                    let j = ny * w + nx;
                    if fg[j] && !seen[j] {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
        }
        // Raster order: `start` is the part's top-left pixel.
        if best.is_none_or(|(_, n)| size > n) {
            best = Some((start, size));
        }
    }
    best.map(|(i, _)| (i % w, i / w))
}

/// The eight neighbours, clockwise (image rows grow down) from the west.
const RING: [(i64, i64); 8] = [
    (-1, 0),
    (-1, -1),
    (0, -1),
    (1, -1),
    (1, 0),
    (1, 1),
    (0, 1),
    (-1, 1),
];

/// The outer boundary of the 8-connected part whose top-left pixel is
/// `start` (Moore-neighbour tracing), as pixel centres.
fn trace(fg: &[bool], w: usize, h: usize, start: (usize, usize)) -> Vec<(f64, f64)> {
    let on = |x: i64, y: i64| {
        (0..w as i64).contains(&x) && (0..h as i64).contains(&y) && fg[y as usize * w + x as usize]
    };
    let start = (start.0 as i64, start.1 as i64);
    let mut out = Vec::new();
    let (mut p, mut back) = (start, 0usize); // west of the top-left pixel is off
    let mut first_step = None;
    // Each boundary pixel is entered at most from its eight sides.
    for _ in 0..8 * w * h + 8 {
        let Some(d) = (1..=8)
            .map(|k| (back + k) % 8)
            .find(|&d| on(p.0 + RING[d].0, p.1 + RING[d].1))
        else {
            break; // a single pixel
        };
        let q = (p.0 + RING[d].0, p.1 + RING[d].1);
        if p == start && first_step == Some(q) {
            break;
        }
        if p == start && first_step.is_none() {
            first_step = Some(q);
        }
        out.push((p.0 as f64 + 0.5, p.1 as f64 + 0.5));
        // The neighbour looked at just before q was off; from q, resume
        // the search there.
        let b = (
            p.0 + RING[(d + 7) % 8].0 - q.0,
            p.1 + RING[(d + 7) % 8].1 - q.1,
        );
        back = RING.iter().position(|&r| r == b).unwrap_or(0);
        p = q;
    }
    if out.is_empty() {
        out.push((start.0 as f64 + 0.5, start.1 as f64 + 0.5));
    }
    out
}

/// Douglas-Peucker on a closed contour: the vertices that keep every
/// contour point within `tolerance` pixels of the polygon.
fn simplify(contour: &[(f64, f64)], tolerance: f64) -> Vec<(f64, f64)> {
    let n = contour.len();
    let far = (1..n)
        .max_by(|&a, &b| {
            let d = |i: usize| (contour[i].0 - contour[0].0).hypot(contour[i].1 - contour[0].1);
            d(a).total_cmp(&d(b))
        })
        .unwrap_or(0);
    let mut keep = vec![false; n];
    keep[0] = true;
    keep[far] = true;
    let mut stack = vec![(0, far), (far, n)];
    while let Some((a, b)) = stack.pop() {
        let (p, q) = (contour[a], contour[b % n]);
        let (dx, dy) = (q.0 - p.0, q.1 - p.1);
        let len = dx.hypot(dy).max(1e-9);
        let Some((i, d)) = (a + 1..b)
            .map(|i| {
                let c = contour[i];
                (i, ((c.0 - p.0) * dy - (c.1 - p.1) * dx).abs() / len)
            })
            .max_by(|x, y| x.1.total_cmp(&y.1))
        else {
            continue;
        };
        if d > tolerance {
            keep[i] = true;
            stack.push((a, i));
            stack.push((i, b));
        }
    }
    contour
        .iter()
        .zip(&keep)
        .filter(|(_, &k)| k)
        .map(|(&c, _)| c)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A detection with its nose at `nose_x`; eyes, mouth and ears where a
    /// side-on face puts them (the two eyes nearly on one spot).
    fn face(score: f64, nose_x: f64) -> FaceDetection {
        FaceDetection {
            score,
            keypoints: [
                (nose_x - 30.0, 200.0),
                (nose_x - 28.0, 201.0),
                (nose_x, 240.0),
                (nose_x - 20.0, 280.0),
                (100.0, 230.0),
                (110.0, 230.0),
            ],
        }
    }

    #[test]
    fn a_nose_beside_the_skull_is_a_profile_on_its_side() {
        let head = Head {
            cx: 100.0,
            top: 0.0,
            radius: 80.0,
            found: true,
        };
        assert_eq!(face(0.8, 190.0).profile(head), Some(View::Right));
        assert_eq!(face(0.8, 10.0).profile(head), Some(View::Left));
        // On the midline (level or tilted, turned a little): a front.
        assert_eq!(face(0.8, 120.0).profile(head), None);
        assert!(face(0.8, 120.0).frontal_eyes(head).is_some());
        assert!(face(0.8, 190.0).frontal_eyes(head).is_none());
        // Not confident enough for either.
        assert_eq!(face(0.5, 190.0).profile(head), None);
        assert!(face(0.5, 120.0).frontal_eyes(head).is_none());
    }

    #[test]
    fn an_outline_round_trips_and_fills_the_shape() {
        let (w, h) = (40u32, 30u32);
        // A disc and a stray speck: the outline keeps the disc.
        let mut person = vec![0u8; 1200];
        for y in 0..30 {
            for x in 0..40 {
                if (x as f64 - 20.0).hypot(y as f64 - 15.0) < 10.0 {
                    person[y * 40 + x] = 255;
                }
            }
        }
        person[2 * 40 + 2] = 255;
        let hints = Hints {
            person: person.clone(),
            face: Some(face(0.8, 20.0)),
        };
        let o = Outline::of(&hints, w, h).unwrap();
        assert!((3..=MAX_VERTICES).contains(&o.polygon.len()));
        assert_eq!(Outline::from_bytes(&o.to_bytes()), Some(o.clone()));
        let back = o.hints(w, h);
        assert_eq!(back.person[2 * 40 + 2], 0, "the speck is left out");
        let differ = back
            .person
            .iter()
            .zip(&person)
            .filter(|(a, b)| a != b)
            .count();
        assert!(differ < 30, "{differ} pixels differ from the disc");
        let f = back.face.unwrap();
        assert!((f.score - 0.8).abs() < 0.01 && (f.keypoints[2].0 - 20.0).abs() < 0.1);
        assert_eq!(Outline::from_bytes(&[0, 1, 2]), None);
        assert_eq!(Outline::from_bytes(&[]), None);
    }
}
