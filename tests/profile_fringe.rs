//! Profiles: behind and below the ear the dots follow the fringe the photo
//! shows (hair against bare skin, `FRINGE_NAPE` in src/preview.rs), not
//! only the fixed lines around the ear; and that limit is the same however
//! the preview got to its design.

use smp_preview::preview::Preview;
use smp_preview::scalp::Dab;
use smp_preview::view::View;

mod common;

/// A phone profile whose neck below the fringe is bare skin.
const PHOTO: &str = "phone/left_n2_03_8d1a756f.jpg";

/// The models' automatic preview of `photo`, a profile seen as `view`.
fn profile(photo: &str, view: View) -> Preview {
    let p = common::models_preview(photo);
    assert_eq!(p.view(), view);
    p
}

/// The models' automatic preview of the left profile `photo`.
fn left_profile(photo: &str) -> Preview {
    profile(photo, View::Left)
}

/// How many dots the models' automatic preview of the profile `photo`
/// (seen as `view`) draws in each box (photo pixels: x0, y0, x1, y1).
fn profile_dots<const N: usize>(photo: &str, view: View, boxes: [[f32; 4]; N]) -> [usize; N] {
    let dots = profile(photo, view).visible_dots();
    boxes.map(|[x0, y0, x1, y1]| {
        dots.iter()
            .filter(|d| (x0..x1).contains(&d.0) && (y0..y1).contains(&d.1))
            .count()
    })
}

/// [`profile_dots`] of a left profile.
fn left_profile_dots<const N: usize>(photo: &str, boxes: [[f32; 4]; N]) -> [usize; N] {
    profile_dots(photo, View::Left, boxes)
}

/// Bare neck below the fringe, behind the ear (photo pixels; the
/// annotated fringe ends above it, tests/annotations/phone-left.txt): the
/// fixed nape line 0.45 ear-to-eye spans below the tragion put 196 dots
/// there, and 156 on the fringe's lower edge just above.
const NECK: [f32; 4] = [410.0, 505.0, 450.0, 545.0];

#[test]
fn no_dots_on_the_neck_below_the_fringe() {
    let [x0, y0, x1, y1] = NECK;
    // The fringe above it, as tall, keeps its dots.
    let above = [x0, y0 - (y1 - y0), x1, y0];
    let [on_neck, fringe] = left_profile_dots(PHOTO, [NECK, above]);
    assert!(
        on_neck * 4 < fringe,
        "{on_neck} dots on the neck, {fringe} on the fringe above it"
    );
}

/// A profile whose detected tragion sits low in the ear: the ellipse
/// around it leaves out the top of the ear, where 40 dots showed, and the
/// short hair around the ear reads as hair (`EAR_TOP` in src/preview.rs).
const LOW_TRAGION: &str = "phone/left_n2_28_80327d4e.jpg";
/// The top of that ear's helix, and the hair just above it (photo pixels).
const EAR_TOP: [f32; 4] = [335.0, 400.0, 370.0, 430.0];
const ABOVE_EAR: [f32; 4] = [335.0, 345.0, 370.0, 375.0];

#[test]
fn no_dots_on_the_top_of_the_ear() {
    let [ear, hair] = left_profile_dots(LOW_TRAGION, [EAR_TOP, ABOVE_EAR]);
    assert!(
        ear * 10 < hair,
        "{ear} dots on the top of the ear, {hair} on the hair above it"
    );
}

/// A profile whose helix rises high and forward over the tragion: the
/// front of the ear's top rim (photo pixels, below the annotated scalp's
/// arc over the ear, tests/annotations/phone-left.txt) and the hair above
/// it. With the top of the ear looked for up to 0.4 ear-to-eye spans above
/// the tragion and 0.15 in front of it, 173 dots showed on the rim; up to
/// 0.45 and 0.3 (`EAR_TOP`, `EAR_TOP_AHEAD` in src/preview.rs), 51, the
/// hair above keeping its 271.
const HIGH_EAR: &str = "phone/left_n7_12_8392fde3.jpg";
const EAR_RIM: [f32; 4] = [390.0, 345.0, 450.0, 395.0];
const HAIR_ABOVE_RIM: [f32; 4] = [405.0, 280.0, 485.0, 320.0];

#[test]
fn no_dots_on_the_front_of_a_high_ears_rim() {
    let [rim, hair] = left_profile_dots(HIGH_EAR, [EAR_RIM, HAIR_ABOVE_RIM]);
    assert!(
        rim * 4 < hair,
        "{rim} dots on the ear's rim, {hair} on the hair above it"
    );
}

