//! Share-link codec: round trips, link lengths, versioning, rejection of
//! damaged and hostile input, and a seeded fuzz run.
//!
//! The record layout is re-implemented here from the module documentation
//! (CRC, base64url, varints, the design section), so crafted records also
//! check that the documentation matches the code.

use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use smp_preview::design::{Design, Edge, RelPoint, Shape};
use smp_preview::scalp::Dab;
use smp_preview::share::{
    decode, encode, quantize, quantize_strokes, ShareError, Shared, MAX_DABS, MAX_FRAGMENT_CHARS,
    MAX_PHOTO_BYTES, MAX_STROKES,
};
use smp_preview::view::View;
#[cfg(feature = "cli")]
use smp_preview::{hints::Hints, preview::Preview};

const NEWER: &str = "newer version";
/// Brush strokes or a photo out of range or over a cap.
const BEYOND: &str = "brush strokes or a photo beyond what the simulator makes";

fn base() -> Design {
    Design::for_photo(1350, 1350, RelPoint { x: 0.5, y: 0.38 }, 32.0)
}

// ---------------------------------------------------------------------------
// The format, written independently of src/share.rs

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

const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn b64(bytes: &[u8]) -> String {
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = String::new();
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
    out
}

fn unb64(text: &str) -> Vec<u8> {
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in text.bytes() {
        let v = ALPHABET.iter().position(|&a| a == c).expect("base64url") as u32;
        bits = bits << 6 | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

/// "v1." + base64url(sections + CRC).
fn seal(sections: &[u8]) -> String {
    let mut rec = sections.to_vec();
    rec.extend_from_slice(&crc16(sections).to_be_bytes());
    format!("v1.{}", b64(&rec))
}

/// The sections of a link (checksum dropped).
fn open(link: &str) -> Vec<u8> {
    let mut rec = unb64(link.strip_prefix("v1.").unwrap());
    rec.truncate(rec.len() - 2);
    rec
}

fn varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn section(out: &mut Vec<u8>, tag: u8, payload: &[u8]) {
    out.push(tag);
    varint(out, payload.len() as u32);
    out.extend_from_slice(payload);
}

/// The design section, field by field, as the module doc lays it out.
#[derive(Clone, Copy)]
struct Raw {
    density: u16,
    shade: u16,
    dot_mm: u16,
    px_per_cm: u16,
    session: u8,
    shape: u8,
    edge: u8,
    seed: u64,
    coords: [u16; 8],
}

impl Raw {
    /// [`base`] (whatever the defaults are today) by the documented grids.
    fn base() -> Raw {
        let d = base();
        let step = |v: f64, steps: f64| (v * steps).round() as u16;
        let c = |v: f64| step(v + 0.5, 8192.0);
        let [l, m, r] = d.hairline.handles;
        let g = d.glabella;
        Raw {
            density: step(d.density, 2.0),
            shade: step(d.shade, 200.0),
            dot_mm: step(d.dot_mm, 200.0),
            px_per_cm: step(d.px_per_cm, 100.0),
            session: d.session,
            shape: Shape::ALL
                .iter()
                .position(|&s| s == d.hairline.shape)
                .unwrap() as u8,
            edge: (d.edge == Edge::Defined) as u8,
            seed: d.seed,
            coords: [
                c(l.x),
                c(l.y),
                c(m.x),
                c(m.y),
                c(r.x),
                c(r.y),
                c(g.x),
                c(g.y),
            ],
        }
    }

    fn bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for v in [self.density, self.shade, self.dot_mm, self.px_per_cm] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&[self.session, self.shape, self.edge]);
        out.extend_from_slice(&self.seed.to_le_bytes());
        for c in self.coords {
            out.extend_from_slice(&c.to_le_bytes());
        }
        assert_eq!(out.len(), 35);
        out
    }

    fn section(&self) -> Vec<u8> {
        let mut out = Vec::new();
        section(&mut out, 0x01, &self.bytes());
        out
    }

    fn link(&self) -> String {
        seal(&self.section())
    }
}

/// A stroke as the link lays it out: flags, radius, centres in 1/8192 steps.
type RawStroke = (u8, u16, Vec<(i64, i64)>);

/// A change to one field of the design section.
type Change = Box<dyn Fn(&mut Raw)>;

/// A strokes section.
fn strokes_section(strokes: &[RawStroke]) -> Vec<u8> {
    let mut out = Vec::new();
    section(&mut out, 0x02, &strokes_payload(strokes));
    out
}

fn strokes_payload(strokes: &[RawStroke]) -> Vec<u8> {
    let zz = |v: i64| ((v << 1) ^ (v >> 63)) as u32;
    let mut p = Vec::new();
    varint(&mut p, strokes.len() as u32);
    for (flags, radius, points) in strokes {
        p.push(*flags);
        p.extend_from_slice(&radius.to_le_bytes());
        varint(&mut p, points.len() as u32);
        let mut prev = (0, 0);
        for &(x, y) in points {
            varint(&mut p, zz(x - prev.0));
            varint(&mut p, zz(y - prev.1));
            prev = (x, y);
        }
    }
    p
}

fn err(link: &str) -> String {
    match decode(link) {
        Err(ShareError(m)) => m,
        Ok(s) => panic!(
            "expected an error for {:?}, got {:?}",
            short(link),
            s.design
        ),
    }
}

fn short(s: &str) -> String {
    s.chars().take(80).collect()
}

// ---------------------------------------------------------------------------
// Generators

