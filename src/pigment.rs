//! What the photo itself says about how sharp a speck in it can be: its
//! blur (from its strongest edges) and its grain (from the skin's finest
//! texture), measured once per photo so the pigment goes through the same
//! optics as the skin it sits in.
//!
//! A 640-px phone photo blurs a real shaved scalp into a soft, mottled
//! grain, a studio photo resolves single specks; a simulated dot sharper
//! than the skin around it gives itself away. [`Optics::measure`] finds how
//! soft the photo's edges are, and [`crate::render`] draws every dot
//! through that blur.
//!
//! Only `+`, `-`, `*`, `/` and `sqrt` on IEEE floats: the estimate (and so
//! every frame) is bit for bit the same natively and in the wasm.

use crate::photo::Rgba;

/// The photo's own optics, in pixels of the photo it was measured on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Optics {
    /// Standard deviation of the photo's blur (optics, demosaicing, JPEG,
    /// resampling), in pixels: a sharp edge in the scene is this soft.
    pub blur: f32,
    /// The skin's finest-scale texture (sensor noise, pores, JPEG
    /// mottling), as a standard deviation relative to the skin's
    /// luminance.
    pub grain: f32,
}

/// Blur assumed when the photo has no usable edge (a flat test image):
/// a typical sharp studio photo.
pub const DEFAULT_BLUR: f32 = 0.8;
/// Least and most blur ever used: a perfectly sharp synthetic photo still
/// needs its dots anti-aliased, and a photo blurred past 4 px shows no
/// single specks anyway.
pub const BLUR_RANGE: (f32, f32) = (0.5, 4.0);

impl Default for Optics {
    fn default() -> Optics {
        Optics {
            blur: DEFAULT_BLUR,
            grain: 0.0,
        }
    }
}

/// Luminance 0..255 (Rec. 709 weights on the 8-bit values) of the
/// `region` `[x0, y0, x1, y1)` of `photo`, row-major.
pub fn luma_plane(photo: &Rgba, [x0, y0, x1, y1]: [usize; 4]) -> Vec<f32> {
    let w = photo.width as usize;
    let mut out = vec![0f32; (x1 - x0) * (y1 - y0)];
    let mut i = 0;
    for y in y0..y1 {
        for p in &photo.data.as_chunks::<4>().0[y * w + x0..y * w + x1] {
            out[i] = 0.2126 * p[0] as f32 + 0.7152 * p[1] as f32 + 0.0722 * p[2] as f32;
            i += 1;
        }
    }
    out
}

/// Blurs `plane` (`w` x `h`) with the binomial kernel `[1 4 6 4 1] / 16`
/// along both axes: a Gaussian of variance 1 px² per axis, to within the
/// sampling, with edges clamped.
pub fn binomial_blur(plane: &[f32], w: usize, h: usize) -> Vec<f32> {
    let mut tmp = vec![0f32; w * h];
    let at = |i: isize, n: usize| i.max(0).min(n as isize - 1) as usize;
    for y in 0..h {
        let row = &plane[y * w..(y + 1) * w];
        for x in 0..w {
            let xi = x as isize;
            let v = row[at(xi - 2, w)]
                + 4.0 * row[at(xi - 1, w)]
                + 6.0 * row[x]
                + 4.0 * row[at(xi + 1, w)]
                + row[at(xi + 2, w)];
            tmp[y * w + x] = v / 16.0;
        }
    }
    let mut out = vec![0f32; w * h];
    for y in 0..h {
        let yi = y as isize;
        // Where the kernel's five rows start, clamped at the edges.
        let row = |d: isize| at(yi + d, h) * w;
        let rows = [row(-2), row(-1), row(0), row(1), row(2)];
        for x in 0..w {
            let v = tmp[rows[0] + x]
                + 4.0 * tmp[rows[1] + x]
                + 6.0 * tmp[rows[2] + x]
                + 4.0 * tmp[rows[3] + x]
                + tmp[rows[4] + x];
            out[y * w + x] = v / 16.0;
        }
    }
    out
}

/// Squared gradient magnitude at `(x, y)` by central differences.
#[inline]
fn grad2(p: &[f32], w: usize, x: usize, y: usize) -> (f32, f32, f32) {
    let i = y * w + x;
    let gx = 0.5 * (p[i + 1] - p[i - 1]);
    let gy = 0.5 * (p[i + w] - p[i - w]);
    (gx * gx + gy * gy, gx, gy)
}

