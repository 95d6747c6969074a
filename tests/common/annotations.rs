//! The hand annotations of the test photos (`tests/annotations/`, format
//! in its README.md), and their polygons as bitmaps, for the tests that
//! read dots back against them.

use std::path::{Path, PathBuf};

/// A polygon's corners, in pixels of the stored photo.
pub type Polygon = Vec<(f64, f64)>;

/// One annotated photo (format: tests/annotations/README.md).
#[derive(Default)]
pub struct Annotation {
    pub photo: String,
    pub view: String,
    pub scalp: Vec<Polygon>,
    pub face: Vec<Polygon>,
    pub hairline: Option<(f64, f64)>,
    pub eyes: Option<[(f64, f64); 2]>,
}

/// The annotation of `photo` (its name under `../shared/photos`, as the
/// annotation files write it).
pub fn annotation(photo: &str) -> Annotation {
    annotations()
        .into_iter()
        .find(|a| a.photo == photo)
        .unwrap_or_else(|| panic!("{photo}: not in tests/annotations"))
}

/// `x,y`.
fn point(text: &str) -> (f64, f64) {
    let (x, y) = text.split_once(',').expect("a point is x,y");
    (x.parse().expect("x"), y.parse().expect("y"))
}

/// Every annotated photo, the files in name order.
pub fn annotations() -> Vec<Annotation> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/annotations");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/annotations")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let mut all = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap().trim();
            if line.is_empty() {
                continue;
            }
            if let Some(name) = line.strip_prefix('[') {
                all.push(Annotation {
                    photo: name.trim_end_matches(']').to_string(),
                    ..Annotation::default()
                });
                continue;
            }
            let at = || format!("{}:{}", file.display(), n + 1);
            let a = all
                .last_mut()
                .unwrap_or_else(|| panic!("{}: no [photo]", at()));
            let (key, rest) = line.split_once(' ').unwrap_or((line, ""));
            let points = || -> Polygon { rest.split_whitespace().map(point).collect() };
            match key {
                "view" => a.view = rest.trim().to_string(),
                "scalp" => a.scalp.push(points()),
                "face" => a.face.push(points()),
                "hairline" => a.hairline = Some(point(rest.trim())),
                "eyes" => {
                    let p = points();
                    assert_eq!(p.len(), 2, "{}: eyes takes two points", at());
                    a.eyes = Some([p[0], p[1]]);
                }
                "stage" | "note" => {}
                other => panic!("{}: unknown key {other}", at()),
            }
        }
    }
    all
}

/// Fills the union of `polygons` (even-odd per polygon) into a w x h bitmap,
/// sampling each pixel at its centre.
pub fn raster(polygons: &[Polygon], w: usize, h: usize) -> Vec<bool> {
    let mut out = vec![false; w * h];
    for poly in polygons {
        for y in 0..h {
            let yc = y as f64 + 0.5;
            let mut xs: Vec<f64> = poly
                .iter()
                .zip(poly.iter().cycle().skip(1))
                .filter(|((_, y0), (_, y1))| (*y0 <= yc) != (*y1 <= yc))
                .map(|((x0, y0), (x1, y1))| x0 + (yc - y0) * (x1 - x0) / (y1 - y0))
                .collect();
            xs.sort_by(f64::total_cmp);
            for span in xs.chunks_exact(2) {
                let from = (span[0] - 0.5).ceil().max(0.0) as usize;
                let to = ((span[1] - 0.5).floor() + 1.0).clamp(0.0, w as f64) as usize;
                out[y * w..][from.min(w)..to]
                    .iter_mut()
                    .for_each(|v| *v = true);
            }
        }
    }
    out
}

/// Whether the pixel under `(x, y)` is set in `bitmap`, `w` pixels wide
/// (false off it).
pub fn at(bitmap: &[bool], w: usize, x: f32, y: f32) -> bool {
    let (xi, yi) = (x.floor() as isize, y.floor() as isize);
    let h = bitmap.len() / w;
    (0..w as isize).contains(&xi)
        && (0..h as isize).contains(&yi)
        && bitmap[yi as usize * w + xi as usize]
}

/// A skull's breadth, cm: the scale where no eyes are in sight.
pub const SKULL_BREADTH_CM: f64 = 15.0;

/// The photo's scale, px per cm, from the annotated scalp's widest row
/// taken as a skull's breadth ([`SKULL_BREADTH_CM`]).
pub fn scale_from_widest_row(scalp: &[bool], w: usize) -> f64 {
    let widest = scalp
        .chunks_exact(w)
        .map(|row| {
            let first = row.iter().position(|&v| v);
            let last = row.iter().rposition(|&v| v);
            first.zip(last).map_or(0, |(f, l)| l - f + 1)
        })
        .max()
        .unwrap_or(0);
    widest as f64 / SKULL_BREADTH_CM
}

/// Adult interpupillary distance, cm (DOMAIN.md).
pub const IPD_CM: f64 = 6.3;

/// The photo's scale, px per cm, from the annotation alone: the annotated
/// pupils ([`IPD_CM`] apart), else the scalp's widest row
/// ([`scale_from_widest_row`] of `scalp`, the annotation's scalp as a
/// bitmap `w` pixels wide).
pub fn true_px_per_cm(a: &Annotation, scalp: &[bool], w: usize) -> f64 {
    if let Some([(x0, y0), (x1, y1)]) = a.eyes {
        return (x1 - x0).hypot(y1 - y0) / IPD_CM;
    }
    scale_from_widest_row(scalp, w)
}

/// Share of the `scalp` bitmap (`w` pixels wide) with a dot within `r`
/// pixels: a disc stamped around every dot, the scalp pixels inside some
/// disc covered (the evaluation's measure).
pub fn share_covered(scalp: &[bool], w: usize, dots: &[(f32, f32, f32, f32)], r: f64) -> f64 {
    let h = scalp.len() / w;
    let ri = r.ceil() as isize;
    let mut near = vec![false; w * h];
    for d in dots {
        let (cx, cy) = (d.0 as isize, d.1 as isize);
        for dy in -ri..=ri {
            for dx in -ri..=ri {
                let (x, y) = (cx + dx, cy + dy);
                if (dx * dx + dy * dy) as f64 <= r * r
                    && (0..w as isize).contains(&x)
                    && (0..h as isize).contains(&y)
                {
                    near[y as usize * w + x as usize] = true;
                }
            }
        }
    }
    let all = scalp.iter().filter(|&&v| v).count();
    let covered = scalp.iter().zip(&near).filter(|(&s, &n)| s && n).count();
    covered as f64 / all.max(1) as f64
}
