//! The evaluation set: the automatic preview of every annotated photo
//! (`tests/annotations/`, 91 phone photos in five views plus 07, 08 and 11)
//! scored against where a practitioner would pigment.
//!
//! Per photo: the share of drawn dots outside the annotated scalp (and on
//! the face), the share of the scalp the dots cover, the hairline's error
//! in cm (front and top views with a hairline drawn) and whether the view
//! was recognised. The floors below hold today and rise as the work lands;
//! the full table is written to `target/phone-eval.md` (and printed with
//! `cargo test --release --test phone_eval -- --nocapture`) for the README.

use smp_preview::design::RelPoint;
use smp_preview::preview::Preview;
use smp_preview::view::View;
use std::fmt::Write as _;
use std::path::Path;

mod common;

use common::annotations::{annotations, at, raster, share_covered, true_px_per_cm, Annotation};

/// Targets of the phone-photo issue.
const MAX_OUTSIDE: f64 = 0.02;
const MIN_COVERED: f64 = 0.90;
const MAX_HAIRLINE_CM: f64 = 1.0;

/// A scalp pixel counts as covered when a drawn dot lies this close: wider
/// than the sparsest hairline zone's spacing, narrower than a bare patch a
/// person would notice.
const COVER_RADIUS_CM: f64 = 0.3;

/// How one preview of a photo scores.
struct Outcome {
    dots: usize,
    outside: f64,
    on_face: f64,
    covered: f64,
    hairline_cm: Option<f64>,
    seen_view: View,
    eyes: bool,
    /// The head found: centre x, top, crown radius (pixels).
    head: (f64, f64, f64),
}

/// One photo's scores: the automatic preview (classical), the same after
/// the person corrects the view (one tap in the widget), and the preview
/// from the on-device models' outputs (`tests/model-hints/`, as the widget
/// passes them) before and after the view fix.
struct Score {
    photo: String,
    view: String,
    auto: Outcome,
    corrected: Outcome,
    models: Outcome,
    models_corrected: Outcome,
    /// With the models, after the taps the widget asks for: the view, and
    /// the forehead where it asks for it.
    tapped: Outcome,
}

impl Outcome {
    fn view_right(&self, view: &str) -> bool {
        self.seen_view.name() == view
    }
    fn hairline_ok(&self) -> Option<bool> {
        self.hairline_cm.map(|e| e <= MAX_HAIRLINE_CM)
    }
}

/// What the annotation says, rasterized at the photo's size.
struct Truth<'a> {
    a: &'a Annotation,
    w: usize,
    h: usize,
    scalp: Vec<bool>,
    face: Vec<bool>,
    px_per_cm: f64,
    /// Which path's outcome comes next (0 classical, 1 fixed, 2 models, 3
    /// models fixed, 4 models after the taps), for `SMP_EVAL_DOTS`.
    path: std::cell::Cell<u8>,
}

fn outcome(preview: &mut Preview, t: &Truth) -> Outcome {
    let (w, h) = (t.w, t.h);
    // Scored as the shaved look: where the scalp is, not which mode was
    // chosen (the keeping-my-hair mode leaves out the dots over hair; it is
    // measured in tests/thinning.rs).
    if preview.design().thinning {
        let mut d = preview.design().clone();
        d.thinning = false;
        preview.set_design(d).expect("design");
    }
    let dots = preview.visible_dots();
    // For diagnosis: every path's dots, one file per photo and path.
    if let Some(dir) = std::env::var_os("SMP_EVAL_DOTS") {
        let name = t.a.photo.trim_start_matches("phone/");
        let path = Path::new(&dir).join(format!("{name}.{}.txt", t.path.get()));
        let _ = std::fs::create_dir_all(&dir);
        let text: String = dots.iter().map(|d| format!("{} {}\n", d.0, d.1)).collect();
        std::fs::write(path, text).unwrap();
        t.path.set(t.path.get() + 1);
    }
    let outside = dots.iter().filter(|d| !at(&t.scalp, w, d.0, d.1)).count();
    let on_face = dots.iter().filter(|d| at(&t.face, w, d.0, d.1)).count();
    let covered = share_covered(&t.scalp, w, &dots, COVER_RADIUS_CM * t.px_per_cm);
    let design = preview.design();
    // Only where the preview draws a hairline: a profile or back view has
    // none to measure.
    let hairline_cm =
        t.a.hairline
            .filter(|_| design.view.shows_hairline())
            .map(|(x, y)| {
                let m = design.hairline.handles[1];
                (m.x * w as f64 - x).hypot(m.y * h as f64 - y) / t.px_per_cm
            });
    let share = |n: usize| {
        if dots.is_empty() {
            0.0
        } else {
            n as f64 / dots.len() as f64
        }
    };
    Outcome {
        dots: dots.len(),
        outside: share(outside),
        on_face: share(on_face),
        covered,
        hairline_cm,
        seen_view: design.view,
        eyes: preview.face_found(),
        head: {
            let h = preview.head();
            (h.cx, h.top, h.radius)
        },
    }
}