/// Blur of a luminance plane, in pixels, from its edges: re-blurring a
/// step edge of blur `s` by a known `s0` lowers its peak gradient by
/// `s / sqrt(s² + s0²)` (Zhuo and Sim's defocus estimate), so the ratio
/// of the two gradients at an edge gives `s`. The median over the
/// strongest edge pixels (local maxima across the edge) is robust to
/// texture and to the odd double edge. `None` without enough edges.
pub fn edge_blur(plane: &[f32], w: usize, h: usize) -> Option<f32> {
    if w < 8 || h < 8 {
        return None;
    }
    let soft = binomial_blur(plane, w, h);
    // Edge strength threshold: the 98th percentile of the squared
    // gradient, and never below a step of about 24 levels at blur 1.
    let mut g2 = Vec::with_capacity((w - 4) * (h - 4) / 4 + 1);
    for y in (2..h - 2).step_by(2) {
        for x in (2..w - 2).step_by(2) {
            g2.push(grad2(plane, w, x, y).0);
        }
    }
    let k = g2.len() * 98 / 100;
    let floor = 100.0f32;
    let threshold = g2.select_nth_unstable_by(k, f32::total_cmp).1.max(floor);
    let mut ratios = Vec::new();
    for y in 3..h - 3 {
        for x in 3..w - 3 {
            let (g, gx, gy) = grad2(plane, w, x, y);
            if g < threshold {
                continue;
            }
            // A maximum across the edge: along its dominant axis.
            let (a, b) = if gx * gx >= gy * gy {
                (grad2(plane, w, x - 1, y).0, grad2(plane, w, x + 1, y).0)
            } else {
                (grad2(plane, w, x, y - 1).0, grad2(plane, w, x, y + 1).0)
            };
            if g < a || g < b {
                continue;
            }
            let gb = grad2(&soft, w, x, y).0;
            if gb > 0.0 {
                ratios.push(g / gb);
            }
        }
    }
    if ratios.len() < 16 {
        return None;
    }
    let k = ratios.len() / 2;
    let r2 = *ratios.select_nth_unstable_by(k, f32::total_cmp).1;
    // s² = s0² / (R² - 1), with s0 = 1; an edge sharper than the pixel
    // grid (R² far above 1) is capped by the range below.
    let s2 = 1.0 / (r2 - 1.0).max(1e-3);
    // The central difference itself smooths by about a third of a pixel²
    // and the binomial kernel is not a perfect Gaussian at small blur:
    // calibrated on synthetic Gaussian-blurred edges (see the tests).
    Some((s2 - BIAS2).max(0.0).sqrt())
}

/// Variance the estimator reads on a perfectly sharp (pixel-box) edge.
const BIAS2: f32 = 0.3;

/// Grain of a luminance plane: Immerkær's noise estimate (the Laplacian
/// difference kernel `[1 -2 1; -2 4 -2; 1 -2 1]` cancels smooth shading,
/// leaving noise with 6 times its standard deviation), robustly as the
/// median of its magnitude over the pixels `keep` selects, excluding the
/// strongest tenth of gradients (edges, not grain). Relative to the
/// median luminance there. `None` with too few pixels.
pub fn grain(
    plane: &[f32],
    w: usize,
    h: usize,
    keep: &dyn Fn(usize, usize) -> bool,
) -> Option<f32> {
    if w < 4 || h < 4 {
        return None;
    }
    let mut g2 = Vec::new();
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            if keep(x, y) {
                g2.push(grad2(plane, w, x, y).0);
            }
        }
    }
    if g2.len() < 64 {
        return None;
    }
    let k = g2.len() * 9 / 10;
    let edge = *g2.select_nth_unstable_by(k, f32::total_cmp).1;
    let (mut lap, mut lum) = (Vec::new(), Vec::new());
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            if !keep(x, y) || grad2(plane, w, x, y).0 > edge {
                continue;
            }
            let i = y * w + x;
            let p = |d: isize| plane[(i as isize + d) as usize];
            let w = w as isize;
            let v = p(-w - 1) + p(-w + 1) + p(w - 1) + p(w + 1)
                - 2.0 * (p(-w) + p(-1) + p(1) + p(w))
                + 4.0 * p(0);
            lap.push(if v < 0.0 { -v } else { v });
            lum.push(p(0));
        }
    }
    if lap.len() < 64 {
        return None;
    }
    let (kl, km) = (lap.len() / 2, lum.len() / 2);
    let med = *lap.select_nth_unstable_by(kl, f32::total_cmp).1;
    let skin = lum.select_nth_unstable_by(km, f32::total_cmp).1.max(8.0);
    // median |N(0, 6s)| = 0.6745 * 6 s.
    Some(med / (0.6745 * 6.0) / skin)
}