fn pick<T: Copy>(rng: &mut Pcg64Mcg, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

/// A valid design, often at the ends of the ranges and with handles closer
/// than a grid step.
fn random_design(rng: &mut Pcg64Mcg) -> Design {
    let mut d = base();
    let val = |rng: &mut Pcg64Mcg, lo: f64, hi: f64| match rng.random_range(0..8) {
        0 => lo,
        1 => hi,
        _ => rng.random_range(lo..=hi),
    };
    d.density = val(rng, 20.0, 100.0);
    d.shade = val(rng, 0.2, 1.0);
    d.dot_mm = val(rng, 0.15, 0.9);
    d.px_per_cm = val(rng, 4.0, 400.0);
    d.session = rng.random_range(1..=4);
    d.hairline.shape = pick(rng, &Shape::ALL);
    d.edge = pick(rng, &[Edge::Soft, Edge::Defined]);
    d.view = pick(rng, &View::ALL);
    d.thinning = rng.random();
    let any = rng.random();
    d.seed = pick(rng, &[0, 1, u64::MAX, 1 << 63, any]);
    let gap = if rng.random_bool(0.2) { 1e-6 } else { 0.3 };
    let m = val(rng, -0.5 + 2.0 * gap, 1.5 - 2.0 * gap);
    let l = rng.random_range((-0.5_f64).max(m - gap)..m);
    let r = rng.random_range(m..=(1.5_f64).min(m + gap));
    let r = if r == m { 1.5_f64.min(m + 1e-9) } else { r };
    for (h, x) in d.hairline.handles.iter_mut().zip([l, m, r]) {
        h.x = x;
        h.y = val(rng, -0.5, 1.5);
    }
    d.glabella = RelPoint {
        x: val(rng, -0.5, 1.5),
        y: val(rng, -0.5, 1.5),
    };
    d
}

/// A drag: `points` dabs walking a few pixels apart.
fn random_stroke(rng: &mut Pcg64Mcg, points: usize) -> Vec<Dab> {
    let (mut x, mut y) = (rng.random_range(0.2..0.8), rng.random_range(0.1..0.5));
    let radius = rng.random_range(0.005..0.06);
    let add = rng.random_bool(0.5);
    (0..points)
        .map(|_| {
            x += rng.random_range(-0.006..0.006);
            y += rng.random_range(-0.006..0.006);
            Dab {
                x,
                y,
                radius,
                add,
                scar: false,
            }
        })
        .collect()
}

fn fake_jpeg(rng: &mut Pcg64Mcg, len: usize) -> Vec<u8> {
    let mut p: Vec<u8> = (0..len).map(|_| rng.random()).collect();
    p[..4].copy_from_slice(&[0xFF, 0xD8, 0xFF, 0xE0]);
    let n = p.len();
    p[n - 2..].copy_from_slice(&[0xFF, 0xD9]);
    p
}

fn assert_close(a: f64, b: f64, step: f64, what: &str) {
    assert!((a - b).abs() <= step / 2.0 + 1e-12, "{what}: {a} vs {b}");
}

// ---------------------------------------------------------------------------
// Round trips

#[test]
fn every_field_round_trips() {
    let mut d = base();
    d.density = 55.3;
    d.shade = 0.8362;
    d.dot_mm = 0.301;
    d.px_per_cm = 57.234;
    d.session = 2;
    d.hairline.shape = Shape::Mature;
    d.edge = Edge::Defined;
    d.view = View::Back;
    d.thinning = true;
    d.seed = u64::MAX;
    d.glabella = RelPoint {
        x: 0.51234,
        y: 0.40111,
    };
    d.hairline.handles[1].y -= 0.01234;
    let mut rng = Pcg64Mcg::seed_from_u64(7);
    let strokes: Vec<Vec<Dab>> = (0..5).map(|i| random_stroke(&mut rng, 3 + 7 * i)).collect();

    let q = quantize(&d);
    assert_eq!(quantize(&q), q, "quantize is idempotent");
    let back = decode(&encode(&q, &strokes, None, None, None)).unwrap();
    assert_eq!(back.design, q);
    assert_eq!(
        decode(&encode(&d, &strokes, None, None, None))
            .unwrap()
            .design,
        q,
        "encode quantizes"
    );
    assert_eq!(back.design.seed, u64::MAX);
    assert_eq!(back.design.session, 2);
    assert_eq!(back.design.hairline.shape, Shape::Mature);
    assert_eq!(back.design.edge, Edge::Defined);
    assert_close(q.density, 55.3, 0.5, "density");
    assert_close(q.shade, 0.8362, 0.005, "shade");
    assert_close(q.dot_mm, 0.301, 0.005, "dot_mm");
    assert_close(q.px_per_cm, 57.234, 0.01, "px_per_cm");
    for (a, b) in q
        .hairline
        .handles
        .iter()
        .chain([&q.glabella])
        .zip(d.hairline.handles.iter().chain([&d.glabella]))
    {
        assert_close(a.x, b.x, 2.0 / 16384.0, "x");
        assert_close(a.y, b.y, 2.0 / 16384.0, "y");
    }
    assert_eq!(back.photo, None);

    assert_eq!(back.strokes, quantize_strokes(&strokes));
    assert_eq!(
        quantize_strokes(&back.strokes),
        back.strokes,
        "quantize_strokes is idempotent"
    );
    assert_eq!(back.strokes.len(), strokes.len());
    for (a, b) in back.strokes.iter().zip(&strokes) {
        assert_eq!(a.len(), b.len());
        for (p, o) in a.iter().zip(b) {
            assert_eq!(p.add, o.add);
            assert_close(p.x, o.x, 1.0 / 8192.0, "dab x");
            assert_close(p.y, o.y, 1.0 / 8192.0, "dab y");
            assert_close(p.radius, o.radius, 1.0 / 65536.0, "radius");
        }
    }

    // Every enum value, session and the seed's extremes.
    for shape in Shape::ALL {
        for edge in [Edge::Soft, Edge::Defined] {
            for session in 1..=4 {
                for seed in [0, 1, 1 << 63, u64::MAX - 1, u64::MAX] {
                    let mut e = q.clone();
                    e.hairline.shape = shape;
                    e.edge = edge;
                    e.session = session;
                    e.seed = seed;
                    assert_eq!(
                        decode(&encode(&e, &[], None, None, None)).unwrap().design,
                        e
                    );
                }
            }
        }
    }
}

#[test]
fn quantize_round_trips_and_keeps_validity_for_random_designs() {
    let mut rng = Pcg64Mcg::seed_from_u64(11);
    for _ in 0..20_000 {
        let d = random_design(&mut rng);
        d.validate().unwrap();
        let q = quantize(&d);
        assert_eq!(quantize(&q), q);
        q.validate()
            .unwrap_or_else(|e| panic!("{e}: {d:?} -> {q:?}"));
        assert_eq!(
            decode(&encode(&q, &[], None, None, None)).unwrap().design,
            q
        );
        assert_eq!(
            decode(&encode(&d, &[], None, None, None)).unwrap().design,
            q
        );

        // Break one field: it stays broken, and the link is refused.
        let mut bad = d.clone();
        match rng.random_range(0..9) {
            0 => {
                bad.density = pick(
                    &mut rng,
                    &[19.9, 19.76, 100.2, -1.0, 1e9, f64::NAN, f64::INFINITY],
                )
            }
            1 => bad.shade = pick(&mut rng, &[0.1999, 1.001, 0.0, f64::NAN]),
            2 => bad.dot_mm = pick(&mut rng, &[0.1499, 0.9001, -0.2, f64::NEG_INFINITY]),
            3 => bad.px_per_cm = pick(&mut rng, &[3.999, 400.001, 1e6, f64::NAN]),
            4 => bad.session = pick(&mut rng, &[0, 5, 255]),
            5 => bad.glabella.x = pick(&mut rng, &[-0.50001, 1.50001, -3.0, 9.0, f64::NAN]),
            6 => bad.hairline.handles[1].y = pick(&mut rng, &[-0.5000001, 1.5000001, f64::NAN]),
            7 => bad.hairline.handles[0].x = bad.hairline.handles[1].x,
            _ => bad.hairline.handles.swap(0, 2),
        }
        assert!(bad.validate().is_err());
        let qb = quantize(&bad);
        assert!(qb.validate().is_err(), "{bad:?} became valid: {qb:?}");
        assert_eq!(quantize(&qb), qb);
        assert!(decode(&encode(&bad, &[], None, None, None)).is_err());
    }
}

#[test]
fn layout_matches_the_module_documentation() {
    // The default design, byte for byte.
    assert_eq!(encode(&base(), &[], None, None, None), Raw::base().link());
    // A crafted record reads back as documented.
    let raw = Raw {
        density: 41,
        shade: 199,
        dot_mm: 31,
        px_per_cm: 12345,
        session: 4,
        shape: 1,
        edge: 1,
        seed: 0x0123_4567_89AB_CDEF,
        coords: [4096, 0, 8192, 16384, 12288, 1, 8192, 7000],
    };
    let mut rec = raw.section();
    rec.extend(strokes_section(&[
        (1, 655, vec![(100, -200), (8192, 16384)]),
        (0, 32767, vec![(-8192, 0)]),
    ]));
    let s = decode(&seal(&rec)).unwrap();
    let d = &s.design;
    assert_eq!(
        (d.density, d.shade, d.dot_mm, d.px_per_cm),
        (20.5, 0.995, 0.155, 123.45)
    );
    assert_eq!(
        (d.session, d.hairline.shape, d.edge, d.seed),
        (4, Shape::Rounded, Edge::Defined, 0x0123_4567_89AB_CDEF)
    );
    let p = |x: f64, y: f64| RelPoint { x, y };
    assert_eq!(
        d.hairline.handles,
        [p(0.0, -0.5), p(0.5, 1.5), p(1.0, -0.5 + 1.0 / 8192.0)]
    );
    assert_eq!(d.glabella, p(0.5, 7000.0 / 8192.0 - 0.5));
    let dab = |x: f64, y: f64, radius: f64, add: bool| Dab {
        x,
        y,
        radius,
        add,
        scar: false,
    };
    assert_eq!(
        s.strokes,
        vec![
            vec![
                dab(100.0 / 8192.0, -200.0 / 8192.0, 655.0 / 65536.0, true),
                dab(1.0, 2.0, 655.0 / 65536.0, true)
            ],
            vec![dab(-1.0, 0.0, 32767.0 / 65536.0, false)],
        ]
    );
}

#[test]
fn typical_link_is_short() {
    let link = encode(&base(), &[], None, None, None);
    println!(
        "typical link (no brush edits): {} characters: #{link}",
        link.len()
    );
    assert!(link.len() < 300, "{}", link.len());
    assert!(link.starts_with("v1."));
    assert!(link[3..].bytes().all(|c| ALPHABET.contains(&c)));
    let mut rng = Pcg64Mcg::seed_from_u64(3);
    let d = random_design(&mut rng);
    let with_two_strokes = encode(
        &d,
        &[random_stroke(&mut rng, 12), random_stroke(&mut rng, 20)],
        None,
        None,
        None,
    );
    println!(
        "with two short strokes (32 dabs): {} characters",
        with_two_strokes.len()
    );
}

#[test]
fn scar_marks_ride_in_links_in_the_order_they_were_made() {
    let mut rng = Pcg64Mcg::seed_from_u64(21);
    let mark = |mut s: Vec<Dab>, scar: bool| {
        s.iter_mut().for_each(|d| d.scar = scar);
        s
    };
    let strokes = vec![
        random_stroke(&mut rng, 12),
        mark(random_stroke(&mut rng, 9), true), // a strip scar
        mark(random_stroke(&mut rng, 1), true), // an FUE dot
        random_stroke(&mut rng, 5),
    ];
    let back = decode(&encode(&base(), &strokes, None, None, None))
        .unwrap()
        .strokes;
    assert_eq!(back, quantize_strokes(&strokes));
    let kinds: Vec<bool> = back.iter().map(|s| s[0].scar).collect();
    assert_eq!(kinds, [false, true, true, false]);
    assert!(back[1].iter().chain(&back[2]).all(|d| d.scar && d.add));
    // The independent writer: flags 3 is a scar, 2 is refused (see sections_are_strict).
    let rec = [
        Raw::base().section(),
        strokes_section(&[(3, 600, vec![(4000, 3000)]), (0, 600, vec![(10, 10)])]),
    ]
    .concat();
    let s = decode(&seal(&rec)).unwrap();
    assert!(s.strokes[0][0].scar && !s.strokes[1][0].scar);
}

#[test]
fn heavy_brush_edits_round_trip() {
    let mut rng = Pcg64Mcg::seed_from_u64(5);
    let strokes: Vec<Vec<Dab>> = (0..40).map(|_| random_stroke(&mut rng, 60)).collect();
    let d = quantize(&base());
    let link = encode(&d, &strokes, None, None, None);
    println!(
        "heavy brush edits (40 strokes x 60 dabs): {} characters ({:.1} per dab)",
        link.len(),
        link.len() as f64 / 2400.0
    );
    assert!(link.len() < 20_000);
    let back = decode(&link).unwrap();
    assert_eq!(back.design, d);
    assert_eq!(back.strokes, quantize_strokes(&strokes));
    assert_eq!(back.strokes.len(), 40);
}

#[test]
fn strokes_are_normalized_like_the_link() {
    let dab = |x: f64, radius: f64, add: bool| Dab {
        x,
        y: 0.5,
        radius,
        add,
        scar: false,
    };
    let strokes = vec![
        vec![
            dab(0.1, 0.02, true),
            dab(f64::NAN, 0.02, true),
            dab(0.2, 0.0, true),
            dab(0.3, 0.02, true),
        ],
        vec![
            dab(0.1, 0.02, true),
            dab(0.2, 0.03, true),
            dab(0.3, 0.03, false),
        ],
        vec![dab(-7.0, 0.9, false), dab(9.0, 1e-9, false)],
        vec![dab(f64::INFINITY, 0.02, true)],
    ];
    let q = quantize_strokes(&strokes);
    // Dabs that paint nothing go; a stroke splits where radius or mode change.
    assert_eq!(
        q.iter().map(Vec::len).collect::<Vec<_>>(),
        [2, 1, 1, 1, 1, 1]
    );
    assert_eq!(
        (q[4][0].x, q[4][0].radius, q[4][0].add),
        (-1.0, 32767.0 / 65536.0, false)
    );
    assert_eq!(
        (q[5][0].x, q[5][0].radius, q[5][0].add),
        (2.0, 1.0 / 65536.0, false)
    );
    assert_eq!(
        decode(&encode(&base(), &strokes, None, None, None))
            .unwrap()
            .strokes,
        q
    );
    assert_eq!(quantize_strokes(&q), q);
    assert!(quantize_strokes(&[vec![], vec![]]).is_empty());
}

#[test]
fn the_worst_case_within_the_caps_fits_and_more_is_left_out() {
    // Every dab jumps across the whole range: the longest coordinates.
    let per = MAX_DABS / MAX_STROKES;
    let strokes: Vec<Vec<Dab>> = (0..MAX_STROKES)
        .map(|i| {
            (0..per)
                .map(|j| {
                    let v = if j % 2 == 0 { -1.0 } else { 2.0 };
                    Dab {
                        x: v,
                        y: v,
                        radius: 0.4999,
                        add: i % 2 == 0,
                        scar: false,
                    }
                })
                .collect()
        })
        .collect();
    let mut rng = Pcg64Mcg::seed_from_u64(9);
    let photo = fake_jpeg(&mut rng, MAX_PHOTO_BYTES);
    let link = encode(&base(), &strokes, Some(&photo), None, None);
    println!(
        "worst case within the caps: {} characters (cap {MAX_FRAGMENT_CHARS})",
        link.len()
    );
    assert!(link.len() <= MAX_FRAGMENT_CHARS);
    let back = decode(&link).unwrap();
    assert_eq!(back.strokes.len(), MAX_STROKES);
    assert_eq!(back.strokes.iter().map(Vec::len).sum::<usize>(), MAX_DABS);
    assert_eq!(back.photo.as_deref(), Some(&photo[..]));

    // One stroke or one dab more, or a photo byte more, is left out.
    let mut more = strokes.clone();
    more.push(vec![Dab {
        x: 0.5,
        y: 0.5,
        radius: 0.01,
        add: true,
        scar: false,
    }]);
    assert_eq!(quantize_strokes(&more).len(), MAX_STROKES);
    let mut fat = strokes[..10].to_vec();
    fat.push(
        (0..MAX_DABS)
            .map(|_| Dab {
                x: 0.5,
                y: 0.5,
                radius: 0.01,
                add: true,
                scar: false,
            })
            .collect(),
    );
    assert_eq!(quantize_strokes(&fat).len(), 10);
    let mut big = photo.clone();
    big.push(0);
    assert_eq!(
        decode(&encode(&base(), &[], Some(&big), None, None))
            .unwrap()
            .photo,
        None
    );
}

#[test]
fn photo_is_carried_only_when_given() {
    let mut rng = Pcg64Mcg::seed_from_u64(13);
    let photo = fake_jpeg(&mut rng, 30_000);
    let d = quantize(&base());
    let strokes = vec![random_stroke(&mut rng, 10)];
    let link = encode(&d, &strokes, Some(&photo), None, None);
    println!("with a 30,000-byte photo: {} characters", link.len());
    assert!(link.len() < 30_000 * 4 / 3 + 200);
    let back = decode(&link).unwrap();
    assert_eq!(
        back,
        Shared {
            design: d.clone(),
            strokes: quantize_strokes(&strokes),
            photo: Some(photo),
            photo_id: None,
            outline: None
        }
    );
    assert_eq!(
        decode(&encode(&d, &strokes, None, None, None))
            .unwrap()
            .photo,
        None
    );
    // Not a JPEG: left out by encode, refused by decode.
    assert_eq!(
        decode(&encode(&d, &[], Some(b"GIF89a..."), None, None))
            .unwrap()
            .photo,
        None
    );
    assert_eq!(
        decode(&encode(&d, &[], Some(&[]), None, None))
            .unwrap()
            .photo,
        None
    );
    let mut rec = Raw::base().section();
    section(&mut rec, 0x03, b"<svg onload=alert(1)>");
    assert!(err(&seal(&rec)).contains(BEYOND));
    let mut rec = Raw::base().section();
    let mut huge = vec![0u8; MAX_PHOTO_BYTES + 1];
    huge[..3].copy_from_slice(&[0xFF, 0xD8, 0xFF]);
    section(&mut rec, 0x03, &huge);
    assert!(err(&seal(&rec)).contains(BEYOND));
}

#[cfg(feature = "cli")]
#[test]
fn a_real_small_jpeg_round_trips() {
    use image::codecs::jpeg::JpegEncoder;
    let (w, h) = (240u32, 240u32);
    let pixels: Vec<u8> = (0..w * h)
        .flat_map(|i| {
            let (x, y) = ((i % w) as f64 / w as f64, (i / w) as f64 / h as f64);
            let skin = ((x - 0.5).powi(2) + (y - 0.55).powi(2) < 0.12) as u8;
            [150 + 60 * skin, 130 + 40 * skin, (110.0 + 80.0 * y) as u8]
        })
        .collect();
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, 70)
        .encode(&pixels, w, h, image::ExtendedColorType::Rgb8)
        .unwrap();
    let link = encode(&base(), &[], Some(&jpeg), None, None);
    println!(
        "with a real {w}x{h} JPEG of {} bytes: {} characters",
        jpeg.len(),
        link.len()
    );
    let back = decode(&link).unwrap();
    assert_eq!(back.photo.as_deref(), Some(&jpeg[..]));
    image::load_from_memory(back.photo.as_deref().unwrap()).unwrap();
}