/// The preview's outcome, then again with the annotated view set.
fn with_view_fix(preview: &mut Preview, truth: &Truth, view: &str) -> (Outcome, Outcome) {
    let first = outcome(preview, truth);
    let mut design = preview.design().clone();
    design.view = View::parse(view).expect("a known view");
    preview.set_design(design).unwrap();
    (first, outcome(preview, truth))
}

/// The forehead tap the widget asks for after the view (www/asks.js
/// `#chooseView`: a view with a front hairline and no face found), given
/// at the annotated hairline's middle and placed as the widget places it:
/// `Engine::hairline_at` (the design's preset through the tap), kept on
/// the photo as `onPhoto` in www/handles.js keeps it, on the link's grid.
/// On a photo whose annotation has no hairline (every such one says the
/// forehead is not in the photo) the person answers "My forehead isn't in
/// this photo", which the widget places as a tap at the photo's bottom
/// middle. False when the widget would not ask.
fn forehead_tap(preview: &mut Preview, a: &Annotation) -> bool {
    const MIN_GAP: f64 = 0.02;
    if !preview.view().shows_hairline() || preview.face_found() {
        return false;
    }
    let (w, h) = (preview.photo().width, preview.photo().height);
    let mid = a
        .hairline
        .map_or(RelPoint { x: 0.5, y: 1.0 }, |(x, y)| RelPoint {
            x: x / w as f64,
            y: y / h as f64,
        });
    let mut design = preview.design().clone();
    let [l, m, r] = design.hairline_through(w, h, mid);
    let mx = m.x.clamp(MIN_GAP, 1.0 - MIN_GAP);
    let on = |v: f64| v.clamp(0.0, 1.0);
    design.hairline.handles = [
        RelPoint {
            x: l.x.clamp(0.0, mx - MIN_GAP),
            y: on(l.y),
        },
        RelPoint { x: mx, y: on(m.y) },
        RelPoint {
            x: r.x.clamp(mx + MIN_GAP, 1.0),
            y: on(r.y),
        },
    ];
    preview
        .set_design(smp_preview::share::quantize(&design))
        .unwrap();
    true
}

fn score(a: &Annotation) -> Score {
    let photo = common::photo(&a.photo);
    let (w, h) = (photo.width as usize, photo.height as usize);
    let scalp = raster(&a.scalp, w, h);
    let truth = Truth {
        a,
        w,
        h,
        px_per_cm: true_px_per_cm(a, &scalp, w),
        face: raster(&a.face, w, h),
        scalp,
        path: std::cell::Cell::new(0),
    };
    let hints = common::model_hints(&a.photo, photo.width, photo.height);
    let (auto, corrected) = with_view_fix(&mut Preview::new(photo.clone()), &truth, &a.view);
    let mut p = Preview::with_hints(photo, hints);
    let (models, models_corrected) = with_view_fix(&mut p, &truth, &a.view);
    forehead_tap(&mut p, a);
    let tapped = outcome(&mut p, &truth);
    Score {
        photo: a.photo.clone(),
        view: a.view.clone(),
        auto,
        corrected,
        models,
        models_corrected,
        tapped,
    }
}

