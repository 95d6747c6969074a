//! Statistical properties of the dot patterns: spacing quality (ρ), gaps,
//! density accuracy, nesting and determinism.

use smp_preview::metrics::{largest_gap, normalized_radius};
use smp_preview::preview::spacing_px;
use smp_preview::sampling::{
    digest, nested_pattern, nested_points, Pattern, Uniform, LAST_LEVEL_RANK, LEVELS,
};

const W: f64 = 600.0;
const H: f64 = 450.0;
const R: f64 = 4.0;

fn prefix(points: &[[f64; 2]], order: &[u32], k: usize) -> Vec<[f64; 2]> {
    order[..k].iter().map(|&i| points[i as usize]).collect()
}

#[test]
fn full_density_is_well_spread() {
    let (points, _) = nested_points(W, H, &Uniform(R), 11);
    let rho = normalized_radius(&points, W, H, W * H);
    println!("full: {} points, rho {rho:.3}", points.len());
    assert!(rho >= 0.75, "rho {rho}");
}

#[test]
fn every_nested_level_is_well_spread() {
    let (points, order) = nested_points(W, H, &Uniform(R), 12);
    let n = points.len() as f64;
    // Level boundaries: points are generated level by level and ranked
    // level by level, so a level ends where the ranked prefix is exactly
    // the first k generated points.
    let mut highest = 0;
    let mut levels = 0;
    for (k, &i) in order.iter().enumerate() {
        highest = highest.max(i as usize);
        if highest == k && k >= 20 {
            levels += 1;
            let rho = normalized_radius(&prefix(&points, &order, k + 1), W, H, W * H);
            println!("level ending at {}: rho {rho:.3}", k + 1);
            assert!(rho >= 0.70, "level ending at {} rho {rho}", k + 1);
        }
    }
    assert!(levels >= LEVELS - 4, "{levels} levels found");
    // Any prefix between levels (what a slider shows) stays evenly spread.
    for pct in (5..100).step_by(5) {
        let k = (n * pct as f64 / 100.0) as usize;
        let rho = normalized_radius(&prefix(&points, &order, k), W, H, W * H);
        println!("{pct}%: rho {rho:.3}");
        assert!(rho >= 0.60, "{pct}% rho {rho}");
    }
}

#[test]
fn no_gap_wider_than_twice_the_spacing() {
    let (points, order) = nested_points(W, H, &Uniform(R), 13);
    let inner = [2.0 * R, 2.0 * R, W - 2.0 * R, H - 2.0 * R];
    let gap = largest_gap(&points, inner, 0.5, 10.0 * R);
    assert!(gap <= 2.0 * R, "gap {gap}");
    // Half density: its own spacing is sqrt(2) wider.
    let half = prefix(&points, &order, points.len() / 2);
    let gap = largest_gap(&half, inner, 0.5, 10.0 * R);
    assert!(gap <= 2.0 * R * 2f64.sqrt(), "half-density gap {gap}");
}

#[test]
fn density_matches_the_request_within_five_percent() {
    // 32 px/cm, sampled at the controls' maximum (100/cm²), shown at 70.
    let px_per_cm = 32.0;
    let (w, h) = (640.0, 480.0);
    let dots = nested_pattern(w, h, &Uniform(spacing_px(100.0, px_per_cm)), 5);
    for requested in [100.0, 70.0, 40.0] {
        let fraction = (requested / 100.0) as f32;
        let margin = 16.0;
        let inside = dots
            .iter()
            .filter(|d| d.rank < fraction)
            .filter(|d| {
                d.x as f64 > margin
                    && (d.x as f64) < w - margin
                    && d.y as f64 > margin
                    && (d.y as f64) < h - margin
            })
            .count() as f64;
        let area_cm2 = (w - 2.0 * margin) * (h - 2.0 * margin) / (px_per_cm * px_per_cm);
        let measured = inside / area_cm2;
        println!("requested {requested}/cm², measured {measured:.1}");
        assert!(
            (measured / requested - 1.0).abs() <= 0.05,
            "{measured} vs {requested}"
        );
    }
}

#[test]
fn lower_density_is_an_exact_subset_of_higher() {
    let dots = nested_pattern(W, H, &Uniform(R), 3);
    let visible = |f: f32| -> Vec<(u32, u32)> {
        dots.iter()
            .filter(|d| d.rank < f)
            .map(|d| (d.x.to_bits(), d.y.to_bits()))
            .collect()
    };
    let low: std::collections::HashSet<_> = visible(0.3).into_iter().collect();
    let high: std::collections::HashSet<_> = visible(0.6).into_iter().collect();
    assert!(!low.is_empty() && low.len() < high.len());
    assert!(low.is_subset(&high));
    // Ranks are a permutation: every dot has its own.
    let mut ranks: Vec<u32> = dots.iter().map(|d| d.rank.to_bits()).collect();
    ranks.sort_unstable();
    ranks.dedup();
    assert_eq!(ranks.len(), dots.len());
}

