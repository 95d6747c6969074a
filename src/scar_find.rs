//! Finding scars to propose: pale, smooth lines (a strip or FUT scar) and
//! grids of small pale dots (FUE scars) on the scalp, each returned as the
//! stroke a person would have drawn with the Scar brush, so accepting a
//! proposal is one tap.
//!
//! What a scar looks like on a photo (DOMAIN.md, practitioners' notes):
//! paler than the skin around it (it has no follicles and less melanin),
//! smooth (no hair, no stubble), and shaped: a strip is a line 1-6 mm wide
//! and several cm long; FUE scars are round dots 0.5-2 mm across, many of
//! them, spaced a few mm apart. A shiny scalp's highlight is pale and
//! smooth too, but it is neither a thin line nor a grid of dots, and it is
//! paler towards a blurred centre rather than a plateau with sharp edges;
//! the shape tests are what keep it out.
//!
//! Not yet offered in the widget: on the fixtures it finds every FUE grid
//! and the light fixture's strip, but it also proposes something on 19 of
//! 96 photos without scars (white stubble and skin texture taken for an
//! FUE grid, pale hair for a strip; `tests/scars.rs`).

use crate::photo::{luma, Rgba};
use crate::preview::{box_blur, regions};
use crate::scalp::{Dab, ScalpMask};

/// Paleness (luma over the skin around, less 1) from which a pixel may be
/// scar tissue, at least: the fixtures' scars are 10-25% paler.
const PALER: f32 = 0.08;
/// Hair: darker than this share of the skin around.
const HAIR: f32 = 0.85;
/// Smooth: at most this share of hair pixels within 1 mm.
const ROUGH: f32 = 0.02;
/// An FUE scar's palest point is at least this much paler than the skin
/// around (the fixtures' scars: 15-30%; the skin between specks of a
/// shiny scalp's highlight, less).
const FUE_PALER: f32 = 0.14;
/// Bare: at most this share of hair pixels within 3 mm of an FUE scar.
const BARE: f32 = 0.05;
/// A strip: at least this long (cm), this narrow (cm), and this many times
/// longer than wide.
const STRIP_MIN_CM: f64 = 2.0;
const STRIP_MAX_WIDTH_CM: f64 = 0.7;
const STRIP_MIN_WIDTH_CM: f64 = 0.08;
const STRIP_ELONGATION: f64 = 5.0;
/// An FUE scar: this wide (cm, smallest and largest).
const FUE_CM: (f64, f64) = (0.05, 0.25);
/// FUE scars are punched a few mm apart: neighbours this far (cm).
const FUE_SPACING_CM: (f64, f64) = (0.25, 1.0);
/// Largest spread (deviation over mean) of an FUE patch's dot sizes and
/// neighbour distances.
const FUE_EVEN: f64 = 0.25;
/// A grid needs at least this many dots with neighbours.
const FUE_MIN_DOTS: usize = 8;

/// One pale piece of skin: its pixels' count, centre and spread.
struct Piece {
    area: f64,
    cx: f64,
    cy: f64,
    /// Second moments about the centre: xx, yy, xy.
    m: [f64; 3],
    /// Its pixels, for strips (a stroke along them).
    pixels: Vec<(usize, usize)>,
    /// How much paler than the skin around its palest pixel is.
    peak: f32,
    /// Share of its pixels on skin: bare (no hair within 3 mm), with skin
    /// around it (not hair, nor a pale wall or shirt the mask took in).
    on_skin: f64,
}

impl Piece {
    /// Length and width of the ellipse of the same moments.
    fn axes(&self) -> (f64, f64) {
        let [a, b, c] = self.m;
        let mid = (a + b) / 2.0;
        let d = ((a - b) * (a - b) / 4.0 + c * c).sqrt();
        (4.0 * (mid + d).sqrt(), 4.0 * (mid - d).max(0.0).sqrt())
    }
}

