//! The pigment render: diluted carbon black seen through skin.
//!
//! Each dot is a soft, slightly elliptical spot, box-filtered so it is
//! anti-aliased at any size: a dot smaller than a pixel keeps its ink area
//! and spreads it over about a pixel, so a dense field of tiny dots darkens
//! the skin evenly (as a real buzz cut does) with no aliasing or moiré.
//! Spots accumulate into one coverage value per pixel (as the union of
//! independent spots), and a last pass darkens the photo multiplicatively:
//! shadows stay darker, highlights stay highlights, because the pigment
//! lies under the skin and the skin's own shine is on top of it.

use crate::photo::Rgba;

/// One dot, ready to draw, in pixels of the target image.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spot {
    /// Centre.
    pub x: f32,
    /// Centre.
    pub y: f32,
    /// Radius along the long axis, pixels.
    pub radius: f32,
    /// Ink take-up 0..1 (opacity).
    pub ink: f32,
    /// Long-axis direction (unit).
    pub axis: [f32; 2],
    /// Short/long axis ratio.
    pub roundness: f32,
}

/// Light let through by full-strength healed pigment, per channel (RGB).
/// Carbon black under skin scatters back a little blue: slightly cool and
/// desaturated, never blue or green (blue is at most 1.3x red).
pub const PIGMENT_TRANSMISSION: [f32; 3] = [0.17, 0.18, 0.205];

/// Look parameters of one render.
#[derive(Clone, Copy, Debug)]
pub struct Look {
    /// Pigment strength 0.2..1 (dilution).
    pub shade: f32,
    /// Typical luminance of the bare scalp, 0..1: darker pixels are hair,
    /// which dots blend under instead of painting over.
    pub skin_luma: f32,
    /// Colour of a fresh dot's surround (redness), 0 when healed.
    pub redness: f32,
    /// Ink kept on hair-dark pixels (0.2 on a shaved head, where stubble
    /// and dots mix; 0 for diffuse thinning, where dots sit under hair).
    pub hair_ink: f32,
    /// Edge softness multiplier: under 1 fresh and crisp, over 1 aged.
    pub softness: f32,
}

/// Reusable buffers, so a render allocates nothing once warmed up.
#[derive(Default)]
pub struct Canvas {
    coverage: Vec<f32>,
    /// The frame this canvas drew last (address, length) and the box it
    /// touched: the next render into the same frame restores only that box
    /// from the photo instead of copying the whole photo again.
    last: Option<(usize, usize, [usize; 4])>,
}

/// Where ink may show: `ink(x, y)` in 0..=1 at working-image pixel
/// `(x, y)`, read at target `pixel / scale` so a full-resolution export uses
/// the preview's mask. Pigment lies only in scalp skin, so a dot's soft edge
/// and halo stop at the head's outline instead of tinting the background.
#[derive(Clone, Copy)]
pub struct Clip<'a> {
    /// The mask, as a function of working-image pixel coordinates.
    pub ink: &'a dyn Fn(f64, f64) -> f32,
    /// Target pixels per working-image pixel.
    pub scale: f32,
}

impl Canvas {
    /// Draws `spots` over `photo` into `out` (RGBA, same size as the photo).
    /// `out` may hold this canvas's previous frame of the same photo; it is
    /// then updated in place.
    pub fn render(&mut self, photo: &Rgba, spots: &[Spot], look: Look, out: &mut Vec<u8>) {
        self.render_clipped(photo, spots, look, None, out)
    }

