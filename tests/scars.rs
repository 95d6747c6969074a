//! Scar camouflage, measured on the fixtures of `tests/fixtures/scars/`
//! (made by `examples/scar_fixtures.rs`): pale strip and FUE scars on
//! phone photos of light, medium and dark skin.
//!
//! Concealment is the scar's contrast against the skin around it as a
//! person sees it at arm's length: luma blurred with a Gaussian of 1 mm
//! (three box passes; at 1 m a 1 mm period is some 17 cycles per degree,
//! where contrast sensitivity has fallen off, so single dots merge into a
//! tone while a 4 mm strip still shows), then the scar's mean (its
//! ground-truth mask) against the median of a ring 6-10 mm away (past the
//! engine's 5 mm blended band, so the band's extra dots do not count as
//! reference). FUE scars are measured one by one, each against the
//! median of its own ring 1.5-2.5 mm away (the skin between them), and
//! their contrasts averaged (see `fue_contrast`). Weber contrast, so
//! darkening everything alike (plain SMP) does not count as concealment.

use smp_preview::design::RelPoint;
use smp_preview::photo::Rgba;
use smp_preview::preview::Preview;
use smp_preview::scalp::{Dab, ScalpMask};
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scars")
}

fn load(path: &Path) -> Rgba {
    let img = image::open(path).expect("fixture").to_rgba8();
    Rgba::new(img.width(), img.height(), img.into_raw()).expect("photo")
}

fn mask(path: &Path) -> Vec<u8> {
    image::open(path).expect("mask").to_luma8().into_raw()
}

/// One fixture's geometry from `scars.txt`.
struct Geometry {
    name: String,
    px_per_cm: f64,
    strip_width: f64,
    strip: Vec<(f64, f64)>,
    fue: Vec<(f64, f64, f64)>,
}

fn geometry() -> Vec<Geometry> {
    let text = std::fs::read_to_string(dir().join("scars.txt")).expect("scars.txt");
    let mut out: Vec<Geometry> = Vec::new();
    let num = |s: &str| -> Vec<f64> { s.split(',').map(|v| v.parse().unwrap()).collect() };
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let mut words = line.split_whitespace();
        match words.next() {
            Some(w) if w.starts_with('[') => out.push(Geometry {
                name: w.trim_matches(['[', ']']).to_string(),
                px_per_cm: 0.0,
                strip_width: 0.0,
                strip: Vec::new(),
                fue: Vec::new(),
            }),
            Some("px_per_cm") => out.last_mut().unwrap().px_per_cm = num(words.next().unwrap())[0],
            Some("strip") => {
                let g = out.last_mut().unwrap();
                g.strip_width = num(words.next().unwrap())[0];
                g.strip = words.map(|p| (num(p)[0], num(p)[1])).collect();
            }
            Some("fue") => {
                out.last_mut().unwrap().fue =
                    words.map(|p| (num(p)[0], num(p)[1], num(p)[2])).collect()
            }
            _ => {}
        }
    }
    out
}

/// Dabs every 2 px along `points` (pixels), `radius` px, as a drag would.
fn drag(points: &[(f64, f64)], radius: f64, w: f64, h: f64) -> Vec<Dab> {
    let mut dabs = Vec::new();
    for s in points.windows(2) {
        let n = ((s[1].0 - s[0].0).hypot(s[1].1 - s[0].1) / 2.0)
            .ceil()
            .max(1.0) as usize;
        for k in 0..=n {
            let t = k as f64 / n as f64;
            dabs.push(Dab {
                x: (s[0].0 + t * (s[1].0 - s[0].0)) / w,
                y: (s[0].1 + t * (s[1].1 - s[0].1)) / h,
                radius: radius / w,
                add: true,
                scar: true,
            });
        }
    }
    dabs
}

