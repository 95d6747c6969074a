//! Makes the scar test fixtures in `tests/fixtures/scars/`: pale scars
//! composited onto phone photos of three skin tones (light, medium, dark),
//! each with a linear strip scar (FUT) and a grid of pale FUE dots.
//!
//! ```text
//! cargo run --release --example scar_fixtures -- /work/shared/photos/phone
//! ```
//!
//! Writes per photo `NAME.jpg` (the photo with its scars), `NAME-strip.png`
//! and `NAME-fue.png` (where each scar is, 0..=255: the ground truth the
//! concealment test measures on), and `scars.txt` (the scars' geometry, from
//! which the tests mark them as a person would with the brush).
//!
//! The scar model, from what hypopigmented scar tissue looks like: no
//! follicles or pores (the skin's fine texture is smoothed away), less
//! melanin (about 30% lighter, a touch pinker), soft edges. A strip is
//! 4 mm wide on average, its width wandering by a fifth along its length;
//! FUE scars are 0.9 mm discs, a fifth larger or smaller, on a jittered
//! 5 mm grid. At +30% the strip matches the contrast measured on the photo
//! that issue 21 was filed with.

use image::{GrayImage, Luma, RgbImage};
use std::fmt::Write as _;
use std::path::Path;

/// One fixture: a phone photo, its scale and where its scars go.
struct Fixture {
    name: &'static str,
    source: &'static str,
    /// Pixels per cm, from the skull's breadth (15 cm) at the scalp
    /// annotation's widest row.
    px_per_cm: f64,
    /// The strip's centre line, pixels: start, control point and end of a
    /// quadratic Bézier curve.
    strip: [(f64, f64); 3],
    /// Centre of the FUE grid, pixels.
    fue: (f64, f64),
}

const FIXTURES: [Fixture; 3] = [
    Fixture {
        name: "light",
        source: "top-down_n5_22_676f7a54.jpg",
        px_per_cm: 37.7,
        strip: [(180.0, 330.0), (310.0, 294.0), (450.0, 340.0)],
        fue: (330.0, 200.0),
    },
    Fixture {
        name: "medium",
        source: "back_n7_05_c4b4aa12.jpg",
        px_per_cm: 31.2,
        strip: [(170.0, 240.0), (330.0, 290.0), (490.0, 240.0)],
        fue: (330.0, 175.0),
    },
    Fixture {
        name: "dark",
        source: "top-down_n5_06_00377fdc.jpg",
        px_per_cm: 37.7,
        strip: [(100.0, 335.0), (185.0, 280.0), (270.0, 262.0)],
        fue: (410.0, 200.0),
    },
];

/// FUE grid: columns, rows, spacing (mm), scar diameter (mm).
const FUE_GRID: (usize, usize, f64, f64) = (5, 4, 5.0, 0.9);
/// Mean strip width, mm.
const STRIP_MM: f64 = 4.0;
/// How much lighter scar tissue is, as a share of the skin's value.
const LIFT: f64 = 0.30;