impl Optics {
    /// Measures `photo`'s blur in `region` `[x0, y0, x1, y1)` (the head
    /// and its outline) and its grain on the pixels of that region that
    /// `skin(x, y)` (photo coordinates) accepts.
    pub fn measure(
        photo: &Rgba,
        region: [usize; 4],
        skin: &dyn Fn(usize, usize) -> bool,
    ) -> Optics {
        let [x0, y0, x1, y1] = region;
        let x1 = x1.min(photo.width as usize);
        let y1 = y1.min(photo.height as usize);
        if x1 <= x0 + 8 || y1 <= y0 + 8 {
            return Optics::default();
        }
        let (w, h) = (x1 - x0, y1 - y0);
        let plane = luma_plane(photo, [x0, y0, x1, y1]);
        let blur = edge_blur(&plane, w, h).unwrap_or(DEFAULT_BLUR);
        let grain = grain(&plane, w, h, &|x, y| skin(x + x0, y + y0)).unwrap_or(0.0);
        Optics {
            blur: blur.max(BLUR_RANGE.0).min(BLUR_RANGE.1),
            grain: grain.min(0.2),
        }
    }
}

/// Smooth 2D value noise in -1..1 at `(x, y)` in lattice units, seeded:
/// integer hashing and `+ - *` only.
pub(crate) fn value_noise(seed: u64, x: f64, y: f64) -> f64 {
    let (xi, yi) = (x.floor(), y.floor());
    let (tx, ty) = (x - xi, y - yi);
    let (sx, sy) = (tx * tx * (3.0 - 2.0 * tx), ty * ty * (3.0 - 2.0 * ty));
    let hash = |i: i64, j: i64| -> f64 {
        let mut z = seed
            ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ (j as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    };
    let (i, j) = (xi as i64, yi as i64);
    let (a, b) = (hash(i, j), hash(i + 1, j));
    let (c, d) = (hash(i, j + 1), hash(i + 1, j + 1));
    let top = a + (b - a) * sx;
    let bottom = c + (d - c) * sx;
    top + (bottom - top) * sy
}

/// Sizes (cm) of the two scales of the skin's mottle: real stubble is not
/// an even tone at arm's length, it varies over a few millimetres (hair
/// grows in follicular units of 1-4 and its darkness varies from patch to
/// patch), which a blue-noise pattern of equal dots lacks: measured, half
/// of real stubble's texture energy lies at 1.4-11 px on a 34 px/cm
/// photo, against a third for equal dots.
const MOTTLE_CM: [f64; 2] = [0.28, 0.09];

/// The mottle at `(x, y)` cm: about -1..1 (standard deviation about 0.3),
/// seeded, smooth over `MOTTLE_CM` (2.8 and 0.9 mm).
pub fn mottle(seed: u64, x_cm: f64, y_cm: f64) -> f32 {
    let coarse = value_noise(seed ^ 0x6D6F_7474, x_cm / MOTTLE_CM[0], y_cm / MOTTLE_CM[0]);
    let fine = value_noise(seed ^ 0x6C65_2121, x_cm / MOTTLE_CM[1], y_cm / MOTTLE_CM[1]);
    (0.7 * coarse + 0.25 * fine) as f32
}

/// Size (cm) of stubble's patches: hair grows a little denser and
/// sparser in patches a few millimetres across.
const PATCH_CM: f64 = 0.35;

/// Where the dot at `(x, y)` cm lies in its patch: 0 (sparse) ..1
/// (dense), seeded, smooth over `PATCH_CM` (3.5 mm); a dot's ink and length
/// follow it (`Preview::dot_look`), so stubble clumps unevenly at the
/// 2-5 mm scale as real stubble does (the fourth blind test's cue). Mean about
/// 0.5, so the overall tone stays.
pub fn patch(seed: u64, x_cm: f64, y_cm: f64) -> f32 {
    let n = value_noise(seed ^ 0x7061_7463, x_cm / PATCH_CM, y_cm / PATCH_CM);
    let t = crate::num::clamp(n + 0.5, 0.0, 1.0);
    (t * t * (3.0 - 2.0 * t)) as f32
}

/// Sizes (cm) over which the hair's flow bends: stubble's strokes run
/// coherently but swirl, never the one straight direction of a template;
/// and within that, hairs lie together in patches of a few millimetres,
/// each turned a little from the next.
const SWIRL_CM: [f64; 2] = [1.3, 0.5];

/// How far the flow turns at `(x, y)` cm, as the tangent of half the
/// angle (up to about 0.2: some 22 degrees either way, mostly under 10),
/// seeded, smooth over `SWIRL_CM` (13 and 5 mm). The wide bend stays subtle (turns of
/// 33 degrees over 1.3 cm read as a swirl or a starburst of strands on
/// top views); the patches' turn is what makes the stubs run one way
/// locally without one straight direction everywhere.
pub fn swirl(seed: u64, x_cm: f64, y_cm: f64) -> f64 {
    let [wide, local] = SWIRL_CM;
    0.07 * value_noise(seed ^ 0x7377_6972, x_cm / wide, y_cm / wide)
        + 0.13 * value_noise(seed ^ 0x6C6F_6361, x_cm / local, y_cm / local)
}

/// A dot seen on a surface that turns away from the camera: its ellipse
/// (long axis `axis`, short-to-long ratio `roundness`, long radius 1)
/// squashed by `c` (the cosine of the surface's tilt, 0..=1) along the
/// unit direction `n` in which the surface turns away. Returns the new
/// long radius, long-axis direction and roundness. Toward a head's
/// outline dots are narrower across it, as well as closer together.
pub fn squash(axis: [f32; 2], roundness: f32, n: [f64; 2], c: f64) -> (f32, [f32; 2], f32) {
    let (ux, uy) = (axis[0] as f64, axis[1] as f64);
    let r2 = roundness as f64 * roundness as f64;
    // A0 A0^T of the dot's ellipse: u u^T + roundness² v v^T, v = u turned.
    let (m00, m01, m11) = (
        ux * ux + r2 * uy * uy,
        (1.0 - r2) * ux * uy,
        uy * uy + r2 * ux * ux,
    );
    // S = I - (1 - c) n n^T; M = S A0 A0^T S^T.
    let k = 1.0 - c;
    let s00 = 1.0 - k * n[0] * n[0];
    let s01 = -k * n[0] * n[1];
    let s11 = 1.0 - k * n[1] * n[1];
    // T = S * A0A0^T, then M = T * S (S is symmetric).
    let (t00, t01) = (s00 * m00 + s01 * m01, s00 * m01 + s01 * m11);
    let (t10, t11) = (s01 * m00 + s11 * m01, s01 * m01 + s11 * m11);
    let p = t00 * s00 + t01 * s01;
    let q = t00 * s01 + t01 * s11;
    let s = t10 * s01 + t11 * s11;
    let half = 0.5 * (p - s);
    let root = (half * half + q * q).sqrt();
    let (l1, l2) = (0.5 * (p + s) + root, (0.5 * (p + s) - root).max(0.0));
    if l1.is_nan() || l1 <= 1e-12 {
        return (1.0, axis, roundness);
    }
    let (ex, ey) = if q * q > 1e-18 {
        (l1 - s, q)
    } else if p >= s {
        (1.0, 0.0)
    } else {
        (0.0, 1.0)
    };
    let norm = (ex * ex + ey * ey).sqrt();
    let long = l1.sqrt();
    (
        long as f32,
        [(ex / norm) as f32, (ey / norm) as f32],
        (l2.sqrt() / long) as f32,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A photo of slanted step edges (a disc and a bar), blurred by a
    /// Gaussian of `sigma` and quantized to 8 bits.
    fn blurred_edges(sigma: f64) -> Rgba {
        let (w, h) = (160usize, 120usize);
        let mut sharp = vec![0f64; w * h];
        // Supersampled 4x4 so the edge is a true box-filtered step.
        for y in 0..h {
            for x in 0..w {
                let mut s = 0.0;
                for sy in 0..4 {
                    for sx in 0..4 {
                        let (px, py) = (
                            x as f64 + (sx as f64 + 0.5) / 4.0,
                            y as f64 + (sy as f64 + 0.5) / 4.0,
                        );
                        let disc = (px - 60.0).powi(2) + (py - 60.0).powi(2) < 35.0f64.powi(2);
                        let bar = (px - 0.3 * py) > 110.0 && (px - 0.3 * py) < 135.0;
                        s += if disc || bar { 200.0 } else { 60.0 };
                    }
                }
                sharp[y * w + x] = s / 16.0;
            }
        }
        let r = (4.0 * sigma).ceil() as isize;
        let k: Vec<f64> = (-r..=r)
            .map(|i| (-(i * i) as f64 / (2.0 * sigma * sigma)).exp())
            .collect();
        let sum: f64 = k.iter().sum();
        let blur1 = |src: &[f64], horizontal: bool| -> Vec<f64> {
            let mut out = vec![0f64; w * h];
            for y in 0..h {
                for x in 0..w {
                    let mut v = 0.0;
                    for (j, kj) in k.iter().enumerate() {
                        let d = j as isize - r;
                        let (xx, yy) = if horizontal {
                            ((x as isize + d).clamp(0, w as isize - 1) as usize, y)
                        } else {
                            (x, (y as isize + d).clamp(0, h as isize - 1) as usize)
                        };
                        v += kj * src[yy * w + xx];
                    }
                    out[y * w + x] = v / sum;
                }
            }
            out
        };
        let b = blur1(&blur1(&sharp, true), false);
        let mut p = Rgba::filled(w as u32, h as u32, [0, 0, 0, 255]);
        for (i, v) in b.iter().enumerate() {
            let v = v.round() as u8;
            p.data[i * 4..i * 4 + 3].copy_from_slice(&[v, v, v]);
        }
        p
    }

    #[test]
    fn edge_blur_recovers_a_known_gaussian_blur() {
        for sigma in [0.7, 1.0, 1.5, 2.0, 3.0] {
            let p = blurred_edges(sigma);
            let plane = luma_plane(&p, [0, 0, 160, 120]);
            let got = edge_blur(&plane, 160, 120).unwrap() as f64;
            assert!(
                (got - sigma).abs() < 0.15 * sigma + 0.1,
                "blur {sigma}: estimated {got}"
            );
        }
    }

    #[test]
    fn a_squashed_dot_narrows_across_the_turn() {
        // A round dot near the right rim: half as wide across, as long along.
        let (long, axis, round) = squash([1.0, 0.0], 1.0, [1.0, 0.0], 0.5);
        assert!((long - 1.0).abs() < 1e-6 && (round - 0.5).abs() < 1e-6);
        assert!(axis[1].abs() > 0.999, "{axis:?}");
        // An ellipse along the turn gets rounder-then-flatter the other way.
        let (long, axis, round) = squash([1.0, 0.0], 0.8, [1.0, 0.0], 0.5);
        assert!(
            (long - 0.8).abs() < 1e-6 && (round - 0.625).abs() < 1e-6,
            "{long} {round}"
        );
        assert!(axis[1].abs() > 0.999);
        // Facing the camera nothing changes.
        let (long, axis, round) = squash([0.6, 0.8], 0.7, [0.0, 1.0], 1.0);
        assert!((long - 1.0).abs() < 1e-6 && (round - 0.7).abs() < 1e-6);
        assert!((axis[0].abs() - 0.6).abs() < 1e-6, "{axis:?}");
    }

    #[test]
    fn grain_reads_added_noise_and_ignores_smooth_shading() {
        let (w, h) = (120usize, 90usize);
        let mut s = 0x9e37_79b9_7f4a_7c15u64;
        let mut noise = || {
            // Sum of 4 uniforms: near-Gaussian, variance 4/12.
            let mut t = 0.0;
            for _ in 0..4 {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                t += (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
            }
            t / (4.0f64 / 12.0).sqrt()
        };
        let mut plane = vec![0f32; w * h];
        for y in 0..h {
            for x in 0..w {
                plane[y * w + x] = (150.0 + 0.4 * x as f64 + 0.2 * y as f64 + 3.0 * noise()) as f32;
            }
        }
        let g = grain(&plane, w, h, &|_, _| true).unwrap();
        // 3 levels of noise on about 180: 1.7%.
        let want = 3.0 / (150.0 + 0.4 * 60.0 + 0.2 * 45.0);
        assert!((g as f64 - want).abs() < 0.25 * want, "{g} vs {want}");
        let flat = vec![100f32; w * h];
        assert_eq!(grain(&flat, w, h, &|_, _| true), Some(0.0));
    }
}
