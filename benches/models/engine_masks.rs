//! Today's engine on every annotated photo, for benches/models/score.py:
//! the automatic scalp mask (`ScalpMask::detect`, the head silhouette that
//! bounds every dot), the dots drawn, the eyes, the hairline's middle handle
//! and the view.
//!
//!     cargo run --release --example engine_masks -- [OUT_DIR]   (default target/models/engine)
//!
//! Writes OUT_DIR/<photo with / as __>.mask.png (0..255) and .json.

use smp_preview::photo::Rgba;
use smp_preview::preview::Preview;
use smp_preview::scalp::ScalpMask;
use std::path::Path;
use std::time::Instant;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::env::args()
        .nth(1)
        .map(Into::into)
        .unwrap_or_else(|| root.join("target/models/engine"));
    std::fs::create_dir_all(&out).unwrap();
    let mut photos = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(root.join("tests/annotations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    for f in files {
        for line in std::fs::read_to_string(f).unwrap().lines() {
            if let Some(name) = line.trim().strip_prefix('[') {
                photos.push(name.trim_end_matches(']').to_string());
            }
        }
    }
    for name in photos {
        let img = image::open(root.join("../shared/photos").join(&name))
            .unwrap()
            .to_rgba8();
        let (w, h) = img.dimensions();
        let photo = Rgba::new(w, h, img.into_raw()).unwrap();
        let t0 = Instant::now();
        let (mask, head) = ScalpMask::detect(&photo);
        let detect_ms = t0.elapsed().as_secs_f64() * 1e3;
        let t0 = Instant::now();
        let mut preview = Preview::new(photo);
        let dots = preview.visible_dots();
        let preview_ms = t0.elapsed().as_secs_f64() * 1e3;
        let stem = out.join(name.replace('/', "__"));
        image::GrayImage::from_raw(w, h, mask.combined())
            .unwrap()
            .save(stem.with_extension("jpg.mask.png"))
            .unwrap();
        let design = preview.design();
        let m = design.hairline.handles[1];
        let eyes = preview.eyes().map_or("null".to_string(), |e| {
            format!(
                "[[{},{}],[{},{}]]",
                e.left.0, e.left.1, e.right.0, e.right.1
            )
        });
        let dots: Vec<String> = dots
            .iter()
            .map(|d| format!("[{:.1},{:.1}]", d.0, d.1))
            .collect();
        let json = format!(
            "{{\"photo\":\"{name}\",\"view\":\"{}\",\"head\":{{\"cx\":{},\"top\":{},\"radius\":{},\"found\":{}}},\
             \"eyes\":{eyes},\"hairline\":[{},{}],\"px_per_cm\":{},\"detect_ms\":{detect_ms:.1},\"preview_ms\":{preview_ms:.1},\"dots\":[{}]}}",
            preview.view().name(),
            head.cx,
            head.top,
            head.radius,
            head.found,
            m.x * w as f64,
            m.y * h as f64,
            design.px_per_cm,
            dots.join(",")
        );
        std::fs::write(stem.with_extension("jpg.json"), json).unwrap();
        eprintln!("{name}: {} dots, {detect_ms:.0} ms detect", dots.len());
    }
}