    /// [`Canvas::render`], with ink limited to `clip`.
    pub fn render_clipped(
        &mut self,
        photo: &Rgba,
        spots: &[Spot],
        look: Look,
        clip: Option<Clip>,
        out: &mut Vec<u8>,
    ) {
        let (w, h) = (photo.width as usize, photo.height as usize);
        match self.last.take() {
            Some((addr, len, b))
                if addr == out.as_ptr() as usize && len == out.len() && len == photo.data.len() =>
            {
                if b[0] != usize::MAX {
                    for y in b[1]..=b[3] {
                        let row = (y * w + b[0]) * 4..(y * w + b[2] + 1) * 4;
                        out[row.clone()].copy_from_slice(&photo.data[row]);
                    }
                }
            }
            _ => {
                out.clear();
                out.extend_from_slice(&photo.data);
            }
        }
        // Coverage only over the spots' footprints (the head), not the whole
        // photo: a 12-MP frame would otherwise carry a 48-MB float buffer.
        let mut area = [usize::MAX, usize::MAX, 0usize, 0usize];
        for s in spots {
            if let Some(f) = footprint(s, look.softness, w, h) {
                area = [
                    area[0].min(f[0]),
                    area[1].min(f[1]),
                    area[2].max(f[2]),
                    area[3].max(f[3]),
                ];
            }
        }
        let (ox, oy) = (area[0].min(w), area[1].min(h));
        let aw = if area[0] == usize::MAX {
            0
        } else {
            area[2] + 1 - area[0]
        };
        let ah = if area[0] == usize::MAX {
            0
        } else {
            area[3] + 1 - area[1]
        };
        self.coverage.clear();
        self.coverage.resize(aw * ah, 0.0);
        let mut bbox = [usize::MAX, usize::MAX, 0usize, 0usize];
        for s in spots {
            splat(
                &mut self.coverage,
                (ox, oy, aw),
                w,
                h,
                s,
                look.softness,
                &mut bbox,
            );
        }
        self.last = Some((out.as_ptr() as usize, out.len(), bbox));
        if bbox[0] == usize::MAX {
            return;
        }
        let t: [f32; 3] =
            std::array::from_fn(|c| 1.0 - look.shade * (1.0 - PIGMENT_TRANSMISSION[c]));
        let skin = look.skin_luma.max(0.05);
        for y in bbox[1]..=bbox[3] {
            for x in bbox[0]..=bbox[2] {
                let i = y * w + x;
                let cov = self.coverage[(y - oy) * aw + x - ox];
                if cov <= 0.0 {
                    continue;
                }
                let cov = match clip {
                    Some(c) => {
                        cov * (c.ink)((x as f32 / c.scale) as f64, (y as f32 / c.scale) as f64)
                    }
                    None => cov,
                };
                let p = &mut out[i * 4..i * 4 + 3];
                let l =
                    (0.2126 * p[0] as f32 + 0.7152 * p[1] as f32 + 0.0722 * p[2] as f32) / 255.0;
                // Hair (well below skin tone) takes little extra ink; the
                // skin's shine (well above it) sits on top of the pigment.
                let hair = smoothstep(0.35 * skin, 0.8 * skin, l);
                let shine = smoothstep(skin * 1.12 + 0.05, 0.98, l);
                let a = cov * (look.hair_ink + (1.0 - look.hair_ink) * hair) * (1.0 - 0.6 * shine);
                for c in 0..3 {
                    let mult = 1.0 - a * (1.0 - t[c]);
                    let tint = if c == 0 {
                        1.0 + look.redness * a * 0.35
                    } else {
                        1.0
                    };
                    p[c] = (p[c] as f32 * mult * tint + 0.5).min(255.0) as u8;
                }
            }
        }
    }
}

