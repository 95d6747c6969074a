//! Shared by the integration tests that need what the widget's on-device
//! models said about a photo.

use smp_preview::hints::{FaceDetection, Hints};
use smp_preview::photo::Rgba;
use smp_preview::preview::Preview;
use std::path::Path;

// Only the tests that read dots back against the hand annotations use it.
#[allow(dead_code)]
pub mod annotations;

/// The photo `name` (under `../shared/photos`), as the engine takes it.
// Not every test crate that shares this module loads photos through it
// (thinning.rs skips a missing photo instead).
#[allow(dead_code)]
pub fn photo(name: &str) -> Rgba {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/photos")
        .join(name);
    let img = image::open(&path)
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e}. The tests need the shared test photos beside the repo (../shared/photos).",
                path.display()
            )
        })
        .to_rgba8();
    let (w, h) = img.dimensions();
    Rgba::new(w, h, img.into_raw()).unwrap()
}

/// The models' outputs for `photo` (a name under `../shared/photos`), as
/// the widget passes them to the engine: the person mask and the face
/// detection (`scripts/model-hints.py` made them from
/// `benches/models/run.mjs`).
pub fn model_hints(photo: &str, w: u32, h: u32) -> Hints {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/model-hints");
    let name = photo.trim_start_matches("phone/");
    let mask = image::open(dir.join(format!("{name}.png")))
        .unwrap_or_else(|e| panic!("tests/model-hints/{name}.png: {e}"))
        .to_luma8();
    assert_eq!(mask.dimensions(), (w, h), "{name}: mask size");
    let faces = std::fs::read_to_string(dir.join("faces.txt")).unwrap();
    let face = faces
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|f| f.first() == Some(&photo))
        .unwrap_or_else(|| panic!("{photo}: not in tests/model-hints/faces.txt"))
        .get(1..)
        .filter(|rest| !rest.is_empty())
        .map(|rest| {
            let mut keypoints = [(0.0, 0.0); 6];
            for (k, p) in keypoints.iter_mut().zip(&rest[1..]) {
                let (x, y) = p.split_once(',').expect("x,y");
                *k = (x.parse().unwrap(), y.parse().unwrap());
            }
            FaceDetection {
                score: rest[0].parse().unwrap(),
                keypoints,
            }
        });
    Hints {
        person: mask.into_raw(),
        face,
    }
}

/// The engine's preview of `photo` (a name under `../shared/photos`) with
/// the models' outputs for it, as the widget builds it for a person's own
/// photo.
// The tests that need the photo itself too build it from the parts.
#[allow(dead_code)]
pub fn models_preview(photo: &str) -> Preview {
    let image = self::photo(photo);
    let hints = model_hints(photo, image.width, image.height);
    Preview::with_hints(image, hints)
}