/// How a person marks each scar: the strip traced with a brush 3 mm wider
/// than the scar; the FUE patch painted over in rows.
fn marks(g: &Geometry, w: f64, h: f64) -> (Vec<Dab>, Vec<Dab>) {
    let mm = g.px_per_cm / 10.0;
    let strip = drag(&g.strip, g.strip_width / 2.0 + 1.5 * mm, w, h);
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(x, y, _) in &g.fue {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    let mut zigzag = Vec::new();
    let mut y = y0 - 1.5 * mm;
    let mut left = true;
    while y <= y1 + 1.5 * mm {
        let (a, b) = if left {
            (x0 - 1.5 * mm, x1 + 1.5 * mm)
        } else {
            (x1 + 1.5 * mm, x0 - 1.5 * mm)
        };
        zigzag.push((a, y));
        zigzag.push((b, y));
        y += 2.5 * mm;
        left = !left;
    }
    (strip, drag(&zigzag, 2.0 * mm, w, h))
}

/// The design a person makes of a top or back view: the fixture's scale,
/// and the hairline handles dragged down past the photo, so the whole
/// scalp is pigmented (the default places a front hairline).
fn whole_scalp(p: &mut Preview, px_per_cm: f64) {
    let mut d = p.design().clone();
    d.px_per_cm = px_per_cm;
    let at = |x, y| RelPoint { x, y };
    d.hairline.handles = [at(0.05, 1.4), at(0.5, 1.45), at(0.95, 1.4)];
    d.glabella = at(0.5, 1.5);
    p.set_design(d).expect("design");
}

/// Luma of an RGBA frame, 0..1.
fn luma(rgba: &[u8]) -> Vec<f32> {
    rgba.chunks_exact(4)
        .map(|p| (0.2126 * p[0] as f32 + 0.7152 * p[1] as f32 + 0.0722 * p[2] as f32) / 255.0)
        .collect()
}

/// Box blur, window 2r+1, averaged over the part inside the image.
fn box_blur(v: &[f32], w: usize, h: usize, r: usize) -> Vec<f32> {
    let mut tmp = vec![0f32; w * h];
    for y in 0..h {
        for x in 0..w {
            let (a, b) = (x.saturating_sub(r), (x + r).min(w - 1));
            tmp[y * w + x] = v[y * w + a..=y * w + b].iter().sum::<f32>() / (b - a + 1) as f32;
        }
    }
    let mut out = vec![0f32; w * h];
    for y in 0..h {
        let (a, b) = (y.saturating_sub(r), (y + r).min(h - 1));
        for x in 0..w {
            out[y * w + x] = (a..=b).map(|yy| tmp[yy * w + x]).sum::<f32>() / (b - a + 1) as f32;
        }
    }
    out
}

/// A Gaussian of `sigma` px, as three box passes.
fn gauss(v: &[f32], w: usize, h: usize, sigma: f64) -> Vec<f32> {
    // Three passes of width 2r+1 have variance 3 * ((2r+1)^2 - 1) / 12.
    let r = ((((4.0 * sigma * sigma) + 1.0).sqrt() - 1.0) / 2.0)
        .round()
        .max(1.0) as usize;
    box_blur(&box_blur(&box_blur(v, w, h, r), w, h, r), w, h, r)
}

/// The scar's pixels (`truth` >= 128) and those of the ring `ring_mm` away
/// from it.
fn scar_and_ring(
    truth: &[u8],
    (w, h): (usize, usize),
    px_per_cm: f64,
    ring_mm: (f64, f64),
) -> (Vec<bool>, Vec<bool>) {
    let t: Vec<f32> = truth.iter().map(|&v| (v >= 128) as u8 as f32).collect();
    let near = box_blur(&t, w, h, (ring_mm.0 / 10.0 * px_per_cm) as usize);
    let far = box_blur(&t, w, h, (ring_mm.1 / 10.0 * px_per_cm) as usize);
    let ring = (0..w * h)
        .map(|i| t[i] == 0.0 && near[i] == 0.0 && far[i] > 0.0)
        .collect();
    (t.iter().map(|&v| v > 0.0).collect(), ring)
}

/// Weber contrast of the scar (`truth` >= 128) against the skin in a ring
/// `ring_mm` away from it, in `frame` blurred to arm's length.
fn contrast(
    frame: &[u8],
    truth: &[u8],
    w: usize,
    h: usize,
    px_per_cm: f64,
    ring_mm: (f64, f64),
) -> f64 {
    let l = gauss(&luma(frame), w, h, 0.1 * px_per_cm);
    let (on_scar, in_ring) = scar_and_ring(truth, (w, h), px_per_cm, ring_mm);
    let (mut scar, mut n) = (0.0, 0.0);
    let mut ring = Vec::new();
    for i in 0..w * h {
        if on_scar[i] {
            scar += l[i] as f64;
            n += 1.0;
        } else if in_ring[i] {
            ring.push(l[i]);
        }
    }
    ring.sort_by(f32::total_cmp);
    let k = ring[ring.len() / 2] as f64;
    (scar / n - k) / k
}

/// How much more green and blue (shares of r + g + b) the inked pixels of
/// the scar (`truth` >= 128, or only its palest quarter in the photo, where
/// the camera may have clipped it to white; where the camouflage inks
/// nothing the scar keeps its own colour) have than the skin in a ring
/// `ring_mm` away, in `frame`: the pigment keeps the warm neutral hue of the pigmented skin
/// around, never drifting to blue or green (DOMAIN.md).
fn hue_excess(
    frame: &[u8],
    photo: &[u8],
    truth: &[u8],
    (w, h): (usize, usize),
    px_per_cm: f64,
    ring_mm: (f64, f64),
    palest: bool,
) -> [f64; 2] {
    let (on_scar, in_ring) = scar_and_ring(truth, (w, h), px_per_cm, ring_mm);
    let photo_l = luma(photo);
    let mut scar_l: Vec<f32> = (0..w * h)
        .filter(|&i| on_scar[i])
        .map(|i| photo_l[i])
        .collect();
    scar_l.sort_by(f32::total_cmp);
    let cut = if palest {
        scar_l[scar_l.len() * 3 / 4]
    } else {
        f32::MIN
    };
    let chroma = |i: usize| {
        let p = &frame[i * 4..i * 4 + 3];
        let sum = (p[0] as f64 + p[1] as f64 + p[2] as f64).max(1.0);
        [p[1] as f64 / sum, p[2] as f64 / sum]
    };
    // The ring's hue near each scar pixel (within the ring's outer
    // reach): the skin's hue changes along a strip (a shadowed side is
    // redder), so each pixel is compared with the skin beside it.
    let in_ring: Vec<f32> = in_ring.iter().map(|&r| r as u8 as f32).collect();
    let reach = (ring_mm.1 / 10.0 * px_per_cm) as usize;
    let weight = box_blur(&in_ring, w, h, reach);
    let local = |k: usize| {
        let v: Vec<f32> = (0..w * h)
            .map(|i| chroma(i)[k] as f32 * in_ring[i])
            .collect();
        box_blur(&v, w, h, reach)
    };
    let ring = [local(0), local(1)];
    let (mut up, mut n) = ([0.0; 2], 0.0);
    for i in 0..w * h {
        let inked = frame[i * 4..i * 4 + 3] != photo[i * 4..i * 4 + 3];
        if on_scar[i] && photo_l[i] >= cut && inked && weight[i] > 0.0 {
            let c = chroma(i);
            for k in 0..2 {
                up[k] += c[k] - (ring[k][i] / weight[i]) as f64;
            }
            n += 1.0;
        }
    }
    [up[0] / n, up[1] / n]
}

/// FUE scars one by one: each scar's mean (its ground-truth pixels within
/// its own disc) against the median of its own ring 1.5-2.5 mm away (the
/// skin right around it, other scars left out), in `frame` blurred to arm's
/// length; the mean of those contrasts (what the patch of scars shows at
/// 1 m), and the mean of their sizes (scar by scar, which the skin's own
/// mottle and where the random dots fall keep from 0: on the photos
/// without scars, 0.4-0.7%). Pooling every scar against one ring median,
/// as this test did first, compared a mean with a median over a patch
/// whose lighting changes across it: on the dark fixture the ring's mean
/// is 2.4% under its median, as large as the scars' own contrast.
fn fue_contrast(frame: &[u8], truth: &[u8], w: usize, g: &Geometry) -> (f64, f64) {
    let h = truth.len() / w;
    let l = gauss(&luma(frame), w, h, 0.1 * g.px_per_cm);
    let mm = g.px_per_cm / 10.0;
    let (mut sum, mut size) = (0.0, 0.0);
    for &(cx, cy, d) in &g.fue {
        let reach = d / 2.0 + 2.5 * mm + 1.0;
        let (mut scar, mut n, mut ring) = (0.0, 0.0, Vec::new());
        for y in ((cy - reach).max(0.0) as usize)..((cy + reach) as usize).min(h) {
            for x in ((cx - reach).max(0.0) as usize)..((cx + reach) as usize).min(w) {
                let r = (x as f64 - cx).hypot(y as f64 - cy);
                let i = y * w + x;
                if truth[i] >= 128 && r < d / 2.0 + 2.0 {
                    scar += l[i] as f64;
                    n += 1.0;
                } else if truth[i] < 128 && r >= d / 2.0 + 1.5 * mm && r < d / 2.0 + 2.5 * mm {
                    ring.push(l[i]);
                }
            }
        }
        ring.sort_by(f32::total_cmp);
        let k = ring[ring.len() / 2] as f64;
        sum += (scar / n - k) / k;
        size += ((scar / n - k) / k).abs();
    }
    let n = g.fue.len() as f64;
    (sum / n, size / n)
}

#[test]
fn camouflage_conceals_every_fixture_scar() {
    let mut failures = Vec::new();
    for g in geometry() {
        let photo = load(&dir().join(format!("{}.jpg", g.name)));
        let (w, h) = (photo.width as usize, photo.height as usize);
        let (strip, fue) = marks(&g, w as f64, h as f64);
        // A strip against the skin 6-10 mm away, past the 5 mm blended
        // band; FUE scars against the skin between them (1.5-2.5 mm away:
        // an FUE scar is seen against the skin right around it).
        for (kind, dabs, ring) in [("strip", strip, (6.0, 10.0)), ("fue", fue, (1.5, 2.5))] {
            let truth = mask(&dir().join(format!("{}-{kind}.png", g.name)));
            let mut p = Preview::new(photo.clone());
            whole_scalp(&mut p, g.px_per_cm);
            let measure = |frame: &[u8]| {
                if kind == "fue" {
                    let (mean, size) = fue_contrast(frame, &truth, w, &g);
                    eprintln!(
                        "{:6} fue scar by scar: mean {mean:+.4}, mean size {size:.4}",
                        g.name
                    );
                    mean
                } else {
                    contrast(frame, &truth, w, h, g.px_per_cm, ring)
                }
            };
            let raw = measure(&photo.data);
            let plain = p.render().to_vec();
            let before = measure(&plain);
            p.scar(dabs);
            let camouflaged = p.render().to_vec();
            let after = measure(&camouflaged);
            if kind == "fue" {
                // The pooled figure as it was measured before, for reference
                // (see `fue_contrast` for why it is not the one held).
                let pooled = |f: &[u8]| contrast(f, &truth, w, h, g.px_per_cm, ring);
                eprintln!(
                    "{:6} fue pooled (one ring median): {:+.3} -> {:+.3}: reduced {:.0}%",
                    g.name,
                    pooled(&plain),
                    pooled(&camouflaged),
                    100.0 * (1.0 - pooled(&camouflaged).abs() / pooled(&plain).abs())
                );
            }
            if let Ok(out) = std::env::var("SCAR_DUMP") {
                // Before and after side by side, for looking at.
                let mut both = image::RgbaImage::new(2 * w as u32, h as u32);
                for y in 0..h {
                    for x in 0..w {
                        let i = (y * w + x) * 4;
                        let px = |f: &[u8]| image::Rgba([f[i], f[i + 1], f[i + 2], 255]);
                        both.put_pixel(x as u32, y as u32, px(&plain));
                        both.put_pixel((w + x) as u32, y as u32, px(&camouflaged));
                    }
                }
                both.save(format!("{out}/{}-{kind}.png", g.name)).unwrap();
            }
            // The camouflage's hue: the ageing test's neutral band
            // (tests/render.rs: green's and blue's shares up by at most
            // 0.003), here against the pigmented skin around the scar.
            for palest in [false, true] {
                let [g_up, b_up] = hue_excess(
                    &camouflaged,
                    &photo.data,
                    &truth,
                    (w, h),
                    g.px_per_cm,
                    ring,
                    palest,
                );
                let part = if palest { "palest quarter" } else { "whole" };
                eprintln!(
                    "{:6} {kind:5}: hue of the camouflaged scar ({part}) against the skin around: green {g_up:+.4}, blue {b_up:+.4}",
                    g.name
                );
                if g_up > 0.003 || b_up > 0.003 {
                    failures.push(format!(
                        "{} {kind} ({part}): greener or bluer than the skin around by {g_up:+.4}, {b_up:+.4}",
                        g.name
                    ));
                }
            }
            let reduced = 1.0 - after.abs() / before.abs();
            eprintln!(
                "{:6} {kind:5}: contrast photo {:+.3}, plain SMP {:+.3}, camouflaged {:+.3}: reduced {:.0}%",
                g.name,
                raw,
                before,
                after,
                100.0 * reduced
            );
            // The issue asks 70% on every fixture.
            if reduced < 0.7 {
                failures.push(format!("{} {kind}: {:.0}%", g.name, 100.0 * reduced));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "concealment under its floor, or off hue: {failures:?}"
    );
}

#[test]
fn a_scar_stroke_never_inks_outside_the_scalp_or_below_the_hairline() {
    let photo = load(&dir().join("medium.jpg"));
    let (w, h) = (photo.width as usize, photo.height as usize);
    let (auto, _) = ScalpMask::detect(&photo);
    let mut plain = Preview::new(photo.clone());
    let without = plain.render().to_vec();
    let mut p = Preview::new(photo.clone());
    // Dragged right across the photo, head and background alike, at several
    // heights, and in a big scribble over the whole frame.
    for y in [0.1, 0.3, 0.5, 0.7, 0.9] {
        p.scar(drag(
            &[(0.0, y * h as f64), (w as f64, y * h as f64)],
            40.0,
            w as f64,
            h as f64,
        ));
    }
    let frame = p.render().to_vec();
    // Outside the scalp by more than a stubble's length (1.2 mm): on the
    // head's outline stubble stands off the skin's edge on purpose.
    let scalp: Vec<f32> = (0..w * h)
        .map(|i| (auto.at((i % w) as f64, (i / w) as f64).0 > 0.0) as u8 as f32)
        .collect();
    let stubble = (0.13 * p.design().px_per_cm).ceil() as usize;
    let reach = box_blur(&scalp, w, h, stubble);
    let mut outside = 0;
    for y in 0..h {
        for x in 0..w {
            let i = (y * w + x) * 4;
            if reach[y * w + x] == 0.0 && frame[i..i + 3] != photo.data[i..i + 3] {
                outside += 1;
            }
            // Where the plain preview leaves the photo alone (background,
            // face below the hairline), the scar adds nothing either,
            // except at the blended band's reach of dots that were there.
            let _ = &without;
        }
    }
    assert_eq!(outside, 0, "pixels inked outside the scalp");
    // Nothing inked where the plain preview inks nothing for 5 mm around.
    let mm = p.design().px_per_cm / 10.0;
    let inked: Vec<f32> = (0..w * h)
        .map(|i| (without[i * 4..i * 4 + 3] != photo.data[i * 4..i * 4 + 3]) as u8 as f32)
        .collect();
    let near = box_blur(&inked, w, h, (6.0 * mm) as usize);
    let mut added = 0;
    for i in 0..w * h {
        if near[i] == 0.0 && frame[i * 4..i * 4 + 3] != photo.data[i * 4..i * 4 + 3] {
            added += 1;
        }
    }
    assert_eq!(
        added, 0,
        "a scar stroke inked where no dots go (face, forehead, background)"
    );
}

/// Share of the `truth` scar pixels (>= 128) that `strokes` cover.
fn covered(strokes: &[Vec<Dab>], truth: &[u8], w: usize) -> f64 {
    let h = truth.len() / w;
    let (mut hit, mut n) = (0.0, 0.0);
    for (i, &t) in truth.iter().enumerate() {
        if t < 128 {
            continue;
        }
        n += 1.0;
        let (x, y) = ((i % w) as f64 / w as f64, (i / w) as f64 / h as f64);
        let aspect = h as f64 / w as f64;
        if strokes
            .iter()
            .flatten()
            .any(|d| (d.x - x).hypot((d.y - y) * aspect) <= d.radius)
        {
            hit += 1.0;
        }
    }
    hit / n
}

#[test]
fn the_fixture_scars_are_found_and_proposed() {
    for g in geometry() {
        let photo = load(&dir().join(format!("{}.jpg", g.name)));
        let w = photo.width as usize;
        let mut p = Preview::new(photo);
        whole_scalp(&mut p, g.px_per_cm);
        let found = p.propose_scars();
        let strip = covered(
            &found,
            &mask(&dir().join(format!("{}-strip.png", g.name))),
            w,
        );
        let fue = covered(&found, &mask(&dir().join(format!("{}-fue.png", g.name))), w);
        eprintln!(
            "{:6}: {} proposals ({} dabs), strip covered {:.0}%, FUE {:.0}%",
            g.name,
            found.len(),
            found.iter().map(Vec::len).sum::<usize>(),
            100.0 * strip,
            100.0 * fue
        );
        // Every FUE grid is found. Strips: only the light fixture's whole
        // (the medium one in part, 41%; the dark one, half in stubble, not
        // at all): held where it is found, so a regression shows.
        assert!(fue >= 0.8, "{}: FUE scars covered {fue:.2}", g.name);
        if g.name == "light" {
            assert!(strip >= 0.9, "light: strip covered {strip:.2}");
        }
        // Nothing else: a proposal's dabs are on the scars.
        for s in &found {
            let on = covered(
                std::slice::from_ref(s),
                &mask(&dir().join(format!("{}-strip.png", g.name))),
                w,
            ) + covered(
                std::slice::from_ref(s),
                &mask(&dir().join(format!("{}-fue.png", g.name))),
                w,
            );
            assert!(on > 0.0, "{}: a proposal off both scars", g.name);
        }
    }
}

/// Scar proposals on photos without scars: the 91 phone photos and the
/// studio photos 01-05. Slow unoptimized (96 photos): run with
/// `cargo test --release --test scars -- --ignored`.
#[test]
#[ignore]
fn proposals_on_photos_without_scars_stay_few() {
    let photos = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/photos");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(photos.join("phone"))
        .expect("phone photos")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
        .collect();
    for n in ["01", "02", "03", "04", "05"] {
        paths.extend(
            std::fs::read_dir(&photos)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(n)),
        );
    }
    paths.sort();
    let mut with = Vec::new();
    for path in &paths {
        let found = Preview::new(load(path)).propose_scars();
        if !found.is_empty() {
            with.push(format!(
                "{} ({})",
                path.file_name().unwrap().to_string_lossy(),
                found.len()
            ));
        }
    }
    eprintln!(
        "{} of {} photos get a proposal: {with:?}",
        with.len(),
        paths.len()
    );
    // Measured: 19 of 96 (mostly white stubble and skin texture taken for
    // FUE grids, and pale hair for strips). Too many to offer a proposal
    // in the widget; held here so it does not grow.
    assert!(
        with.len() <= 19,
        "{} photos without scars get a proposal",
        with.len()
    );
}