fn smoothstep(e0: f32, e1: f32, x: f32) -> f32 {
    let t = ((x - e0) / (e1 - e0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// Smallest drawn radius: a smaller dot is drawn at this size with its ink
/// scaled down by area, which is what a camera pixel would record.
const MIN_RADIUS: f32 = 0.7;

/// The pixel box a spot can touch, clamped to the image; `None` when it
/// lies wholly outside.
fn footprint(s: &Spot, softness: f32, w: usize, h: usize) -> Option<[usize; 4]> {
    let (r, _, soft) = spot_shape(s, softness);
    let reach = HALO_SCALE * r + soft;
    if s.x + reach < 0.0 || s.y + reach < 0.0 || !(s.x.is_finite() && s.y.is_finite()) {
        return None;
    }
    let x0 = (s.x - reach).floor().max(0.0) as usize;
    let y0 = (s.y - reach).floor().max(0.0) as usize;
    let x1 = ((s.x + reach).ceil().max(0.0) as usize).min(w.saturating_sub(1));
    let y1 = ((s.y + reach).ceil().max(0.0) as usize).min(h.saturating_sub(1));
    (x0 <= x1 && y0 <= y1).then_some([x0, y0, x1, y1])
}

/// Drawn radius, peak ink and edge softness of a spot.
fn spot_shape(s: &Spot, softness: f32) -> (f32, f32, f32) {
    let r = s.radius.max(MIN_RADIUS);
    let peak = s.ink * (s.radius / r).powi(2).min(1.0);
    // Edge softness: at least a pixel (anti-aliasing), wider for big dots
    // (healed pigment spreads and blurs).
    let soft = (0.3 * r * softness).max(0.9);
    (r, peak, soft)
}

/// Adds one spot to `coverage`, a buffer over the image region starting at
/// `(ox, oy)` and `aw` pixels wide that holds every spot's footprint.
fn splat(
    coverage: &mut [f32],
    (ox, oy, aw): (usize, usize, usize),
    w: usize,
    h: usize,
    s: &Spot,
    softness: f32,
    bbox: &mut [usize; 4],
) {
    let Some([x0, y0, x1, y1]) = footprint(s, softness, w, h) else {
        return;
    };
    let (r, peak, soft) = spot_shape(s, softness);
    // Pigment scattered in the dermis leaves a faint halo around the core:
    // it greys the skin between dots as stubble shadow does.
    let halo_r = HALO_SCALE * r;
    bbox[0] = bbox[0].min(x0);
    bbox[1] = bbox[1].min(y0);
    bbox[2] = bbox[2].max(x1);
    bbox[3] = bbox[3].max(y1);
    let [ux, uy] = s.axis;
    let inv_round = 1.0 / s.roundness.max(0.3);
    let halo_peak = HALO_INK * peak;
    for y in y0..=y1 {
        let dy = y as f32 + 0.5 - s.y;
        // This row of the footprint, x0..=x1, inside the coverage region.
        let start = (y - oy) * aw + (x0 - ox);
        let row = &mut coverage[start..start + (x1 - x0 + 1)];
        for (x, c) in (x0..=x1).zip(row.iter_mut()) {
            let dx = x as f32 + 0.5 - s.x;
            let along = dx * ux + dy * uy;
            let across = (dy * ux - dx * uy) * inv_round;
            let d = (along * along + across * across).sqrt();
            let core = ((r - d) / soft + 0.5).clamp(0.0, 1.0) * peak;
            let halo = (1.0 - d / halo_r).max(0.0) * halo_peak;
            let a = core.max(halo);
            if a > 0.0 {
                *c = 1.0 - (1.0 - *c) * (1.0 - a);
            }
        }
    }
}

/// Halo radius relative to the dot's core.
const HALO_SCALE: f32 = 2.6;
/// Halo ink relative to the core's.
const HALO_INK: f32 = 0.3;

#[cfg(test)]
mod tests {
    use super::*;

    fn look() -> Look {
        Look {
            shade: 1.0,
            skin_luma: 0.6,
            redness: 0.0,
            hair_ink: 0.2,
            softness: 1.0,
        }
    }

    fn spot(x: f32, y: f32, radius: f32) -> Spot {
        Spot {
            x,
            y,
            radius,
            ink: 1.0,
            axis: [1.0, 0.0],
            roundness: 1.0,
        }
    }

    #[test]
    fn a_dot_darkens_only_its_footprint_and_stays_cool_not_blue() {
        let photo = Rgba::filled(16, 16, [200, 160, 140, 255]);
        let mut out = Vec::new();
        Canvas::default().render(&photo, &[spot(8.0, 8.0, 2.0)], look(), &mut out);
        let px = |x: usize, y: usize| {
            [
                out[(y * 16 + x) * 4],
                out[(y * 16 + x) * 4 + 1],
                out[(y * 16 + x) * 4 + 2],
            ]
        };
        assert_eq!(px(0, 0), [200, 160, 140]);
        let c = px(8, 8);
        assert!(c[0] < 60, "{c:?}");
        // Still warmer than blue: skin tone dominates, pigment only cools it.
        assert!(c[2] as f32 <= c[0] as f32 * 1.0, "{c:?}");
    }

    #[test]
    fn sub_pixel_dots_keep_their_ink_area() {
        // Ink darkening summed over the image is proportional to dot area.
        let photo = Rgba::filled(32, 32, [200, 200, 200, 255]);
        let darkness = |radius: f32| {
            let mut out = Vec::new();
            Canvas::default().render(&photo, &[spot(16.3, 16.7, radius)], look(), &mut out);
            out.chunks(4).map(|p| 200.0 - p[1] as f32).sum::<f32>()
        };
        let (a, b) = (darkness(0.2), darkness(0.4));
        assert!((b / a - 4.0).abs() < 0.6, "{a} {b}");
    }
}
