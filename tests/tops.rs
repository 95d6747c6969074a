//! Tops whose person mask runs along the photo's top edge into the
//! background: no dot there (`src/skull.rs`, the oval fitted from the
//! circle most of the outline lies on), read back against the annotated
//! scalp (tests/annotations/phone-top.txt); and a front whose mask runs
//! past the crown into the background, bounded by the same oval.

use smp_preview::preview::Preview;
use smp_preview::view::View;

mod common;

use common::annotations::{annotations, at, raster};

/// The dots the models' preview of `photo`, seen as `view`, draws off
/// the annotated scalp near its top (the top corners, where the mask ran
/// into the background), and all its dots.
fn off_the_top(photo: &str, view: View) -> (usize, usize) {
    let image = common::photo(photo);
    let hints = common::model_hints(photo, image.width, image.height);
    let mut p = Preview::with_hints(image, hints);
    let mut design = p.design().clone();
    design.view = view;
    p.set_design(design).unwrap();
    let a = annotations()
        .into_iter()
        .find(|a| a.photo == photo)
        .expect("annotated");
    let (w, h) = (p.photo().width as usize, p.photo().height as usize);
    let scalp = raster(&a.scalp, w, h);
    let top = a
        .scalp
        .iter()
        .flatten()
        .map(|p| p.1 as f32)
        .fold(f32::INFINITY, f32::min);
    let dots = p.visible_dots();
    let off = dots
        .iter()
        .filter(|d| d.1 < top + 150.0 && !at(&scalp, w, d.0, d.1))
        .count();
    (off, dots.len())
}

/// Patterned cloth above the head and at the top right corner: the mask's
/// top rows were background, so the head found in it started at the
/// photo's top and no oval fitted around that head: 1,986 of n6_01's
/// 23,987 dots lay there (166 of 22,158 now, on the scalp's own edge).
#[test]
fn no_dots_in_the_background_above_a_head_at_the_photos_top() {
    for photo in [
        "phone/top-down_n6_01_e910cf4f.jpg",
        // Dark background above the whole head, and beside its top right.
        "phone/top-down_n4_11_2f3fdc35.jpg",
    ] {
        let (off, all) = off_the_top(photo, View::Top);
        assert!(
            off * 100 < all,
            "{photo}: {off} of {all} dots off the scalp at its top"
        );
    }
}

/// From the front: front_n3_51's person mask runs on past the crown's top
/// right into the pale wall behind it; 493 of its 5,441 dots lay there
/// before the skull's oval bounded a front view too (none of 4,684 now;
/// its plenty of hair gets the keeping-my-hair mode's fewer dots).
#[test]
fn no_dots_past_the_crown_seen_from_the_front() {
    let photo = "phone/front_n3_51_9984411d.jpg";
    let (off, all) = off_the_top(photo, View::Front);
    assert!(
        off * 100 < all,
        "{photo}: {off} of {all} dots off the scalp at its top"
    );
}