/// Per view: photos, and how many meet each target.
struct Tally {
    photos: usize,
    outside_ok: usize,
    covered_ok: usize,
    hairline_ok: usize,
    hairline_n: usize,
    view_ok: usize,
}

fn tally<'a>(scores: impl Iterator<Item = &'a Score>, pick: fn(&Score) -> &Outcome) -> Tally {
    let mut t = Tally {
        photos: 0,
        outside_ok: 0,
        covered_ok: 0,
        hairline_ok: 0,
        hairline_n: 0,
        view_ok: 0,
    };
    for s in scores {
        let o = pick(s);
        t.photos += 1;
        // A preview without a dot is no success at keeping dots on the scalp.
        t.outside_ok += usize::from(o.dots > 0 && o.outside <= MAX_OUTSIDE);
        t.covered_ok += usize::from(o.covered >= MIN_COVERED);
        t.view_ok += usize::from(o.view_right(&s.view));
        if let Some(ok) = o.hairline_ok() {
            t.hairline_n += 1;
            t.hairline_ok += usize::from(ok);
        }
    }
    t
}

fn pct(n: usize, of: usize) -> String {
    if of == 0 {
        "-".into()
    } else {
        format!("{}/{} ({:.0}%)", n, of, 100.0 * n as f64 / of as f64)
    }
}

fn summary(out: &mut String, scores: &[Score], pick: fn(&Score) -> &Outcome) {
    out.push_str("| view | photos | dots outside <= 2% | scalp covered >= 90% | hairline <= 1 cm | view right |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    let phone = |s: &&Score| s.photo.starts_with("phone/");
    let row = |out: &mut String, label: &str, t: Tally| {
        let _ = writeln!(
            out,
            "| {label} | {} | {} | {} | {} | {} |",
            t.photos,
            pct(t.outside_ok, t.photos),
            pct(t.covered_ok, t.photos),
            pct(t.hairline_ok, t.hairline_n),
            pct(t.view_ok, t.photos)
        );
    };
    for v in View::ALL.map(View::name) {
        row(
            out,
            v,
            tally(scores.iter().filter(phone).filter(|s| s.view == v), pick),
        );
    }
    row(
        out,
        "**all phone**",
        tally(scores.iter().filter(phone), pick),
    );
}

fn report(scores: &[Score]) -> String {
    let mut out = String::from("Automatic preview:\n\n");
    summary(&mut out, scores, |s| &s.auto);
    out.push_str("\nAfter the person corrects the view (one tap):\n\n");
    summary(&mut out, scores, |s| &s.corrected);
    out.push_str("\nWith the on-device models (person segmentation, face detection):\n\n");
    summary(&mut out, scores, |s| &s.models);
    out.push_str("\nWith the models, after the view fix:\n\n");
    summary(&mut out, scores, |s| &s.models_corrected);
    out.push_str("\nWith the models, after the taps the widget asks for (the view; the forehead on a front or top view without a face):\n\n");
    summary(&mut out, scores, |s| &s.tapped);
    for (title, pick) in [
        ("automatic preview", (|s| &s.auto) as fn(&Score) -> &Outcome),
        ("with the models (what the widget ships)", |s| &s.models),
        ("with the models, after the taps", |s| &s.tapped),
    ] {
        let _ = writeln!(out, "\nPer photo, {title}:\n");
        out.push_str("| photo | view (seen) | eyes found | dots | outside | on face | covered | hairline error |\n");
        out.push_str("|---|---|---|---|---|---|---|---|\n");
        for s in scores {
            let o = pick(s);
            let _ = writeln!(
                out,
                "| {} | {} ({}) | {} | {} | {:.1}% | {:.1}% | {:.0}% | {} |",
                s.photo,
                s.view,
                o.seen_view.name(),
                if o.eyes { "yes" } else { "no" },
                o.dots,
                100.0 * o.outside,
                100.0 * o.on_face,
                100.0 * o.covered,
                o.hairline_cm.map_or("-".into(), |e| format!("{e:.1} cm"))
            );
        }
    }
    out
}

#[test]
fn annotations_are_complete_and_well_formed() {
    let all = annotations();
    let index = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/photos/phone/INDEX.csv"),
    )
    .expect("../shared/photos/phone/INDEX.csv: the evaluation needs the shared test photos");
    for line in index.lines().skip(1) {
        let mut cols = line.split(',');
        let file = cols.next().unwrap();
        let view = match cols.next().unwrap() {
            "Top-Down" => "top".to_string(),
            v => v.to_lowercase(),
        };
        let a = all
            .iter()
            .find(|a| a.photo == format!("phone/{file}"))
            .unwrap_or_else(|| panic!("phone/{file} is not annotated"));
        assert_eq!(a.view, view, "{file}: view differs from INDEX.csv");
        assert!(!a.scalp.is_empty(), "{file}: no scalp polygon");
        assert!(View::parse(&a.view).is_some(), "{file}: unknown view");
    }
}

