//! Native profile harness for the re-render after a slider change (issue 6):
//! a synthetic 12-MP portrait (the browser bench's `large` case), sampled
//! once, then density changes 40..100 each followed by a render. Prints the
//! median time per re-render and a digest of the last frames, so a change to
//! the renderer can be checked for identical output by comparing digests.
//!
//! `cargo bench --bench render`; `SMP_BENCH_QUICK=1` for a tiny 400x300 run.
//! Timings are for profiling only (`perf record` on the bench binary), never
//! a pass/fail threshold.

use std::hint::black_box;
use std::time::Instant;

use smp_preview::preview::Preview;

mod common;
use common::portrait;

/// FNV-1a over the frame: equal digests mean identical pixels.
fn digest(frame: &[u8]) -> u64 {
    frame.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn main() {
    let quick = std::env::var_os("SMP_BENCH_QUICK").is_some();
    let (w, h, rounds) = if quick {
        (400, 300, 2)
    } else {
        (4000, 3000, 5)
    };
    let mut preview = Preview::new(portrait(w, h));
    preview.render(); // samples the pattern once
    let values = [40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0];
    let mut times = Vec::new();
    let mut digests = Vec::new();
    for round in 0..rounds {
        for &v in &values {
            let mut d = preview.design().clone();
            d.density = v;
            preview.set_design(d).expect("valid density");
            let t = Instant::now();
            let frame = black_box(preview.render());
            times.push(t.elapsed().as_secs_f64() * 1e3);
            if round == rounds - 1 {
                digests.push(digest(frame));
            }
        }
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "re-render {w}x{h}, density 40..100: median {:.2} ms, min {:.2} ms over {} renders",
        times[times.len() / 2],
        times[0],
        times.len()
    );
    let all = digests.iter().fold(0u64, |h, d| h.rotate_left(7) ^ d);
    println!("frame digest {all:016x}");
    // Each density from scratch (fresh preview, no dirty-rect reuse) must
    // match the incremental frames.
    let mut fresh = Preview::new(portrait(w, h));
    let mut d = fresh.design().clone();
    d.density = 100.0;
    fresh.set_design(d).expect("valid density");
    let same = digest(fresh.render()) == *digests.last().expect("rendered");
    println!("fresh render matches incremental: {same}");
    assert!(same, "incremental re-render differs from a fresh render");
}