// ---------------------------------------------------------------------------
// Versions and sections

#[test]
fn newer_versions_ask_for_an_update() {
    for link in [
        "v2.AAAA",
        "v2.",
        "v2",
        "v3.anything at all",
        "v10.Zm9v",
        "v99999999999999999999999.x",
        "v2~new-syntax",
    ] {
        let m = err(link);
        assert!(
            m.contains(NEWER) && m.contains("update the page"),
            "{link}: {m}"
        );
    }
    // A version-1 record that a later release extended.
    let mut rec = Raw::base().section();
    section(&mut rec, 0x40, b"a required new feature");
    assert!(err(&seal(&rec)).contains(NEWER));
    let mut raw = Raw::base();
    raw.shape = 3;
    assert!(err(&raw.link()).contains(NEWER), "unknown shape");
    let mut raw = Raw::base();
    raw.edge = 2;
    assert!(err(&raw.link()).contains(NEWER), "unknown edge");
    // Optional sections (0x80 and up) are skipped.
    let mut rec = Raw::base().section();
    section(&mut rec, 0x90, b"an optional note");
    section(&mut rec, 0xFF, &[]);
    assert_eq!(decode(&seal(&rec)).unwrap().design, quantize(&base()));
    // Not a version at all.
    for link in [
        "v0.AAAA", "v01.AAAA", "v.AAAA", "V1.AAAA", "v1AAAA", "1.AAAA", "vx.AAAA",
    ] {
        let m = err(link);
        assert!(m.contains("not a share link"), "{link}: {m}");
    }
}