/// Floors: how many phone photos (of 91) meet each target today. Raise
/// them as detection improves; lower one only for a trade the commit
/// message states.
/// (11 met "dots outside" once the skull's oval bounds a front view, but
/// the one gained, front_n2_22, keeps 102 dots on 6% of its scalp: an oval
/// fitted to the colour mask, not a better preview; the floor stays. Back
/// to 10 with the oval fitted upright: left_n7_12, seen as a front and
/// 32% covered, 1.7 -> 2.1%.)
const FLOOR_OUTSIDE: usize = 10;
const FLOOR_COVERED: usize = 10;
/// Front and top views with a hairline drawn (29 photos).
const FLOOR_HAIRLINE: usize = 1;
const FLOOR_VIEW: usize = 18;
/// Scalp covered once the person has told the view (back and profile views
/// fill down to the nape instead of stopping at a front hairline).
const FLOOR_COVERED_CORRECTED: usize = 14;
/// With the on-device models' outputs (tests/model-hints/). Dots outside
/// went from 7 to 6 when a photo without a dot stopped counting as "none
/// outside" (top-down_n5_10 had no dot at all), then to 10 with the backs'
/// narrowing toward the nape and the profiles' ear cut; scalp covered fell
/// from 68 to 66 for them (back_n2_01, a head turned a little, 0.92 ->
/// 0.89; right_n6_30 0.90 -> 0.88). Then 10 -> 18 with the profile's front
/// line measured mostly from the head's outline, the backs' narrowing from the
/// ears' top and the tops' narrowing below the widest row (scalp covered
/// stayed at 66). Then, with a head seen from above without a face given
/// its hairline at the front of the skull (not near the crown's back),
/// hairline 3 -> 8 and dots outside 18 -> 22 for scalp covered 66 -> 62
/// (the cut in front of the line takes some scalp on tops whose forehead
/// is out of sight). Then 22 -> 24 with the profile's fringe read from
/// the photo behind and below the ear (no dot on bare skin there; the
/// nape line moved from 0.45 to 0.7 spans below the tragion), scalp
/// covered staying at 62; then 24 -> 28 with no dot beyond the skull's
/// oval fitted to the mask's outline seen from above (`src/skull.rs`; tops
/// 6 -> 9 of 21, one back seen as a top, scalp covered unchanged); then
/// 28 -> 29 with the temples raised on fronts tilted forward (front_n3_38);
/// 29 -> 30 since every models preview is built from the outline a share
/// link carries (`src/outline.rs`: top-down_n7_13 4.5 -> 1.1% outside, with
/// its hairline 0.7 -> 1.5 cm off, so hairline 8 -> 7; scalp covered 62 ->
/// 61, top-down_n6_26 95 -> 80% and front_n6_02 90 -> 89% against
/// top-down_n5_01 78 -> 100%); 30 -> 31 with the skull's oval also
/// fitted from the circle most of the outline lies on where the one from
/// the head found fails (a mask run along the photo's top: top-down_n6_01
/// 8.3 -> 0.7%); 31 -> 32 and scalp covered 61 -> 62 with the profile's
/// fringe read more strictly, its nape line back at 0.45 spans and the
/// ear's ellipse 0.05 spans lower (`FRINGE_BARE` in src/preview.rs:
/// right_n4_20 2.3 -> 0.2% outside, its coverage 90.1 -> 87.7%; left_n5_24
/// 89.9 -> 90.4% and right_n6_30 89.4 -> 90.1% covered); 32 -> 35 with no
/// dot past the skull's oval seen from the front either (front_n3_23 4.2
/// -> 2.0%, n3_38 2.1 -> 1.8%, n3_51 8.5 -> 0.0%; scalp covered unchanged);
/// 35 -> 36 and scalp covered 62 -> 64 with a nape the photo does not show
/// guessed from the hair on the scalp (`NAPE_HAIRY` in src/preview.rs:
/// back_n5_22 5.5 -> 0.6% outside; back_n3_04 and n5_10 covered; four
/// tops seen as backs, all over 2% outside before, put more dots off
/// their scalp, top-down_n3_38 22 -> 31%, n4_11 32 -> 40%); 36 -> 39 with
/// the top of a profile's ear looked for higher and further forward and
/// its nape line a little nearer the ear (`EAR_TOP`, `EAR_TOP_AHEAD`,
/// `FRINGE_NAPE`: left_n3_57 3.0 -> 1.9%, left_n7_12 3.3 -> 1.8%,
/// right_n7_13 2.3 -> 2.0%; scalp covered unchanged); scalp covered 64 ->
/// 65 with a back seen long keeping its lower sides (`LONG_BACK`:
/// back_n4_36); 39 -> 40 with a profile's fringe read with its own hair
/// test (`FRINGE_DARK`, `FRINGE_FINE`: left_n2_03 2.4 -> 1.8%; scalp
/// covered unchanged). Lowered 40 -> 39, and the hairline raised 7 -> 12,
/// with a front's middle read from the person's own intact hairline
/// (`HAIR_EDGE_*`: front_n3_38 1.86 -> 2.00%, on the line); 39 -> 41 with
/// the skull's oval reaching no higher than the head's top row
/// (`Skull::below_top`: top-down_n5_08 5.5 -> 1.0%, front_n3_38 back
/// under the line; scalp covered unchanged).
const FLOOR_MODELS_OUTSIDE: usize = 41;
const FLOOR_MODELS_COVERED: usize = 65;
const FLOOR_MODELS_HAIRLINE: usize = 12;
const FLOOR_MODELS_VIEW: usize = 69;
/// With the models after the widget's taps (the view; the forehead where
/// the widget asks for it). Dots outside 11 -> 18 since a forehead tapped
/// on a top view (or on a front tilted so far that no face was found) cuts
/// the dots in front of it, with the backs' and profiles' cuts above;
/// 18 -> 28 with the outline-measured profile front and the backs' and
/// tops' narrowing (scalp covered stayed at 61); 28 -> 29 and 61 -> 59
/// with the automatic hairline at the front of a skull seen from above
/// (tops with no forehead in sight, so no tap, lose some scalp to it);
/// 29 -> 30 with the profile's fringe read from the photo, 30 -> 33 with
/// the skull's oval from above (tops 7 -> 10 of 21), 33 -> 35 with the
/// temples raised on fronts tilted forward, the raise kept through the
/// forehead tap (front_n3_17, n3_38; scalp covered unchanged; unchanged
/// too with the outline a share link carries); 35 -> 37 with the skull's
/// oval from the circle most of the outline lies on (top-down_n6_01 8.3 ->
/// 0.7%, top-down_n4_11 16.1 -> 1.9% with its coverage 90.6 -> 90.1%).
/// Scalp covered 59 -> 64 with the answer "My forehead isn't in this
/// photo" on the tops whose forehead is not in the photo (every top
/// annotated without a hairline; the hairline goes below the photo and the
/// pattern reaches the head's outline): top-down_n2_01 80 -> 90%, n2_36 82
/// -> 94%, n5_08 83 -> 99% (its dots outside 4.5 -> 9.1%), n5_13 89 -> 98%,
/// n6_01 82 -> 93%; dots outside unchanged at 37. Then 37 -> 39 and 64 ->
/// 65 with the profile's fringe read more strictly (as above, and
/// right_n4_01 7.4 -> 1.0% outside); 39 -> 42 with the skull's oval
/// bounding a front view too (front_n3_23, n3_38, n3_51: the person mask's
/// spill past the crown's outline at its top corners; scalp covered
/// unchanged, though front_n3_01 45 -> 35% and n5_01 89 -> 86%, heads
/// tilted far forward whose oval cuts their lowest sides); 42 -> 44 and
/// 65 -> 68 with a nape the photo does not show guessed from the hair
/// (backs 12 -> 14 and 10 -> 13 of 16: back_n5_07 4.2 -> 1.9% and n5_22
/// 5.5 -> 0.6% outside; back_n3_04 89 -> 94%, n5_10 85 -> 90%, n6_04 88 ->
/// 92% covered, n7_05 95 -> 91%); 44 -> 47 with the top of a profile's ear
/// looked for higher and further forward and its nape line a little nearer
/// the ear (the same three profiles as above; scalp covered unchanged, the
/// profiles' mean coverage 90.3 -> 89.9%); scalp covered 68 -> 69 with a
/// back seen long keeping its lower sides (`LONG_BACK`: back_n4_36 83 ->
/// 91%, the one annotated back whose nape lies deeper than 2.5 radii);
/// 69 -> 70 with the skull's oval fitted upright in every round
/// (top-down_n4_10 74 -> 97%, its oval no longer leaning across the head
/// toward the shoulder); dots outside 47 -> 48 with a profile's fringe
/// read with its own hair test (as above); scalp covered 70 -> 73 with
/// the arc of a front tilted far forward shallower than a top view's
/// (`TILTED_FRONT_DEPTH_CM`: front_n4_10 87.5 -> 91.6%, n5_01 87.3 ->
/// 91.1%, n6_02 89.3 -> 92.5%; front_n3_34's dots outside 2.6 -> 5.0%);
/// 73 -> 74 with a front's pattern reaching a forehead tapped more than 2
/// radii down (front_n3_01 45 -> 95%). Hairline 22 -> 27 of 29 (the
/// issue's 90%) and dots outside lowered 48 -> 47 with a front's middle
/// read from the person's own intact hairline (`HAIR_EDGE_*` in
/// src/preview.rs: front_n3_12 14.0 -> 10.9%, n2_21 2.9 -> 4.7%, n3_38
/// 1.86 -> 2.00%, just over the line; a trade taken on purpose: five
/// hairlines within 1 cm against one photo moving 0.14 points); 47 -> 49
/// with the skull's oval reaching no higher than the head's top row (as
/// above: top-down_n5_08 11.7 -> 0.9%, n3_38 34.5 -> 15.9%; front_n3_38
/// 2.00 -> 1.5%; scalp covered unchanged).
const FLOOR_TAPPED_OUTSIDE: usize = 49;
const FLOOR_TAPPED_COVERED: usize = 74;
const FLOOR_TAPPED_HAIRLINE: usize = 27;
const FLOOR_TAPPED_VIEW: usize = 91;

