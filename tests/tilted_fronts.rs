//! Fronts of a head tilted so far forward that no face was found: the
//! person taps the forehead (the widget asks), at or below the glabella
//! guessed from the crown, and the hairline through the tap is drawn seen
//! from above, as an arc bowed toward the face (`src/hairline.rs`,
//! `TILTED_FRONT_DEPTH_CM`), which ends the dots however far down it lies
//! (`Preview::pattern_box`). Read back against the annotated scalp
//! (tests/annotations/phone-front.txt).

use smp_preview::design::RelPoint;
use smp_preview::view::View;

mod common;

use common::annotations::{annotation, raster, scale_from_widest_row, share_covered};

/// The share of the annotated scalp of `photo` with a dot within 3 mm
/// (the phone evaluation's measure, its scale from the scalp's widest row
/// as a 15 cm skull), in the models' preview seen from the front with the
/// forehead tapped at the annotated hairline's middle, as the shaved look.
fn covered_after_the_tap(photo: &str) -> f64 {
    let mut p = common::models_preview(photo);
    let (w, h) = (p.photo().width, p.photo().height);
    assert!(!p.face_found(), "{photo}: the widget asks for the forehead");
    let a = annotation(photo);
    let (x, y) = a.hairline.expect("a hairline");
    let mut design = p.design().clone();
    design.view = View::Front;
    let mid = RelPoint {
        x: x / w as f64,
        y: y / h as f64,
    };
    design.hairline.handles = design.hairline_through(w, h, mid);
    design.thinning = false;
    p.set_design(design).unwrap();
    let (w, h) = (w as usize, h as usize);
    let scalp = raster(&a.scalp, w, h);
    let dots = p.visible_dots();
    share_covered(&scalp, w, &dots, 0.3 * scale_from_widest_row(&scalp, w))
}

/// The person taps the forehead far below the head found (front_n3_01:
/// 4.2 crown radii down, the head found from a tuft of hair): the dots
/// reach the tapped hairline, where a box 2.3 radii deep ended them in a
/// straight edge across the hair (45% of the scalp covered).
#[test]
fn a_forehead_tapped_far_below_the_head_ends_the_dots() {
    let photo = "phone/front_n3_01_314d4e94.jpg";
    let covered = covered_after_the_tap(photo);
    assert!(
        covered >= 0.9,
        "{photo}: {:.1}% of the scalp covered",
        100.0 * covered
    );
}

/// Tilted far forward, the scalp's lower edge runs about level out to the
/// temples and beyond (the annotated fronts); a top view's 5 cm deep arc
/// rose 1.9 cm at 6.5 cm out and left the lower sides bare: 87-89% of
/// these three covered (91-93% with the front view's 2.5 cm arc).
#[test]
fn a_front_tilted_far_forward_keeps_its_lower_sides() {
    for photo in [
        "phone/front_n4_10_5c9f551a.jpg",
        "phone/front_n5_01_bf21f15d.jpg",
        "phone/front_n6_02_4d90ec34.jpg",
    ] {
        let covered = covered_after_the_tap(photo);
        assert!(
            covered >= 0.9,
            "{photo}: {:.1}% of the scalp covered",
            100.0 * covered
        );
    }
}