#[test]
fn sections_are_strict() {
    let design = Raw::base().section();
    let ok = decode(&seal(&design)).unwrap();
    assert_eq!(ok.design, quantize(&base()));
    let stroke = strokes_section(&[(1, 600, vec![(4000, 3000)])]);
    assert_eq!(
        decode(&seal(&[design.clone(), stroke.clone()].concat()))
            .unwrap()
            .strokes
            .len(),
        1
    );

    let bad: Vec<(&str, Vec<u8>)> = vec![
        ("no sections", vec![]),
        ("no design", stroke.clone()),
        ("out of order", [stroke.clone(), design.clone()].concat()),
        ("twice", [design.clone(), design.clone()].concat()),
        ("design too long", {
            let mut p = Raw::base().bytes();
            p.push(0);
            let mut out = Vec::new();
            section(&mut out, 0x01, &p);
            out
        }),
        ("design too short", {
            let mut out = Vec::new();
            section(&mut out, 0x01, &Raw::base().bytes()[..34]);
            out
        }),
        ("length past the end", {
            let mut out = design.clone();
            out.extend_from_slice(&[0x90, 0x05, 1, 2]);
            out
        }),
        (
            "overlong length",
            [vec![0x01, 0xA3, 0x00], Raw::base().bytes()].concat(),
        ),
        ("lone tag after", [design.clone(), vec![0x90]].concat()),
        (
            "empty strokes",
            [design.clone(), vec![0x02, 0x01, 0x00]].concat(),
        ),
        (
            "stroke flags",
            [design.clone(), strokes_section(&[(2, 600, vec![(1, 1)])])].concat(),
        ),
        (
            "stroke without dabs",
            [design.clone(), strokes_section(&[(1, 600, vec![])])].concat(),
        ),
        ("bytes after strokes", {
            let mut s = strokes_section(&[(1, 600, vec![(1, 1)])]);
            s[1] += 1;
            s.push(0);
            [design.clone(), s].concat()
        }),
    ];
    for (what, rec) in bad {
        let m = err(&seal(&rec));
        assert!(m.contains("damaged"), "{what}: {m}");
    }
}

