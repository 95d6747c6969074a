//! What both native benchmarks draw on.

use smp_preview::photo::Rgba;

/// The browser bench's synthetic portrait: a skin disc and neck on grey.
pub fn portrait(w: u32, h: u32) -> Rgba {
    let mut photo = Rgba::filled(w, h, [190, 192, 190, 255]);
    let (cx, cy, r) = (w as f64 / 2.0, h as f64 * 0.45, h as f64 * 0.3);
    for y in 0..h {
        for x in 0..w {
            let (dx, dy) = (x as f64 - cx, y as f64 - cy);
            if dx * dx + dy * dy < r * r || (dx.abs() < 0.8 * r && y as f64 > cy) {
                let i = ((y * w + x) * 4) as usize;
                photo.data[i..i + 3].copy_from_slice(&[214, 160, 135]);
            }
        }
    }
    photo
}
