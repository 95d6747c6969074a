//! What the on-device models decided about a photo, as a share link carries
//! it (section `0x81`, see [`crate::share`]): the person's outline as its
//! left and right edges and the face detection, on 12-bit grids.
//!
//! A preview that used the models is built from its outline (not from the
//! raw model outputs), so the link's receiver rebuilds exactly the sender's
//! preview: where the models do not load, and where they give an answer a
//! few pixels off (another device, another runtime). Older decoders skip
//! the section (optional tags are skipped).

use crate::hints::{FaceDetection, Hints};
use crate::num::clamp;

/// Most rows at which an [`Outline`] gives the person's edges: 96 keep the
/// phone evaluation's figures within a photo of the full mask's on each
/// line (48 lose two photos' coverage), for 288 bytes of a share link.
pub const MAX_ROWS: usize = 96;
/// Steps of the grid an [`Outline`] lives on: 4096 over -0.5..1.5 of the
/// photo's width and height (face keypoints can fall just off the photo).
const GRID: f64 = 4095.0;

/// What the models decided about a photo, on the grids a share link carries
/// (section `0x81`, see [`crate::share`]): the person's outline and the face
/// detection. The sender's preview is built from this, not from the raw
/// model outputs, so a receiver without the models rebuilds exactly the
/// sender's mask, head and view limits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outline {
    /// The centres of the person's first and last rows, on the 12-bit grid.
    pub rows: [u16; 2],
    /// The person's left and right edges (see [`Outline::of`]) at
    /// 2..=[`MAX_ROWS`] evenly spaced heights
    /// from the first row to the last, on the 12-bit grid. Between them the
    /// edges run straight.
    pub edges: Vec<[u16; 2]>,
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
    /// The outline of `hints` on a `width` x `height` photo: the longest
    /// run of rows holding the person (a stray speck above or below is left
    /// out), each row from the left edge of its first stretch of the person
    /// that touches the row above to the right edge of its last (a gap
    /// between the head and a hand beside it fills, as the head's own
    /// row-by-row reading in [`crate::scalp`] already sees it; a blob
    /// beside the person that does not touch it is left out). `None`
    /// without a person mask or with nothing in it.
    pub fn of(hints: &Hints, width: u32, height: u32) -> Option<Outline> {
        let w = width as usize;
        if hints.person.len() != w * height as usize {
            return None;
        }
        // Per row of the run: left and right pixel edges.
        let mut best: Vec<(f64, f64)> = Vec::new();
        // One past the run's last row.
        let (mut run, mut best_end) = (Vec::new(), 0);
        let inside = |v: &u8| *v >= 128;
        for (y, row) in hints.person.chunks_exact(w).enumerate() {
            // The row's stretches of the person that touch the span above
            // (a blob beside the person, say background at the photo's
            // edge, that does not is left out), from the first one's left
            // edge to the last one's right.
            let above = run.last().copied();
            let mut span: Option<(f64, f64)> = None;
            let mut x = 0;
            while let Some(start) = row[x..].iter().position(inside).map(|i| x + i) {
                x = row[start..]
                    .iter()
                    .position(|v| !inside(v))
                    .map_or(w, |i| start + i);
                let (from, to) = (start as f64, x as f64);
                if above.is_none_or(|(l, r)| from < r && to > l) {
                    span = Some((span.map_or(from, |s| s.0), to));
                }
            }
            match span {
                Some(s) => run.push(s),
                None => run.clear(),
            }
            if run.len() > best.len() {
                best.clone_from(&run);
                best_end = y + 1;
            }
        }
        if best.len() < 2 {
            return None;
        }
        // The centres of the run's first and last rows.
        let last = best.len() - 1;
        let (top, bottom) = ((best_end - last) as f64 - 0.5, best_end as f64 - 0.5);
        let n = best.len().min(MAX_ROWS);
        let edges = (0..n)
            .map(|k| {
                // The row nearest the k-th of n even heights.
                let (l, r) = best[(k * last + (n - 1) / 2) / (n - 1)];
                [to_grid(l, width), to_grid(r, width)]
            })
            .collect();
        let face = hints.face.map(|f| {
            let score = (clamp(f.score, 0.0, 1.0) * 254.0).round() as u8 + 1;
            let keypoints = std::array::from_fn(|i| {
                let (x, y) = f.keypoints[i];
                [to_grid(x, width), to_grid(y, height)]
            });
            (score, keypoints)
        });
        Some(Outline {
            rows: [to_grid(top, height), to_grid(bottom, height)],
            edges,
            face,
        })
    }

    /// The hints this outline stands for on a `width` x `height` photo: the
    /// outline filled (pixel centres inside) as a person mask of 0 and 255,
    /// and the face.
    pub fn hints(&self, width: u32, height: u32) -> Hints {
        let (w, h) = (width as usize, height as usize);
        let (top, bottom) = (
            from_grid(self.rows[0], height),
            from_grid(self.rows[1], height),
        );
        let last = self.edges.len() - 1;
        let mut person = vec![0u8; w * h];
        for (y, row) in person.chunks_exact_mut(w).enumerate() {
            let t = (y as f64 + 0.5 - top) / (bottom - top);
            if !(0.0..=1.0).contains(&t) {
                continue;
            }
            // Between the two nearest heights, the edges run straight.
            let at = t * last as f64;
            let k = (at as usize).min(last - 1);
            let f = at - k as f64;
            let edge = |i: usize| {
                let (a, b) = (self.edges[k][i], self.edges[k + 1][i]);
                from_grid(a, width) + f * (from_grid(b, width) - from_grid(a, width))
            };
            let (l, r) = (edge(0), edge(1));
            // Pixels whose centre lies inside the span.
            let from = (l - 0.5).ceil().max(0.0) as usize;
            let to = ((r - 0.5).floor() + 1.0).max(0.0) as usize;
            row[from.min(w)..to.min(w)].fill(255);
        }
        let face = self.face.map(|(score, k)| FaceDetection {
            score: (score - 1) as f64 / 254.0,
            keypoints: std::array::from_fn(|i| {
                (from_grid(k[i][0], width), from_grid(k[i][1], height))
            }),
        });
        Hints { person, face }
    }

    /// The bytes of a share link's outline section: the face's score byte
    /// (0: no face) and, with a face, its six keypoints; then the first and
    /// last row; then the edges. Each pair is 3 bytes: the first in the low
    /// 12 bits of a 24-bit little-endian number, the second in the high 12.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(1 + 3 * (7 + self.edges.len()));
        let put = |out: &mut Vec<u8>, [a, b]: [u16; 2]| {
            let v = a as u32 | (b as u32) << 12;
            out.extend_from_slice(&v.to_le_bytes()[..3]);
        };
        match self.face {
            Some((score, k)) => {
                out.push(score);
                k.into_iter().for_each(|p| put(&mut out, p));
            }
            None => out.push(0),
        }
        put(&mut out, self.rows);
        self.edges.iter().for_each(|&p| put(&mut out, p));
        out
    }

    /// Reads [`Outline::to_bytes`]; `None` for anything it never writes.
    pub fn from_bytes(bytes: &[u8]) -> Option<Outline> {
        let (&score, rest) = bytes.split_first()?;
        let (triples, []) = rest.as_chunks::<3>() else {
            return None;
        };
        let pairs: Vec<[u16; 2]> = triples
            .iter()
            .map(|&[a, b, c]| {
                let v = u32::from_le_bytes([a, b, c, 0]);
                [(v & 0xFFF) as u16, (v >> 12) as u16]
            })
            .collect();
        let (face, rest) = if score == 0 {
            (None, &pairs[..])
        } else {
            let (keypoints, rest) = pairs.split_first_chunk::<6>()?;
            (Some((score, *keypoints)), rest)
        };
        let (&rows, edges) = rest.split_first()?;
        if rows[0] >= rows[1] || !(2..=MAX_ROWS).contains(&edges.len()) {
            return None;
        }
        Some(Outline {
            rows,
            edges: edges.to_vec(),
            face,
        })
    }
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
        assert!((2..=MAX_ROWS).contains(&o.edges.len()));
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