// ---------------------------------------------------------------------------
// Damaged and hostile input

#[test]
fn truncated_tampered_and_padded_links_are_refused() {
    let mut rng = Pcg64Mcg::seed_from_u64(17);
    let link = encode(
        &base(),
        &[random_stroke(&mut rng, 6)],
        Some(&fake_jpeg(&mut rng, 40)),
        None,
        None,
    );
    decode(&link).unwrap();
    // Every truncation.
    for n in 0..link.len() {
        let m = err(&link[..n]);
        assert!(!m.is_empty());
    }
    // Every single changed character (a CRC-16 catches every burst of up to
    // 16 bits; unused trailing bits must be zero).
    let mut count = 0;
    for i in 0..link.len() {
        for &c in ALPHABET.iter().chain(b".v#=+/ <") {
            if link.as_bytes()[i] == c {
                continue;
            }
            let mut t = link.clone().into_bytes();
            t[i] = c;
            let t = String::from_utf8(t).unwrap();
            if t.trim_ascii().trim_start_matches('#') == link {
                continue; // the leading '#' and whitespace are forgiven
            }
            err(&t);
            count += 1;
        }
    }
    println!("{count} single-character changes refused");
    // Non-zero unused bits in the last character (one text per link).
    for extra in 0..3 {
        let mut rec = Raw::base().section();
        section(&mut rec, 0x90, &vec![0; extra]);
        let link = seal(&rec);
        decode(&link).unwrap();
        let body = link.len() - 3;
        if body.is_multiple_of(4) {
            continue;
        }
        let last = *link.as_bytes().last().unwrap();
        let v = ALPHABET.iter().position(|&a| a == last).unwrap();
        let odd = format!("{}{}", &link[..link.len() - 1], ALPHABET[v ^ 1] as char);
        assert!(err(&odd).contains("damaged"), "{body}");
    }
    // Trailing garbage and padding.
    for tail in [
        "A",
        "AA",
        "AAA",
        "AAAA",
        "=",
        "==",
        ".",
        "..",
        "#",
        "x",
        "\0",
        "é",
        "%20",
        "&utm_source=x",
        "<b>",
    ] {
        err(&format!("{link}{tail}"));
    }
    // Forgiven: a leading '#' and surrounding whitespace.
    assert_eq!(decode(&format!("#{link}")).unwrap(), decode(&link).unwrap());
    assert_eq!(
        decode(&format!("  {link}\n")).unwrap(),
        decode(&link).unwrap()
    );
    // A checksum mismatch says so.
    let mut rec = open(&link);
    rec[5] ^= 0x10;
    let mut tampered = rec.clone();
    tampered.extend_from_slice(&crc16(&open(&link)).to_be_bytes());
    assert!(err(&format!("v1.{}", b64(&tampered))).contains("checksum"));
}

#[test]
fn empty_garbage_and_huge_inputs_are_refused() {
    for link in [
        "",
        " ",
        "#",
        "##",
        "\n",
        "v",
        "v1",
        "v1.",
        "v1.A",
        "v1.AA",
        "v1.AAAA",
        "hello",
        "🙂",
        "v1.🙂🙂🙂🙂",
        "\0\0\0",
    ] {
        let m = err(link);
        assert!(m.len() > 20, "{link:?}: {m}");
    }
    assert!(err("").contains("empty"));
    for len in [MAX_FRAGMENT_CHARS + 1, 10_000_000] {
        let huge = format!("v1.{}", "A".repeat(len));
        assert!(err(&huge).contains("too long"));
    }
    // Just under the cap: read, then refused.
    err(&format!("v1.{}", "A".repeat(MAX_FRAGMENT_CHARS - 3)));
    err(&format!("v1.{}", "_".repeat(MAX_FRAGMENT_CHARS - 3)));
}