/// Pale, smooth scars on the scalp of `photo` (`mask`, `px_per_cm`, and
/// the luma of its skin, see [`crate::scalp::skin_luma`]), each
/// as a stroke of Scar-brush dabs covering it with a 1.5 mm margin. Empty
/// on a photo with none.
pub fn propose(photo: &Rgba, mask: &ScalpMask, px_per_cm: f64, skin_luma: f32) -> Vec<Vec<Dab>> {
    let (w, h) = (photo.width as usize, photo.height as usize);
    if w < 8 || h < 8 || px_per_cm <= 0.0 {
        return Vec::new();
    }
    let mut l: Vec<f32> = photo
        .data
        .as_chunks::<4>()
        .0
        .iter()
        .map(|p| luma(*p))
        .collect();
    box_blur(&mut l, w, h, (0.03 * px_per_cm) as usize);
    // Well inside the scalp: the whole 4 mm around is scalp, so the edge of
    // the head against a pale wall is not a "paler" line.
    let r = (0.4 * px_per_cm).max(2.0) as usize;
    let mut inside: Vec<f32> = (0..w * h)
        .map(|i| (mask.at((i % w) as f64, (i / w) as f64).0 > 0.9) as u8 as f32)
        .collect();
    let scalp = inside.clone();
    box_blur(&mut inside, w, h, r);
    // The skin around each pixel: the mean over scalp pixels 4 mm around,
    // then again without what is darker than that (hair and stubble, which
    // would make the bare skin between hairs read as pale).
    let mut num: Vec<f32> = l.iter().zip(&scalp).map(|(a, b)| a * b).collect();
    box_blur(&mut num, w, h, r);
    let skin: Vec<f32> = (0..w * h)
        .map(|i| {
            let k = num[i] / inside[i].max(1e-3);
            (scalp[i] > 0.0 && l[i] > 0.9 * k) as u8 as f32
        })
        .collect();
    let mut num: Vec<f32> = l.iter().zip(&skin).map(|(a, b)| a * b).collect();
    box_blur(&mut num, w, h, r);
    let mut skin_share = skin;
    box_blur(&mut skin_share, w, h, r);
    // Smooth: no hair or stubble within 1 mm (dark specks on the skin;
    // scar tissue grows none). The skin between hairs is paler than the
    // hair, and bare of it, but never clear of it for a whole mm.
    let fine = (0.1 * px_per_cm).max(1.0) as usize;
    let mut hair: Vec<f32> = (0..w * h)
        .map(|i| {
            let k = num[i] / skin_share[i].max(1e-3);
            (l[i] < HAIR * k) as u8 as f32
        })
        .collect();
    // Bare around: FUE scars are looked for on shaved or bald skin, where
    // the skin between stubble is not taken for them.
    let mut hair_around = hair.clone();
    box_blur(&mut hair_around, w, h, (0.3 * px_per_cm).max(1.0) as usize);
    box_blur(&mut hair, w, h, fine);
    let mut paleness = vec![0f32; w * h];
    let pale: Vec<bool> = (0..w * h)
        .map(|i| {
            let k = num[i] / skin_share[i].max(1e-3);
            let rough = hair[i];
            paleness[i] = l[i] / k.max(1e-3) - 1.0;
            inside[i] > 0.999 && k > 0.0 && l[i] / k - 1.0 > PALER && rough < ROUGH
        })
        .collect();
    // Skin around: light enough (not dark hair) and skin-coloured (red
    // over green over blue, not a grey shirt or a pale wall), with no hair
    // within 3 mm.
    let mut rgb: [Vec<f32>; 3] = core::array::from_fn(|c| {
        photo
            .data
            .iter()
            .skip(c)
            .step_by(4)
            .map(|&v| v as f32)
            .collect()
    });
    for ch in rgb.iter_mut() {
        box_blur(ch, w, h, r);
    }
    let on_skin = |i: usize| {
        let [r, g, b] = [rgb[0][i], rgb[1][i], rgb[2][i]];
        let k = num[i] / skin_share[i].max(1e-3);
        hair_around[i] < BARE
            && k > 0.75 * skin_luma
            && r > g
            && g > 0.9 * b
            && (r - b) / r.max(1.0) > 0.08
    };
    let (label, found) = regions(&pale, w);
    let mut pieces: Vec<Piece> = found
        .iter()
        .map(|&(_, area)| Piece {
            area: area as f64,
            cx: 0.0,
            cy: 0.0,
            m: [0.0; 3],
            pixels: Vec::new(),
            peak: 0.0,
            on_skin: 0.0,
        })
        .collect();
    for (i, &id) in label.iter().enumerate() {
        if let Some(p) = pieces.get_mut(id as usize) {
            p.pixels.push((i % w, i / w));
            p.peak = p.peak.max(paleness[i]);
            p.on_skin += on_skin(i) as u8 as f64;
        }
    }
    for p in &mut pieces {
        let n = p.area;
        p.on_skin /= n;
        p.cx = p.pixels.iter().map(|q| q.0 as f64).sum::<f64>() / n;
        p.cy = p.pixels.iter().map(|q| q.1 as f64).sum::<f64>() / n;
        for &(x, y) in &p.pixels {
            let (dx, dy) = (x as f64 - p.cx, y as f64 - p.cy);
            p.m[0] += dx * dx / n;
            p.m[1] += dy * dy / n;
            p.m[2] += dx * dy / n;
        }
    }
    let cm = px_per_cm;
    let mut out = Vec::new();
    let dab = |x: f64, y: f64, radius: f64| Dab {
        x: x / w as f64,
        y: y / h as f64,
        radius: radius / w as f64,
        add: true,
        scar: true,
    };
    // Strips: long, thin pieces. Their width is their area over their
    // length (the moments' width would count a curved strip's bow).
    for p in &pieces {
        let (long, _) = p.axes();
        let wide = p.area / long.max(1.0);
        if long >= STRIP_MIN_CM * cm
            && wide <= STRIP_MAX_WIDTH_CM * cm
            && wide >= STRIP_MIN_WIDTH_CM * cm
            && long >= STRIP_ELONGATION * wide
            && p.on_skin > 0.5
        {
            // One dab per 1.5 mm cell the piece touches, as wide as the
            // scar plus the margin a person would brush.
            let cell = (0.15 * cm).max(2.0);
            let mut cells: Vec<(i64, i64)> = p
                .pixels
                .iter()
                .map(|&(x, y)| ((x as f64 / cell) as i64, (y as f64 / cell) as i64))
                .collect();
            cells.sort_unstable();
            cells.dedup();
            let radius = wide / 2.0 + 0.15 * cm;
            out.push(
                cells
                    .iter()
                    .map(|&(cx, cy)| {
                        dab((cx as f64 + 0.5) * cell, (cy as f64 + 0.5) * cell, radius)
                    })
                    .collect(),
            );
        }
    }
    // FUE: small round pieces with neighbours at punch spacing, in groups.
    let dots: Vec<&Piece> = pieces
        .iter()
        .filter(|p| {
            let (long, wide) = p.axes();
            let across = 2.0 * (p.area / core::f64::consts::PI).sqrt();
            across >= FUE_CM.0 * cm
                && across <= FUE_CM.1 * cm
                && long <= 2.5 * wide.max(1.0)
                && p.on_skin > 0.5
                && p.peak >= FUE_PALER
        })
        .collect();
    let near = |a: &Piece, b: &Piece| {
        let d = (a.cx - b.cx).hypot(a.cy - b.cy);
        d >= FUE_SPACING_CM.0 * cm && d <= FUE_SPACING_CM.1 * cm
    };
    // Groups of dots linked by punch-spacing neighbours (union by search).
    let mut group: Vec<usize> = (0..dots.len()).collect();
    fn root(g: &mut [usize], mut i: usize) -> usize {
        while g[i] != i {
            g[i] = g[g[i]];
            i = g[i];
        }
        i
    }
    let mut linked = vec![0usize; dots.len()];
    for a in 0..dots.len() {
        for b in a + 1..dots.len() {
            if near(dots[a], dots[b]) {
                linked[a] += 1;
                linked[b] += 1;
                let (ra, rb) = (root(&mut group, a), root(&mut group, b));
                group[ra] = rb;
            }
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut index_of = vec![usize::MAX; dots.len()];
    for (i, &n) in linked.iter().enumerate() {
        // A grid's dots have two neighbours or more; a stray pale speck
        // next to one does not join.
        if n < 2 {
            continue;
        }
        let r = root(&mut group, i);
        if index_of[r] == usize::MAX {
            index_of[r] = groups.len();
            groups.push(Vec::new());
        }
        groups[index_of[r]].push(i);
    }
    // A patch, not a trail: most of a grid's dots have three neighbours
    // or more (a line of pale specks along a highlight's edge has two).
    // And even: punches are one size, set about one spacing apart, so the
    // dots' sizes and their nearest neighbours' distances vary little
    // (pale specks of skin, white stubble and highlights vary a lot).
    let spread = |v: &[f64]| {
        let n = v.len() as f64;
        let m = v.iter().sum::<f64>() / n;
        (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n).sqrt() / m.max(1e-9)
    };
    let even = |g: &Vec<usize>| {
        let sizes: Vec<f64> = g.iter().map(|&i| dots[i].area.sqrt()).collect();
        let gaps: Vec<f64> = g
            .iter()
            .map(|&a| {
                g.iter()
                    .filter(|&&b| b != a)
                    .map(|&b| (dots[a].cx - dots[b].cx).hypot(dots[a].cy - dots[b].cy))
                    .fold(f64::MAX, f64::min)
            })
            .collect();
        spread(&sizes) < FUE_EVEN && spread(&gaps) < FUE_EVEN
    };
    let patch = |g: &&Vec<usize>| {
        g.len() >= FUE_MIN_DOTS
            && 2 * g.iter().filter(|&&i| linked[i] >= 3).count() >= g.len()
            && even(g)
    };
    for g in groups.iter().filter(patch) {
        out.push(
            g.iter()
                .map(|&i| {
                    let p = dots[i];
                    let across = 2.0 * (p.area / core::f64::consts::PI).sqrt();
                    dab(p.cx, p.cy, across / 2.0 + 0.15 * cm)
                })
                .collect(),
        );
    }
    out
}