#[test]
fn variable_density_follows_the_field() {
    // Spacing halves from left to right: the rightmost strip holds about
    // (7.75 / 4.25)^2 times the dots of the leftmost.
    struct Ramp;
    impl smp_preview::sampling::Spacing for Ramp {
        fn at(&self, x: f64, _y: f64) -> f64 {
            8.0 - 4.0 * (x / W)
        }
        fn min(&self) -> f64 {
            4.0
        }
        fn max(&self) -> f64 {
            8.0
        }
    }
    let (points, _) = nested_points(W, H, &Ramp, 4);
    let left = points.iter().filter(|p| p[0] < W / 8.0).count() as f64;
    let right = points.iter().filter(|p| p[0] > W * 7.0 / 8.0).count() as f64;
    let expected = (7.75f64 / 4.25).powi(2); // spacing at the two strips' centres
    println!("right/left {} expected {expected}", right / left);
    assert!(
        (right / left / expected - 1.0).abs() < 0.12,
        "{right}/{left} vs {expected}"
    );
}

#[test]
fn a_pattern_sampled_in_two_stages_is_the_one_sampled_at_once() {
    let spacing = Uniform(3.0);
    let mut staged = Pattern::new(320.0, 240.0, [0.0, 0.0], 42);
    assert!(staged.cover(&spacing, LAST_LEVEL_RANK));
    assert!(!staged.cover(&spacing, 0.5), "nothing more below it");
    assert!(!staged.is_complete());
    let first = staged.dots().len();
    assert!(staged.dots().iter().all(|d| d.rank < LAST_LEVEL_RANK));
    assert!(staged.cover(&spacing, 0.9));
    assert!(staged.is_complete());
    let whole = nested_pattern(320.0, 240.0, &spacing, 42);
    assert_eq!(staged.dots(), &whole[..]);
    // The first six levels hold the share of the dots their ranks say.
    let share = first as f64 / whole.len() as f64;
    assert!(
        (share / LAST_LEVEL_RANK as f64 - 1.0).abs() < 0.02,
        "{share}"
    );
}

/// The default design (density, session) shows exactly the first six
/// levels, so its first preview can leave the last one for later.
#[test]
fn the_last_level_starts_where_the_default_design_stops() {
    use smp_preview::design::{DENSITY, SESSIONS};
    use smp_preview::preview::SESSION_SHARE;
    let shown = DENSITY.default * SESSION_SHARE[SESSIONS.default as usize - 1] / DENSITY.max;
    assert_eq!(shown as f32, LAST_LEVEL_RANK);
}

/// Golden digest of a fixed pattern: any change to sampling, ranking or
/// jitter changes it. The browser test checks wasm gives the same value
/// for the same input (see tests/browser).
#[test]
fn pattern_is_pinned_by_a_golden_digest() {
    let dots = nested_pattern(320.0, 240.0, &Uniform(3.0), 42);
    let again = nested_pattern(320.0, 240.0, &Uniform(3.0), 42);
    assert_eq!(digest(&dots), digest(&again));
    assert_ne!(
        digest(&dots),
        digest(&nested_pattern(320.0, 240.0, &Uniform(3.0), 43))
    );
    assert_eq!(
        format!("{:016x}", digest(&dots)),
        GOLDEN,
        "{} dots",
        dots.len()
    );
}

const GOLDEN: &str = "a8870d4c488bc047";

/// The pattern the preview samples for a flat photo is pinned.
#[test]
fn preview_pattern_digest_is_pinned() {
    let photo = smp_preview::photo::Rgba::filled(160, 120, [200, 150, 130, 255]);
    let mut preview = smp_preview::preview::Preview::new(photo);
    assert_eq!(format!("{:016x}", digest(preview.dots())), PREVIEW_GOLDEN);
}

/// The same frame hash is checked in the browser (tests/browser/
/// determinism.test.mjs): the shipped wasm must draw the same pixels, bit
/// for bit (the engine uses only IEEE-exact arithmetic: +, -, *, /, sqrt).
#[test]
fn preview_frame_matches_the_browser_golden() {
    let photo = smp_preview::photo::Rgba::filled(160, 120, [200, 150, 130, 255]);
    let mut preview = smp_preview::preview::Preview::new(photo);
    let frame = preview.render();
    let inked = frame
        .chunks_exact(4)
        .filter(|p| p[..3] != [200, 150, 130])
        .count();
    assert!(
        inked > 160 * 120 / 2,
        "the flat photo is mostly inked: {inked} pixels"
    );
    // FNV-1a, 32 bits, over the RGBA bytes (the browser test computes the same).
    let mut h: u32 = 0x811c_9dc5;
    for &b in frame {
        h = (h ^ b as u32).wrapping_mul(0x0100_0193);
    }
    assert_eq!(format!("{h:08x}"), PREVIEW_FRAME_GOLDEN);
}

/// FNV-1a 32 of the default-design frame of the 160x120 flat photo.
const PREVIEW_FRAME_GOLDEN: &str = "ab5cc4cf";

const PREVIEW_GOLDEN: &str = "78b32b299b5d81a3";
