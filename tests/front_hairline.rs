//! A front whose eyes the face model found, with the person's own front
//! hairline intact: the middle handle goes where the photo's hair starts
//! above the glabella (`HAIR_EDGE_*` in src/preview.rs), read back against
//! the annotated hairline (tests/annotations/phone-front.txt); a receded
//! front with thin hair and a bald one keep the default 8 cm.

mod common;

use common::annotations::annotation;
use common::models_preview;

/// How far the middle handle lies from the annotated hairline, cm (the
/// scale from the annotated eyes, 6.3 cm apart, else the scalp's breadth).
fn hairline_error_cm(photo: &str) -> f64 {
    let (p, a) = (models_preview(photo), annotation(photo));
    assert!(p.face_found(), "{photo}: the face model finds the eyes");
    let (w, h) = (p.photo().width as f64, p.photo().height as f64);
    let (x, y) = a.hairline.expect("a hairline");
    let scalp = common::annotations::raster(&a.scalp, w as usize, h as usize);
    let px_per_cm = common::annotations::true_px_per_cm(&a, &scalp, w as usize);
    let m = p.design().hairline.handles[1];
    (m.x * w - x).hypot(m.y * h - y) / px_per_cm
}

#[test]
fn an_intact_front_hairline_is_read_from_the_photo() {
    // Each was 1.1 cm off at the default 8 cm above the glabella.
    for photo in [
        "phone/front_n2_21_1fbb2566.jpg",
        "phone/front_n3_12_70c374d5.jpg",
        "phone/front_n3_51_9984411d.jpg",
    ] {
        let e = hairline_error_cm(photo);
        assert!(e <= 0.8, "{photo}: hairline {e:.2} cm off");
    }
}

#[test]
fn a_receded_or_bald_front_keeps_the_default_height() {
    for photo in [
        "phone/front_n3_23_c380c2de.jpg",
        "phone/front_n5_10_12e882f3.jpg",
    ] {
        let p = models_preview(photo);
        let cm = p.design().hairline_height_cm(p.photo().height);
        assert!((cm - 8.0).abs() < 1e-3, "{photo}: hairline {cm:.2} cm up");
    }
}