/// A small deterministic generator (xorshift), so the fixtures are the
/// same on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn smoothstep(e0: f64, e1: f64, x: f64) -> f64 {
    let t = ((x - e0) / (e1 - e0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// Distance from `p` to the polyline, and how far along it (0..1) the
/// nearest point lies.
fn to_polyline(p: (f64, f64), line: &[(f64, f64)]) -> (f64, f64) {
    let lengths: Vec<f64> = line
        .windows(2)
        .map(|s| (s[1].0 - s[0].0).hypot(s[1].1 - s[0].1))
        .collect();
    let total: f64 = lengths.iter().sum();
    let (mut best, mut at, mut run) = (f64::INFINITY, 0.0, 0.0);
    for (s, len) in line.windows(2).zip(&lengths) {
        let (dx, dy) = (s[1].0 - s[0].0, s[1].1 - s[0].1);
        let t = (((p.0 - s[0].0) * dx + (p.1 - s[0].1) * dy) / (len * len)).clamp(0.0, 1.0);
        let d = (p.0 - s[0].0 - t * dx).hypot(p.1 - s[0].1 - t * dy);
        if d < best {
            (best, at) = (d, (run + t * len) / total);
        }
        run += len;
    }
    (best, at)
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/work/shared/photos/phone".into());
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scars");
    std::fs::create_dir_all(&out).expect("create the fixture folder");
    let mut geometry = String::from(
        "# Scar fixtures, written by examples/scar_fixtures.rs: per photo its\n\
         # scale, the strip's centre line and mean width, and the FUE dots\n\
         # (centre and diameter), all in pixels of the photo.\n",
    );
    for (k, f) in FIXTURES.iter().enumerate() {
        let photo = image::open(Path::new(&dir).join(f.source))
            .expect("read the source photo")
            .to_rgb8();
        let (w, h) = photo.dimensions();
        let mut rng = Rng(0x5eed_0000 + k as u64 * 7919);
        let mm = f.px_per_cm / 10.0;
        // The scars' opacity per pixel.
        let mut strip = GrayImage::new(w, h);
        let mut fue = GrayImage::new(w, h);
        let phase = rng.next() * 6.3;
        let half = STRIP_MM * mm / 2.0;
        let [a, c, b] = f.strip;
        let line: Vec<(f64, f64)> = (0..=32)
            .map(|i| {
                let t = i as f64 / 32.0;
                let (u, v, z) = ((1.0 - t) * (1.0 - t), 2.0 * t * (1.0 - t), t * t);
                (u * a.0 + v * c.0 + z * b.0, u * a.1 + v * c.1 + z * b.1)
            })
            .collect();
        for y in 0..h {
            for x in 0..w {
                let p = (x as f64 + 0.5, y as f64 + 0.5);
                let (d, at) = to_polyline(p, &line);
                let hw = half * (1.0 + 0.2 * (at * 9.0 + phase).sin());
                // Tapered ends: a strip scar narrows where it stops.
                let hw = hw * smoothstep(0.0, 0.08, at.min(1.0 - at)).max(0.3);
                let a = smoothstep(hw + 0.6 * mm, hw - 0.6 * mm, d);
                strip.put_pixel(x, y, Luma([(a * 255.0).round() as u8]));
            }
        }
        let (cols, rows, spacing, diameter) = FUE_GRID;
        let mut dots = Vec::new();
        for j in 0..rows {
            for i in 0..cols {
                let cx = f.fue.0
                    + (i as f64 - (cols - 1) as f64 / 2.0 + 0.3 * (rng.next() - 0.5))
                        * spacing
                        * mm;
                let cy = f.fue.1
                    + (j as f64 - (rows - 1) as f64 / 2.0 + 0.3 * (rng.next() - 0.5))
                        * spacing
                        * mm;
                let r = diameter / 2.0 * mm * (0.8 + 0.4 * rng.next());
                dots.push((cx, cy, r));
                let reach = (r + 0.5 * mm).ceil() as i64 + 1;
                for y in (cy as i64 - reach).max(0)..(cy as i64 + reach).min(h as i64) {
                    for x in (cx as i64 - reach).max(0)..(cx as i64 + reach).min(w as i64) {
                        let d = (x as f64 + 0.5 - cx).hypot(y as f64 + 0.5 - cy);
                        let a = smoothstep(r + 0.3 * mm, r - 0.3 * mm, d);
                        let v = fue.get_pixel(x as u32, y as u32)[0].max((a * 255.0).round() as u8);
                        fue.put_pixel(x as u32, y as u32, Luma([v]));
                    }
                }
            }
        }
        // Scar tissue: smoothed (a 5x5 box: no pores or stubble), lighter
        // and a touch pinker.
        let mut scarred = photo.clone();
        for y in 0..h {
            for x in 0..w {
                let a = strip.get_pixel(x, y)[0].max(fue.get_pixel(x, y)[0]) as f64 / 255.0;
                if a == 0.0 {
                    continue;
                }
                let mut smooth = [0.0; 3];
                let mut n = 0.0;
                for yy in y.saturating_sub(2)..(y + 3).min(h) {
                    for xx in x.saturating_sub(2)..(x + 3).min(w) {
                        let q = photo.get_pixel(xx, yy);
                        for c in 0..3 {
                            smooth[c] += q[c] as f64;
                        }
                        n += 1.0;
                    }
                }
                let p = photo.get_pixel(x, y);
                let tint = [1.04, 1.0, 0.97];
                let mut v = [0u8; 3];
                for c in 0..3 {
                    let base = p[c] as f64 + 0.7 * a * (smooth[c] / n - p[c] as f64);
                    v[c] = (base * (1.0 + LIFT * a * tint[c])).round().min(255.0) as u8;
                }
                scarred.put_pixel(x, y, image::Rgb(v));
            }
        }
        save_jpeg(&scarred, &out.join(format!("{}.jpg", f.name)));
        strip
            .save(out.join(format!("{}-strip.png", f.name)))
            .expect("write the mask");
        fue.save(out.join(format!("{}-fue.png", f.name)))
            .expect("write the mask");
        let _ = write!(
            geometry,
            "\n[{}]\nsource phone/{}\npx_per_cm {}\nstrip {:.1}",
            f.name,
            f.source,
            f.px_per_cm,
            STRIP_MM * mm
        );
        for p in line.iter().step_by(4) {
            let _ = write!(geometry, " {:.1},{:.1}", p.0, p.1);
        }
        let _ = write!(geometry, "\nfue");
        for (x, y, r) in &dots {
            let _ = write!(geometry, " {:.1},{:.1},{:.2}", x, y, 2.0 * r);
        }
        geometry.push('\n');
    }
    std::fs::write(out.join("scars.txt"), geometry).expect("write the geometry");
}

/// Saves at quality 88: small files, and JPEG's blocking stays below the
/// skin's own grain.
fn save_jpeg(img: &RgbImage, path: &Path) {
    let file = std::fs::File::create(path).expect("create the fixture");
    let mut enc =
        image::codecs::jpeg::JpegEncoder::new_with_quality(std::io::BufWriter::new(file), 88);
    enc.encode_image(img).expect("encode the fixture");
}
