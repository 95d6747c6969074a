//! What the on-device models decided about a photo, as a share link carries
//! it (section `0x81`, see [`crate::share`]): the person's outline as a
//! polygon and the face detection, on 12-bit grids.
//!
//! Behind the `outline` cargo feature (on natively, off in the shipped
//! wasm): it costs the wasm 3.4 KB gzip, over what the widget's 100 KB
//! budget has left, so the widget's links do not carry it yet and its
//! decoder skips the section (optional tags are skipped).

use crate::hints::{FaceDetection, Hints};
use crate::num::clamp;

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
    /// The person's outline (each row's leftmost to rightmost pixel of the
    /// segmentation), 3..=[`MAX_VERTICES`] vertices on the 12-bit grid.
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
        let contour = sides(&fg, w);
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
            // A handful of crossings: an insertion sort, as a library
            // sort's code would cost the wasm a kilobyte.
            for i in 1..xs.len() {
                let mut j = i;
                while j > 0 && xs[j - 1] > xs[j] {
                    xs.swap(j - 1, j);
                    j -= 1;
                }
            }
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

/// The outline of the longest run of rows holding any of `fg` (the
/// person: a stray speck above or below is left out), as its leftmost and
/// rightmost pixel edges per row: down the left side, up the right. A
/// gap between the head and a hand beside it fills, as the head's own
/// row-by-row reading in [`crate::scalp`] already sees it.
fn sides(fg: &[bool], w: usize) -> Vec<(f64, f64)> {
    // Per row: left edge, right edge, row centre.
    let mut best: Vec<(f64, f64, f64)> = Vec::new();
    let mut run = Vec::new();
    for (y, row) in fg.chunks_exact(w).enumerate() {
        match (row.iter().position(|&v| v), row.iter().rposition(|&v| v)) {
            (Some(l), Some(r)) => run.push((l as f64, r as f64 + 1.0, y as f64 + 0.5)),
            _ => run.clear(),
        }
        if run.len() > best.len() {
            best.clone_from(&run);
        }
    }
    let down = best.iter().map(|&(l, _, y)| (l, y));
    let up = best.iter().rev().map(|&(_, r, y)| (r, y));
    down.chain(up).collect()
}

/// Douglas-Peucker on a closed contour: the vertices that keep every
/// contour point within `tolerance` pixels of the polygon.
fn simplify(contour: &[(f64, f64)], tolerance: f64) -> Vec<(f64, f64)> {
    let n = contour.len();
    let far = (1..n)
        .max_by(|&a, &b| {
            let d = |i: usize| {
                (contour[i].0 - contour[0].0).powi(2) + (contour[i].1 - contour[0].1).powi(2)
            };
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
        let len = (dx * dx + dy * dy).sqrt().max(1e-9);
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
            face: Some(crate::hints::side_on_face(0.8, 20.0)),
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