#[test]
fn markup_is_refused_and_never_echoed() {
    let inputs = [
        "<script>alert(1)</script>",
        "v1.<script>alert(1)</script>",
        "#v1.<script>",
        "v1.PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg",
        "v1.AAAA<b>x</b>",
        "<img src=x onerror=alert(1)>",
        "v1.\"><svg/onload=alert(1)>",
        "javascript:alert(1)",
        "v2.<script>alert(1)</script>",
        "v1.%3Cscript%3E",
        "v1.&lt;script&gt;",
    ];
    for link in inputs {
        let m = err(link);
        assert!(
            !m.contains('<') && !m.contains("script") && !m.contains("alert"),
            "{link}: {m}"
        );
    }
    // A record that is well formed apart from a markup-carrying section.
    let mut rec = Raw::base().section();
    section(&mut rec, 0x02, b"<script>alert(1)</script>");
    let m = err(&seal(&rec));
    assert!(!m.contains('<'), "{m}");
}

#[test]
fn out_of_range_values_are_rejected_not_clamped() {
    let cases: Vec<(&str, Change)> = vec![
        ("Density", Box::new(|r: &mut Raw| r.density = 1000)), // 500 dots/cm²
        ("Density", Box::new(|r: &mut Raw| r.density = 39)),
        ("Density", Box::new(|r: &mut Raw| r.density = 201)),
        ("Shade", Box::new(|r: &mut Raw| r.shade = 0)),
        ("Shade", Box::new(|r: &mut Raw| r.shade = 201)),
        ("Dot size", Box::new(|r: &mut Raw| r.dot_mm = 29)),
        ("Dot size", Box::new(|r: &mut Raw| r.dot_mm = u16::MAX)),
        ("Photo scale", Box::new(|r: &mut Raw| r.px_per_cm = 399)),
        ("Photo scale", Box::new(|r: &mut Raw| r.px_per_cm = 40001)),
        ("Session", Box::new(|r: &mut Raw| r.session = 0)),
        ("Session", Box::new(|r: &mut Raw| r.session = 5)),
        ("handle", Box::new(|r: &mut Raw| r.coords[7] = 16385)),
        ("handle", Box::new(|r: &mut Raw| r.coords[0] = u16::MAX)),
        ("temple", Box::new(|r: &mut Raw| r.coords.swap(0, 4))),
        ("temple", Box::new(|r: &mut Raw| r.coords[0] = r.coords[2])),
    ];
    for (what, change) in &cases {
        let mut raw = Raw::base();
        change(&mut raw);
        let m = err(&raw.link());
        assert!(
            m.contains(what) && m.contains("does not accept"),
            "{what}: {m}"
        );
    }
    let m = err(&{
        let mut raw = Raw::base();
        raw.density = 1000;
        raw.link()
    });
    assert!(m.contains("500") && m.contains("100"), "{m}");
    // The ends of the ranges are accepted.
    let mut raw = Raw::base();
    (
        raw.density,
        raw.shade,
        raw.dot_mm,
        raw.px_per_cm,
        raw.session,
    ) = (40, 40, 30, 400, 1);
    raw.coords = [0, 0, 1, 0, 16384, 16384, 0, 16384];
    let d = decode(&raw.link()).unwrap().design;
    assert_eq!(
        (d.density, d.shade, d.dot_mm, d.px_per_cm),
        (20.0, 0.2, 0.15, 4.0)
    );
    (
        raw.density,
        raw.shade,
        raw.dot_mm,
        raw.px_per_cm,
        raw.session,
    ) = (200, 200, 180, 40000, 4);
    let d = decode(&raw.link()).unwrap().design;
    assert_eq!(
        (d.density, d.shade, d.dot_mm, d.px_per_cm),
        (100.0, 1.0, 0.9, 400.0)
    );

    // Brush values.
    let design = Raw::base().section();
    let stroke = |flags: u8, radius: u16, points: Vec<(i64, i64)>| {
        seal(&[design.clone(), strokes_section(&[(flags, radius, points)])].concat())
    };
    assert!(err(&stroke(1, 0, vec![(1, 1)])).contains(BEYOND));
    assert!(err(&stroke(1, 32768, vec![(1, 1)])).contains(BEYOND));
    assert!(err(&stroke(0, 600, vec![(16385, 0)])).contains(BEYOND));
    assert!(err(&stroke(0, 600, vec![(0, -8193)])).contains(BEYOND));
    assert!(err(&stroke(0, 600, vec![(16384, 0), (16385, 0)])).contains(BEYOND));
    decode(&stroke(0, 32767, vec![(16384, -8192), (-8192, 16384)])).unwrap();
    // Counts over the caps, refused before anything is allocated.
    let mut p = Vec::new();
    varint(&mut p, MAX_STROKES as u32 + 1);
    let mut rec = design.clone();
    section(&mut rec, 0x02, &p);
    assert!(err(&seal(&rec)).contains(BEYOND));
    let mut p = vec![0x01, 0x01, 0x58, 0x02];
    varint(&mut p, MAX_DABS as u32 + 1);
    let mut rec = design.clone();
    section(&mut rec, 0x02, &p);
    assert!(err(&seal(&rec)).contains(BEYOND));
    let mut p = vec![0x01];
    varint(&mut p, u32::MAX);
    let mut rec = design;
    section(&mut rec, 0x02, &p);
    err(&seal(&rec));
}

// ---------------------------------------------------------------------------
// Fuzz

/// Checks one decode: never a panic (a panic fails the test); anything
/// accepted is valid, within the caps and a fixed point of the codec.
fn check(input: &str, accepted: &mut usize) {
    if let Ok(s) = decode(input) {
        *accepted += 1;
        s.design
            .validate()
            .unwrap_or_else(|e| panic!("decoded an invalid design from {:?}: {e}", short(input)));
        assert_eq!(quantize(&s.design), s.design);
        assert!(s.strokes.len() <= MAX_STROKES);
        assert!(s.strokes.iter().map(Vec::len).sum::<usize>() <= MAX_DABS);
        assert!(s.photo.as_ref().is_none_or(|p| p.len() <= MAX_PHOTO_BYTES));
        assert_eq!(
            decode(&encode(
                &s.design,
                &s.strokes,
                s.photo.as_deref(),
                s.photo_id,
                None
            ))
            .as_ref(),
            Ok(&s)
        );
    }
}

