//! The evaluation set: the automatic preview of every annotated photo
//! (`tests/annotations/`, 91 phone photos in five views plus 07, 08 and 11)
//! scored against where a practitioner would pigment.
//!
//! Per photo: the share of drawn dots outside the annotated scalp (and on
//! the face), the share of the scalp the dots cover, the hairline's error
//! in cm (front and top views with a hairline drawn) and whether the view
//! was recognised. The floors below hold today and rise as the work lands;
//! the full table is written to `target/phone-eval.md` (and printed with
//! `cargo test --release --test phone_eval -- --nocapture`) for the README.

use smp_preview::photo::Rgba;
use smp_preview::preview::Preview;
use smp_preview::view::View;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Targets of the phone-photo issue.
const MAX_OUTSIDE: f64 = 0.02;
const MIN_COVERED: f64 = 0.90;
const MAX_HAIRLINE_CM: f64 = 1.0;

/// A scalp pixel counts as covered when a drawn dot lies this close: wider
/// than the sparsest hairline zone's spacing, narrower than a bare patch a
/// person would notice.
const COVER_RADIUS_CM: f64 = 0.3;

/// Adult interpupillary distance, cm (DOMAIN.md).
const IPD_CM: f64 = 6.3;
/// A skull's breadth, cm: the scale where no eyes are in sight.
const SKULL_BREADTH_CM: f64 = 15.0;

type Polygon = Vec<(f64, f64)>;

/// One annotated photo (format: tests/annotations/README.md).
#[derive(Default)]
struct Annotation {
    photo: String,
    view: String,
    scalp: Vec<Polygon>,
    face: Vec<Polygon>,
    hairline: Option<(f64, f64)>,
    eyes: Option<[(f64, f64); 2]>,
}

fn point(text: &str) -> (f64, f64) {
    let (x, y) = text.split_once(',').expect("a point is x,y");
    (x.parse().expect("x"), y.parse().expect("y"))
}

fn annotations() -> Vec<Annotation> {
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

fn load(name: &str) -> Rgba {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/photos")
        .join(name);
    let img = image::open(&path)
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e}. The evaluation needs the shared test photos beside the repo (../shared/photos).",
                path.display()
            )
        })
        .to_rgba8();
    let (w, h) = img.dimensions();
    Rgba::new(w, h, img.into_raw()).unwrap()
}