/// Slow unoptimized (minutes for 94 photos): `./test` runs it with `--release`.
#[test]
#[cfg_attr(debug_assertions, ignore = "run with --release (./test does)")]
fn phone_photos_meet_the_floors() {
    let scores: Vec<Score> = annotations().iter().map(score).collect();
    let table = report(&scores);
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    let _ = std::fs::create_dir_all(&target);
    std::fs::write(target.join("phone-eval.md"), &table).unwrap();
    // The same per photo, for scripts: scores before and after the view fix
    // and the head found.
    let cm = |e: Option<f64>| e.map_or(String::new(), |e| format!("{e:.2}"));
    let mut csv = String::from("photo,view,outside,on_face,covered,outside_fixed,on_face_fixed,covered_fixed,head_cx,head_top,head_radius,models_view,models_outside,models_on_face,models_covered,models_fixed_outside,models_fixed_on_face,models_fixed_covered,models_hairline_cm,models_fixed_hairline_cm,tapped_outside,tapped_covered,tapped_hairline_cm\n");
    for s in &scores {
        let (a, c) = (&s.auto, &s.corrected);
        let _ = writeln!(
            csv,
            "{},{},{:.4},{:.4},{:.4},{:.4},{:.4},{:.4},{:.1},{:.1},{:.1},{},{:.4},{:.4},{:.4},{:.4},{:.4},{:.4},{},{},{:.4},{:.4},{}",
            s.photo,
            s.view,
            a.outside,
            a.on_face,
            a.covered,
            c.outside,
            c.on_face,
            c.covered,
            a.head.0,
            a.head.1,
            a.head.2,
            s.models.seen_view.name(),
            s.models.outside,
            s.models.on_face,
            s.models.covered,
            s.models_corrected.outside,
            s.models_corrected.on_face,
            s.models_corrected.covered,
            cm(s.models.hairline_cm),
            cm(s.models_corrected.hairline_cm),
            s.tapped.outside,
            s.tapped.covered,
            cm(s.tapped.hairline_cm)
        );
    }
    std::fs::write(target.join("phone-eval.csv"), csv).unwrap();
    println!("{table}");
    let t = tally(
        scores.iter().filter(|s| s.photo.starts_with("phone/")),
        |s| &s.auto,
    );
    assert!(
        t.outside_ok >= FLOOR_OUTSIDE,
        "dots outside the scalp: {} photos ok, floor {FLOOR_OUTSIDE}",
        t.outside_ok
    );
    assert!(
        t.covered_ok >= FLOOR_COVERED,
        "scalp covered: {} photos ok, floor {FLOOR_COVERED}",
        t.covered_ok
    );
    assert!(
        t.hairline_ok >= FLOOR_HAIRLINE,
        "hairline: {} photos ok, floor {FLOOR_HAIRLINE}",
        t.hairline_ok
    );
    assert!(
        t.view_ok >= FLOOR_VIEW,
        "view: {} photos ok, floor {FLOOR_VIEW}",
        t.view_ok
    );
    let c = tally(
        scores.iter().filter(|s| s.photo.starts_with("phone/")),
        |s| &s.corrected,
    );
    assert!(
        c.covered_ok >= FLOOR_COVERED_CORRECTED,
        "scalp covered after the view fix: {} photos ok, floor {FLOOR_COVERED_CORRECTED}",
        c.covered_ok
    );
    let m = tally(
        scores.iter().filter(|s| s.photo.starts_with("phone/")),
        |s| &s.models,
    );
    let t = tally(
        scores.iter().filter(|s| s.photo.starts_with("phone/")),
        |s| &s.tapped,
    );
    for (what, got, floor) in [
        ("dots outside the scalp", t.outside_ok, FLOOR_TAPPED_OUTSIDE),
        ("scalp covered", t.covered_ok, FLOOR_TAPPED_COVERED),
        ("hairline", t.hairline_ok, FLOOR_TAPPED_HAIRLINE),
        ("view", t.view_ok, FLOOR_TAPPED_VIEW),
    ] {
        assert!(
            got >= floor,
            "with the models after the taps, {what}: {got} photos ok, floor {floor}"
        );
    }
    for (what, got, floor) in [
        ("dots outside the scalp", m.outside_ok, FLOOR_MODELS_OUTSIDE),
        ("scalp covered", m.covered_ok, FLOOR_MODELS_COVERED),
        ("hairline", m.hairline_ok, FLOOR_MODELS_HAIRLINE),
        ("view", m.view_ok, FLOOR_MODELS_VIEW),
    ] {
        assert!(
            got >= floor,
            "with the models, {what}: {got} photos ok, floor {floor}"
        );
    }
}

#[test]
fn raster_fills_a_square_exactly() {
    let square = vec![(1.0, 1.0), (5.0, 1.0), (5.0, 4.0), (1.0, 4.0)];
    let bits = raster(&[square], 8, 6);
    assert_eq!(bits.iter().filter(|&&v| v).count(), 4 * 3);
    assert!(bits[8 + 1] && !bits[8] && !bits[5 * 8 + 1]);
}