fn mutate_bytes(rng: &mut Pcg64Mcg, bytes: &mut Vec<u8>, alphabet: &[u8]) {
    for _ in 0..rng.random_range(1..=3) {
        let n = bytes.len();
        match rng.random_range(0..7) {
            0 if n > 0 => {
                let i = rng.random_range(0..n);
                bytes[i] ^= 1 << rng.random_range(0..8);
            }
            1 if n > 0 => bytes.truncate(rng.random_range(0..n)),
            2 => {
                let c = if rng.random_bool(0.8) {
                    pick(rng, alphabet)
                } else {
                    rng.random()
                };
                bytes.insert(rng.random_range(0..=n), c);
            }
            3 if n > 0 => {
                bytes.remove(rng.random_range(0..n));
            }
            4 if n > 1 => {
                let a = rng.random_range(0..n);
                let b = rng.random_range(a..n.min(a + 8) + 1).min(n);
                let chunk = bytes[a..b].to_vec();
                let at = rng.random_range(0..=n);
                bytes.splice(at..at, chunk);
            }
            5 if n > 0 => {
                let i = rng.random_range(0..n);
                bytes[i] = pick(rng, &[0x00, 0x01, 0x02, 0x03, 0x7F, 0x80, 0x90, 0xFF]);
            }
            _ if n > 1 => {
                let (i, j) = (rng.random_range(0..n), rng.random_range(0..n));
                bytes.swap(i, j);
            }
            _ => bytes.push(pick(rng, alphabet)),
        }
    }
}

#[test]
fn fuzz_decode_never_panics() {
    let total: usize = if cfg!(debug_assertions) {
        100_000
    } else {
        1_000_000
    };
    let mut rng = Pcg64Mcg::seed_from_u64(0x5EED_1234);

    // Valid links to mutate: plain, with strokes, with a tiny photo.
    let mut corpus: Vec<String> = Vec::new();
    for i in 0..48 {
        let d = random_design(&mut rng);
        let strokes: Vec<Vec<Dab>> = (0..i % 4)
            .map(|_| {
                let n = rng.random_range(1..13);
                random_stroke(&mut rng, n)
            })
            .collect();
        let len = rng.random_range(4..44);
        let photo = (i % 3 == 2).then(|| fake_jpeg(&mut rng, len));
        corpus.push(encode(&d, &strokes, photo.as_deref(), None, None));
    }
    let records: Vec<Vec<u8>> = corpus.iter().map(|l| open(l)).collect();
    let raw_bytes = |rng: &mut Pcg64Mcg| {
        Raw {
            density: rng.random_range(30..220),
            shade: rng.random_range(30..220),
            dot_mm: rng.random_range(20..200),
            px_per_cm: rng.random_range(300..41000),
            session: rng.random_range(0..6),
            shape: rng.random_range(0..4),
            edge: rng.random_range(0..3),
            seed: rng.random(),
            coords: std::array::from_fn(|_| rng.random_range(0..17000)),
        }
        .bytes()
    };

    let start = Instant::now();
    let mut kinds = [0usize; 5];
    let mut accepted = [0usize; 5];
    for i in 0..total {
        let kind = i % 5;
        kinds[kind] += 1;
        let input = match kind {
            // Random bytes as text.
            0 => {
                let n = rng.random_range(0..48);
                let b: Vec<u8> = (0..n).map(|_| rng.random()).collect();
                String::from_utf8_lossy(&b).into_owned()
            }
            // Random base64url after a (usually) right prefix.
            1 => {
                let prefix = pick(&mut rng, &["v1.", "v1.", "v1.", "#v1.", "v2.", "v1", ""]);
                let n = rng.random_range(0..160);
                let body: String = (0..n).map(|_| pick(&mut rng, ALPHABET) as char).collect();
                format!("{prefix}{body}")
            }
            // A valid link's text, mutated.
            2 => {
                let mut b = corpus[rng.random_range(0..corpus.len())]
                    .clone()
                    .into_bytes();
                mutate_bytes(&mut rng, &mut b, ALPHABET);
                String::from_utf8_lossy(&b).into_owned()
            }
            // A valid record, mutated, with a correct checksum: reaches the parser.
            3 => {
                let mut b = records[rng.random_range(0..records.len())].clone();
                mutate_bytes(&mut rng, &mut b, &[0, 1, 2, 3, 0x40, 0x80, 0x90, 0xFF]);
                seal(&b)
            }
            // Random sections, checksummed: a design of plausible values
            // (often out of range), strokes, photo and unknown tags.
            _ => {
                let mut rec = Vec::new();
                for tag in [0x01u8, 0x02, 0x03, 0x40, 0x90] {
                    if !rng.random_bool(if tag == 0x01 { 0.95 } else { 0.3 }) {
                        continue;
                    }
                    let payload: Vec<u8> = match tag {
                        0x01 => raw_bytes(&mut rng),
                        0x02 => {
                            let strokes: Vec<RawStroke> = (0..rng.random_range(0..4))
                                .map(|_| {
                                    let pts = (0..rng.random_range(0..5))
                                        .map(|_| {
                                            (
                                                rng.random_range(-9000..17000),
                                                rng.random_range(-9000..17000),
                                            )
                                        })
                                        .collect();
                                    (rng.random_range(0..3), rng.random_range(0..33000), pts)
                                })
                                .collect();
                            strokes_payload(&strokes)
                        }
                        0x03 => {
                            let (len, skip) = (rng.random_range(4..20), rng.random_range(0..2));
                            fake_jpeg(&mut rng, len)[skip..].to_vec()
                        }
                        _ => (0..rng.random_range(0..6)).map(|_| rng.random()).collect(),
                    };
                    section(&mut rec, tag, &payload);
                }
                seal(&rec)
            }
        };
        check(&input, &mut accepted[kind]);
    }
    let elapsed = start.elapsed();
    println!(
        "fuzz: {total} inputs in {:.2} s ({} build); per kind [random bytes, random base64, text mutations, \
         checksummed record mutations, random sections] = {kinds:?}, accepted {accepted:?}",
        elapsed.as_secs_f64(),
        if cfg!(debug_assertions) { "debug" } else { "release" },
    );
    // Random text is never a link, and the checksum refuses nearly every
    // mutated link (a mutation can also leave a link as it was: a swap of
    // two equal characters, an empty chunk copied).
    assert_eq!(accepted[..2], [0, 0], "random text decoded as a link");
    assert!(
        accepted[2] * 10 < kinds[2],
        "mutated links accepted: {accepted:?} of {kinds:?}"
    );
    // The checksummed kinds must reach the parser and sometimes pass it.
    assert!(accepted[3] > 0 && accepted[4] > 0, "{accepted:?}");
}