/// Fills the union of `polygons` (even-odd per polygon) into a w x h bitmap,
/// sampling each pixel at its centre.
fn raster(polygons: &[Polygon], w: usize, h: usize) -> Vec<bool> {
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

fn at(bitmap: &[bool], w: usize, x: f32, y: f32) -> bool {
    let (xi, yi) = (x.floor() as isize, y.floor() as isize);
    let h = bitmap.len() / w;
    (0..w as isize).contains(&xi)
        && (0..h as isize).contains(&yi)
        && bitmap[yi as usize * w + xi as usize]
}

/// The photo's scale from the annotation alone: the eyes, else the scalp's
/// widest row as a skull's breadth.
fn true_px_per_cm(a: &Annotation, scalp: &[bool], w: usize) -> f64 {
    if let Some([(x0, y0), (x1, y1)]) = a.eyes {
        return (x1 - x0).hypot(y1 - y0) / IPD_CM;
    }
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

/// One photo's scores.
struct Score {
    photo: String,
    view: String,
    dots: usize,
    outside: f64,
    on_face: f64,
    covered: f64,
    hairline_cm: Option<f64>,
    seen_view: View,
}

impl Score {
    fn view_right(&self) -> bool {
        self.seen_view.name() == self.view
    }
    fn hairline_ok(&self) -> Option<bool> {
        self.hairline_cm.map(|e| e <= MAX_HAIRLINE_CM)
    }
}

fn score(a: &Annotation) -> Score {
    let photo = load(&a.photo);
    let (w, h) = (photo.width as usize, photo.height as usize);
    let scalp = raster(&a.scalp, w, h);
    let face = raster(&a.face, w, h);
    let px_per_cm = true_px_per_cm(a, &scalp, w);
    let mut preview = Preview::new(photo);
    let dots = preview.visible_dots();
    let outside = dots.iter().filter(|d| !at(&scalp, w, d.0, d.1)).count();
    let on_face = dots.iter().filter(|d| at(&face, w, d.0, d.1)).count();
    // Stamp a disc around every dot; the scalp pixels inside some disc are
    // covered.
    let r = COVER_RADIUS_CM * px_per_cm;
    let ri = r.ceil() as isize;
    let mut near = vec![false; w * h];
    for d in &dots {
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
    let scalp_px = scalp.iter().filter(|&&v| v).count();
    let covered_px = scalp.iter().zip(&near).filter(|(&s, &n)| s && n).count();
    let design = preview.design();
    let hairline_cm = a.hairline.map(|(x, y)| {
        let m = design.hairline.handles[1];
        (m.x * w as f64 - x).hypot(m.y * h as f64 - y) / px_per_cm
    });
    let share = |n: usize| {
        if dots.is_empty() {
            0.0
        } else {
            n as f64 / dots.len() as f64
        }
    };
    Score {
        photo: a.photo.clone(),
        view: a.view.clone(),
        dots: dots.len(),
        outside: share(outside),
        on_face: share(on_face),
        covered: covered_px as f64 / scalp_px.max(1) as f64,
        hairline_cm,
        seen_view: preview.view(),
    }
}

/// Per view: photos, and how many meet each target.
struct Tally {
    photos: usize,
    outside_ok: usize,
    covered_ok: usize,
    hairline_ok: usize,
    hairline_n: usize,
    view_ok: usize,
}

fn tally<'a>(scores: impl Iterator<Item = &'a Score>) -> Tally {
    let mut t = Tally {
        photos: 0,
        outside_ok: 0,
        covered_ok: 0,
        hairline_ok: 0,
        hairline_n: 0,
        view_ok: 0,
    };
    for s in scores {
        t.photos += 1;
        t.outside_ok += usize::from(s.outside <= MAX_OUTSIDE);
        t.covered_ok += usize::from(s.covered >= MIN_COVERED);
        t.view_ok += usize::from(s.view_right());
        if let Some(ok) = s.hairline_ok() {
            t.hairline_n += 1;
            t.hairline_ok += usize::from(ok);
        }
    }
    t
}

fn pct(n: usize, of: usize) -> String {
    if of == 0 {
        "-".into()
    } else {
        format!("{}/{} ({:.0}%)", n, of, 100.0 * n as f64 / of as f64)
    }
}

fn report(scores: &[Score]) -> String {
    let mut out = String::new();
    let views = ["front", "top", "left", "right", "back"];
    out.push_str("| view | photos | dots outside <= 2% | scalp covered >= 90% | hairline <= 1 cm | view right |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    let phone = |s: &&Score| s.photo.starts_with("phone/");
    for v in views {
        let t = tally(scores.iter().filter(phone).filter(|s| s.view == v));
        let _ = writeln!(
            out,
            "| {v} | {} | {} | {} | {} | {} |",
            t.photos,
            pct(t.outside_ok, t.photos),
            pct(t.covered_ok, t.photos),
            pct(t.hairline_ok, t.hairline_n),
            pct(t.view_ok, t.photos)
        );
    }
    let t = tally(scores.iter().filter(phone));
    let _ = writeln!(
        out,
        "| **all phone** | {} | {} | {} | {} | {} |",
        t.photos,
        pct(t.outside_ok, t.photos),
        pct(t.covered_ok, t.photos),
        pct(t.hairline_ok, t.hairline_n),
        pct(t.view_ok, t.photos)
    );
    out.push_str(
        "\n| photo | view (seen) | dots | outside | on face | covered | hairline error |\n",
    );
    out.push_str("|---|---|---|---|---|---|---|\n");
    for s in scores {
        let _ = writeln!(
            out,
            "| {} | {} ({}) | {} | {:.1}% | {:.1}% | {:.0}% | {} |",
            s.photo,
            s.view,
            s.seen_view.name(),
            s.dots,
            100.0 * s.outside,
            100.0 * s.on_face,
            100.0 * s.covered,
            s.hairline_cm.map_or("-".into(), |e| format!("{e:.1} cm"))
        );
    }
    out
}

#[test]
fn annotations_are_complete_and_well_formed() {
    let all = annotations();
    let index = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/photos/phone/INDEX.csv"),
    )
    .expect("../shared/photos/phone/INDEX.csv: the evaluation needs the shared test photos");
    for line in index.lines().skip(1) {
        let mut cols = line.split(',');
        let file = cols.next().unwrap();
        let view = match cols.next().unwrap() {
            "Top-Down" => "top".to_string(),
            v => v.to_lowercase(),
        };
        let a = all
            .iter()
            .find(|a| a.photo == format!("phone/{file}"))
            .unwrap_or_else(|| panic!("phone/{file} is not annotated"));
        assert_eq!(a.view, view, "{file}: view differs from INDEX.csv");
        assert!(!a.scalp.is_empty(), "{file}: no scalp polygon");
        assert!(View::parse(&a.view).is_some(), "{file}: unknown view");
    }
}

/// Floors: how many phone photos (of 91) meet each target today. Raise
/// them as detection improves; never lower them to land a change.
const FLOOR_OUTSIDE: usize = 10;
const FLOOR_COVERED: usize = 10;
/// Front and top views with a hairline drawn (29 photos).
const FLOOR_HAIRLINE: usize = 1;
const FLOOR_VIEW: usize = 18;

/// Slow unoptimized (minutes for 94 photos): `./test` runs it with `--release`.
#[test]
#[cfg_attr(debug_assertions, ignore = "run with --release (./test does)")]
fn phone_photos_meet_the_floors() {
    let scores: Vec<Score> = annotations().iter().map(score).collect();
    let table = report(&scores);
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    let _ = std::fs::create_dir_all(&target);
    std::fs::write(target.join("phone-eval.md"), &table).unwrap();
    println!("{table}");
    let t = tally(scores.iter().filter(|s| s.photo.starts_with("phone/")));
    assert!(
        t.outside_ok >= FLOOR_OUTSIDE,
        "dots outside the scalp: {} photos ok, floor {FLOOR_OUTSIDE}",
        t.outside_ok
    );
    assert!(
        t.covered_ok >= FLOOR_COVERED,
        "scalp covered: {} photos ok, floor {FLOOR_COVERED}",
        t.covered_ok
    );
    assert!(
        t.hairline_ok >= FLOOR_HAIRLINE,
        "hairline: {} photos ok, floor {FLOOR_HAIRLINE}",
        t.hairline_ok
    );
    assert!(
        t.view_ok >= FLOOR_VIEW,
        "view: {} photos ok, floor {FLOOR_VIEW}",
        t.view_ok
    );
}

#[test]
fn raster_fills_a_square_exactly() {
    let square = vec![(1.0, 1.0), (5.0, 1.0), (5.0, 4.0), (1.0, 4.0)];
    let bits = raster(&[square], 8, 6);
    assert_eq!(bits.iter().filter(|&&v| v).count(), 4 * 3);
    assert!(bits[8 + 1] && !bits[8] && !bits[5 * 8 + 1]);
}