/// A profile whose neck behind and below the ear is in shade (photo
/// pixels; outside the annotated scalp, tests/annotations/phone-left.txt)
/// and the grey fringe above it, as large. Read with diffuse thinning's
/// hair test (a pixel at 0.65 of the skin's luminance or darker is on a
/// hair) the shaded neck kept 335 dots against the fringe's 460; with the
/// profile's own (`FRINGE_DARK`, `FRINGE_FINE` in src/preview.rs), 145.
const SHADED_NECK_PHOTO: &str = "phone/left_n4_01_bc96d5ca.jpg";
const SHADED_NECK: [f32; 4] = [440.0, 520.0, 480.0, 600.0];
const FRINGE_ABOVE_NECK: [f32; 4] = [480.0, 400.0, 560.0, 440.0];

#[test]
fn few_dots_on_a_neck_in_shade() {
    let [neck, fringe] = left_profile_dots(SHADED_NECK_PHOTO, [SHADED_NECK, FRINGE_ABOVE_NECK]);
    assert!(
        neck * 2 < fringe,
        "{neck} dots on the shaded neck, {fringe} on the fringe above it"
    );
}

/// A right profile with a sparse grey fringe behind the ear (photo pixels,
/// inside the annotated scalp, tests/annotations/phone-right.txt) and the
/// hair above the temple's row, as large, where the fringe is not read
/// from the photo. Diffuse thinning's hair test read much of the grey
/// fringe as bare skin: 431 dots against 1438 above; the profile's own
/// (`FRINGE_FINE` in src/preview.rs: fine hairs darker than 0.96 of the
/// mean beside them), 735.
const GREY_FRINGE_PHOTO: &str = "phone/right_n7_07_d1fb3da3.jpg";
const GREY_FRINGE: [f32; 4] = [40.0, 400.0, 160.0, 520.0];
const HAIR_ABOVE_FRINGE: [f32; 4] = [40.0, 200.0, 160.0, 320.0];

#[test]
fn a_grey_fringe_keeps_its_dots() {
    let [fringe, above] = profile_dots(
        GREY_FRINGE_PHOTO,
        View::Right,
        [GREY_FRINGE, HAIR_ABOVE_FRINGE],
    );
    assert!(
        fringe * 5 > above * 2,
        "{fringe} dots on the grey fringe, {above} on the hair above it"
    );
}

/// The limit reads the photo, the head, the view and the skin layer
/// (`skin_share`, kept between frames): a view changed and changed back, a
/// brush stroke (made in another view, so the layer is first read with it)
/// taken back, a scale changed and changed back and the frames drawn in
/// between leave the very dots a fresh preview of the same design gives.
#[test]
fn edits_taken_back_give_the_fresh_previews_dots() {
    let mut fresh = left_profile(PHOTO);
    let want = fresh.visible_dots();
    let mut p = left_profile(PHOTO);
    p.render();
    let design = p.design().clone();
    let mut d = design.clone();
    d.view = View::Back;
    p.set_design(d.clone()).unwrap();
    p.render();
    p.brush(vec![Dab {
        x: 0.6,
        y: 0.3,
        radius: 0.25,
        add: false,
        scar: false,
    }]);
    p.render();
    d.view = View::Left;
    p.set_design(d).unwrap();
    p.render();
    assert!(p.undo_brush());
    p.render();
    let mut d = design.clone();
    d.px_per_cm *= 1.2;
    p.set_design(d).unwrap();
    p.render();
    p.set_design(design).unwrap();
    p.render();
    assert_eq!(p.visible_dots(), want);
}

/// The bare-skin layer is read at the design's scale (it looks for fine
/// hairs over about a millimetre): a preview whose scale changed after its
/// first frame gives the dots a fresh preview at the new scale gives.
#[test]
fn a_changed_scale_gives_the_fresh_previews_dots() {
    let mut p = left_profile(PHOTO);
    let mut d = p.design().clone();
    d.px_per_cm = 80.0;
    p.set_design(d.clone()).unwrap();
    p.render();
    d.px_per_cm = 160.0;
    p.set_design(d.clone()).unwrap();
    let mut fresh = left_profile(PHOTO);
    fresh.set_design(d).unwrap();
    assert_eq!(p.visible_dots(), fresh.visible_dots());
}