#[test]
fn journey_fields_round_trip_and_stay_out_of_default_links() {
    let plain = encode(&base(), &[], None, None, None);
    let mut d = base();
    d.months = 37.0;
    d.thinning = true;
    d.temple_half_cm = 5.12;
    let link = encode(&d, &[], None, None, None);
    assert!(
        link.len() > plain.len() && link.len() < 300,
        "{} vs {}",
        link.len(),
        plain.len()
    );
    let back = decode(&link).unwrap().design;
    assert_eq!(back, quantize(&d));
    assert_eq!(
        (back.months, back.thinning, back.temple_half_cm),
        (37.0, true, 5.12)
    );
    // Out of range is refused, not clamped.
    d.months = 200.0;
    assert!(decode(&encode(&d, &[], None, None, None)).is_err());
}

#[test]
fn the_photo_id_travels_when_given() {
    let d = quantize(&base());
    let plain = encode(&d, &[], None, Some(0xDEAD_BEEF), None);
    assert_eq!(decode(&plain).unwrap().photo_id, Some(0xDEAD_BEEF));
    assert_eq!(
        decode(&encode(&d, &[], None, None, None)).unwrap().photo_id,
        None
    );
    // An optional section: a decoder that did not know it skipped it.
    assert_eq!(plain.len(), encode(&d, &[], None, None, None).len() + 8);
}

// ---------------------------------------------------------------------------
// The models' answers (section 0x81)

#[cfg(feature = "cli")]
/// A phone photo and the on-device models' outputs for it
/// (`tests/model-hints/`, as the widget passes them).
fn photo_with_hints(name: &str) -> (smp_preview::photo::Rgba, Hints) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let img = image::open(root.join("../shared/photos").join(name))
        .expect("the shared test photos beside the repo (../shared/photos)")
        .to_rgba8();
    let (w, h) = img.dimensions();
    let photo = smp_preview::photo::Rgba::new(w, h, img.into_raw()).unwrap();
    let file = name.trim_start_matches("phone/");
    let person = image::open(root.join(format!("tests/model-hints/{file}.png")))
        .unwrap()
        .to_luma8()
        .into_raw();
    let faces = std::fs::read_to_string(root.join("tests/model-hints/faces.txt")).unwrap();
    let line: Vec<&str> = faces
        .lines()
        .find(|l| l.split_whitespace().next() == Some(name))
        .unwrap()
        .split_whitespace()
        .collect();
    // Score then keypoints; nothing when no face was found.
    let mut flat: Vec<f64> = line[1..]
        .iter()
        .take(1)
        .map(|v| v.parse().unwrap())
        .collect();
    for p in line.iter().skip(2) {
        let (x, y) = p.split_once(',').unwrap();
        flat.extend([x.parse::<f64>().unwrap(), y.parse().unwrap()]);
    }
    let hints = Hints::from_flat(w, h, person, &flat).unwrap();
    (photo, hints)
}

/// A link made on a preview that used the models, opened where they do
/// not run, gives the sender's dots (a profile: the face's ear and nose
/// place the side's limit, so the face travels too); without the section the
/// receiver would see the classical guess.
#[cfg(feature = "cli")]
#[test]
fn a_models_preview_link_opens_the_same_without_the_models() {
    for name in [
        "phone/left_n2_01_6bc2f4b4.jpg",
        "phone/top-down_n5_10_afcdca0e.jpg",
    ] {
        let (photo, hints) = photo_with_hints(name);
        let mut sender = Preview::with_hints(photo.clone(), hints);
        let design = quantize(sender.design());
        sender.set_design(design).unwrap();
        let outline = sender.outline().cloned().expect("the models ran");
        let plain = encode(sender.design(), &[], None, Some(photo.id()), None);
        let link = encode(sender.design(), &[], None, Some(photo.id()), Some(&outline));
        println!(
            "{name}: link {} characters, {} with the outline ({} rows)",
            plain.len(),
            link.len(),
            outline.edges.len()
        );
        assert!(link.len() - plain.len() <= 418, "{name}: {}", link.len());
        let shared = decode(&link).unwrap();
        assert_eq!(shared.outline.as_ref(), Some(&outline));
        // The receiver: no models, the sender's photo.
        let mut receiver = Preview::from_outline(photo.clone(), shared.outline.unwrap());
        receiver.set_design(shared.design.clone()).unwrap();
        let want = sender.visible_dots();
        assert!(want.len() > 100, "{name}: {} dots", want.len());
        assert_eq!(receiver.visible_dots(), want, "{name}");
        // What it would have been without the section: the classical mask.
        let mut classical = Preview::new(photo);
        classical.set_design(shared.design).unwrap();
        assert_ne!(classical.visible_dots(), want, "{name}");
        // An older link (no section) still opens.
        assert_eq!(decode(&plain).unwrap().outline, None);
    }
}

#[test]
fn a_damaged_outline_section_is_a_damaged_link() {
    let design = Raw::base().section();
    // Rows 0x100 to 0x300, then n edges 0x800 to 0x400 (x grid).
    let rows = [0x00, 0x01, 0x30];
    let edge = [0x00, 0x08, 0x40];
    let ok = |n: usize, face: &[u8]| {
        let mut p = face.to_vec();
        p.extend_from_slice(&rows);
        (0..n).for_each(|_| p.extend_from_slice(&edge));
        let mut out = design.clone();
        section(&mut out, 0x81, &p);
        seal(&out)
    };
    let read = decode(&ok(2, &[0])).unwrap().outline.unwrap();
    assert_eq!(read.rows, [0x100, 0x300]);
    assert_eq!(read.edges, vec![[0x800, 0x400]; 2]);
    assert_eq!(read.face, None);
    let with_face = [[200].as_slice(), &[0x10, 0x20, 0x30].repeat(6)].concat();
    let read = decode(&ok(96, &with_face)).unwrap().outline.unwrap();
    assert_eq!((read.face.unwrap().0, read.edges.len()), (200, 96));
    let upside_down = {
        let mut out = design.clone();
        section(
            &mut out,
            0x81,
            &[[0, 0x00, 0x03, 0x10].as_slice(), &edge, &edge].concat(),
        );
        seal(&out)
    };
    for (what, link) in [
        ("one edge", ok(1, &[0])),
        ("97 edges", ok(97, &[0])),
        ("the last row above the first", upside_down),
        ("a face cut short", ok(0, &[200, 1, 2, 3])),
        ("empty", ok(0, &[])),
        ("a pair cut", {
            let mut out = design.clone();
            section(&mut out, 0x81, &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
            seal(&out)
        }),
    ] {
        let m = err(&link);
        assert!(m.contains("damaged"), "{what}: {m}");
    }
}
