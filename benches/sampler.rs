//! Sampler benchmark: our Poisson-disc samplers against the `bluenoise` and
//! `fast_poisson` crates, measured side by side in one run.
//!
//! What it measures, on a 4000x3000 px domain at a minimum spacing of 11 px
//! with a fixed seed:
//! 1. uniform Poisson-disc sampling: `sampling::poisson_disc` (ours) versus
//!    `bluenoise::BlueNoise` and `fast_poisson::Poisson2D`, each at its
//!    default effort and, where its normalized radius ρ falls short of ours,
//!    also at the smallest candidate-attempt count (from a fixed ladder) that
//!    matches our ρ, or at the top of the ladder if none does;
//! 2. our nested sampler `sampling::nested_points` (the product path: nested
//!    levels plus ranks);
//! 3. rendering a 12-megapixel frame in full (a shade change each round;
//!    `cargo bench --bench render` times the incremental density change).
//!
//! All samplers run in alternating rounds (ours and the peers take turns, the
//! order rotating each round) and the median of the rounds is reported with
//! the point count, points per millisecond, our speed relative to each peer,
//! and the quality figures computed here, for every sampler alike, with
//! `metrics::normalized_radius` and `metrics::uncovered_fraction`.
//!
//! Run: `cargo bench --bench sampler` (prints a table and writes the same
//! figures to `target/bench-sampler.json`). `SMP_BENCH_QUICK=1` runs a tiny
//! 400x300 case once, for CI to check that it still works.
//!
//! Build note: `[profile.release]` has `panic = "abort"` and the lib is a
//! cdylib, so `cargo bench` builds the lib twice (abort for the
//! `smp-render` bin, unwind for this bench) into the same unhashed file,
//! which races. Until Cargo.toml sets `[profile.bench] panic = "unwind"`,
//! run with `CARGO_PROFILE_BENCH_PANIC=unwind` set to build it reliably.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Instant;

use smp_preview::metrics::{normalized_radius, uncovered_fraction};
use smp_preview::sampling::{nested_points, poisson_disc, Uniform};

mod common;

/// Minimum spacing between points, in px.
const SPACING: f64 = 11.0;
/// Seed shared by every sampler.
const SEED: u64 = 0x5EED_2024;
/// Probe step of the uncovered-fraction grid, in px.
const PROBE_STEP: f64 = 1.0;
/// Candidate-attempt counts tried, in order, to match our ρ.
const BLUENOISE_LADDER: [u32; 6] = [8, 12, 16, 24, 32, 64];
const FAST_POISSON_LADDER: [u32; 2] = [60, 120];

/// Domain size and number of timed rounds.
struct Config {
    width: f64,
    height: f64,
    runs: usize,
    warmup: bool,
    quick: bool,
}

impl Config {
    fn from_env() -> Self {
        let quick = std::env::var("SMP_BENCH_QUICK").is_ok_and(|v| v == "1");
        if quick {
            Config {
                width: 400.0,
                height: 300.0,
                runs: 1,
                warmup: false,
                quick,
            }
        } else {
            Config {
                width: 4000.0,
                height: 3000.0,
                runs: 7,
                warmup: true,
                quick,
            }
        }
    }
}

type Sampler = Box<dyn Fn() -> Vec<[f64; 2]>>;
/// Builds a peer's sampler, at its default effort (None) or `Some(samples)`.
type MakePeer = fn(&Config, Option<u32>) -> Sampler;

/// One sampler under test, with its timings and the points of its last run.
struct Case {
    name: String,
    setting: String,
    ours: bool,
    run: Sampler,
    times_ms: Vec<f64>,
    points: Vec<[f64; 2]>,
}

impl Case {
    fn new(name: &str, setting: String, ours: bool, run: Sampler) -> Self {
        Case {
            name: name.to_string(),
            setting,
            ours,
            run,
            times_ms: Vec::new(),
            points: Vec::new(),
        }
    }

    fn time_once(&mut self) {
        let t = Instant::now();
        let points = black_box((self.run)());
        self.times_ms.push(t.elapsed().as_secs_f64() * 1e3);
        self.points = points;
    }
}

/// The figures reported for one case.
struct Row {
    name: String,
    setting: String,
    points: usize,
    median_ms: f64,
    points_per_ms: f64,
    /// Our points/ms divided by this sampler's (None for ours).
    ours_over_peer: Option<f64>,
    rho: f64,
    uncovered: f64,
    /// Every timed run, in round order.
    times_ms: Vec<f64>,
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn rho(cfg: &Config, pts: &[[f64; 2]]) -> f64 {
    normalized_radius(pts, cfg.width, cfg.height, cfg.width * cfg.height)
}

fn uncovered(cfg: &Config, pts: &[[f64; 2]]) -> f64 {
    uncovered_fraction(pts, [0.0, 0.0, cfg.width, cfg.height], SPACING, PROBE_STEP)
}

fn ours_uniform(cfg: &Config) -> Sampler {
    let (w, h) = (cfg.width, cfg.height);
    Box::new(move || poisson_disc(w, h, &Uniform(SPACING), SEED))
}

fn ours_nested(cfg: &Config) -> Sampler {
    let (w, h) = (cfg.width, cfg.height);
    Box::new(move || {
        let (points, order) = nested_points(w, h, &Uniform(SPACING), SEED);
        black_box(order);
        points
    })
}

/// `bluenoise::BlueNoise` (f32, Bridson with `samples` evenly spaced
/// candidates on the circle of radius r + 0.001; its default is 4).
fn bluenoise(cfg: &Config, samples: Option<u32>) -> Sampler {
    let (w, h) = (cfg.width as f32, cfg.height as f32);
    Box::new(move || {
        let mut noise =
            bluenoise::BlueNoise::<rand_pcg::Pcg64Mcg>::from_seed(w, h, SPACING as f32, SEED);
        if let Some(k) = samples {
            noise.with_samples(k);
        }
        noise.map(|p| [f64::from(p.x), f64::from(p.y)]).collect()
    })
}

/// `fast_poisson::Poisson2D` (f64, Bridson with `samples` random candidates
/// in the annulus [r, 2r) and a k-d tree; its default is 30).
fn fast_poisson(cfg: &Config, samples: Option<u32>) -> Sampler {
    let (w, h) = (cfg.width, cfg.height);
    Box::new(move || {
        let mut poisson = fast_poisson::Poisson2D::new()
            .with_dimensions([w, h], SPACING)
            .with_seed(SEED);
        if let Some(k) = samples {
            poisson = poisson.with_samples(k);
        }
        poisson.generate()
    })
}

/// A matched-quality setting for a peer whose default ρ is below ours: the
/// first ladder entry whose ρ reaches `target`, or else the entry with the
/// best ρ. Returns the count, its ρ and whether it matched.
fn calibrate(
    cfg: &Config,
    ladder: &[u32],
    target: f64,
    make: impl Fn(&Config, Option<u32>) -> Sampler,
) -> (u32, f64, bool) {
    let mut best = (ladder[0], f64::NEG_INFINITY);
    for &k in ladder {
        let r = rho(cfg, &make(cfg, Some(k))());
        if r >= target {
            return (k, r, true);
        }
        if r > best.1 {
            best = (k, r);
        }
    }
    (best.0, best.1, false)
}

/// Renders a 12-megapixel frame (4000x3000, or the quick case's size) of a
/// synthetic portrait at the default design, after sampling, in full: the
/// shade alternates each round, and a new look redraws every pixel (a
/// density change redraws only what changed). Returns (megapixels, median ms).
fn bench_render(cfg: &Config) -> Option<(f64, f64)> {
    let (w, h) = if cfg.quick {
        (400u32, 300u32)
    } else {
        (4000, 3000)
    };
    let mut preview = smp_preview::preview::Preview::new(common::portrait(w, h));
    preview.render(); // sample once
    let mut times = Vec::new();
    for k in 0..cfg.runs.max(1) {
        let mut design = preview.design().clone();
        design.shade = if k % 2 == 0 { 0.6 } else { 0.7 };
        preview.set_design(design).expect("a valid shade");
        let t = Instant::now();
        black_box(preview.render());
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    Some((w as f64 * h as f64 / 1e6, times[times.len() / 2]))
}

fn json_num(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        "null".to_string()
    }
}

fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn row_json(r: &Row) -> String {
    format!(
        "{{\"name\": {}, \"setting\": {}, \"points\": {}, \"median_ms\": {}, \"points_per_ms\": {}, \"ours_over_peer\": {}, \"rho\": {}, \"uncovered\": {}, \"times_ms\": [{}]}}",
        json_str(&r.name),
        json_str(&r.setting),
        r.points,
        json_num(r.median_ms),
        json_num(r.points_per_ms),
        r.ours_over_peer.map_or("null".to_string(), json_num),
        json_num(r.rho),
        json_num(r.uncovered),
        r.times_ms.iter().map(|&t| json_num(t)).collect::<Vec<_>>().join(", ")
    )
}

fn print_rows(title: &str, rows: &[Row]) {
    println!("{title}");
    println!(
        "  {:<38} {:<30} {:>8} {:>10} {:>9} {:>9} {:>7} {:>10}",
        "sampler", "setting", "points", "median ms", "pts/ms", "ours/peer", "rho", "uncovered"
    );
    for r in rows {
        let ratio = r
            .ours_over_peer
            .map_or("-".to_string(), |x| format!("{x:.2}x"));
        println!(
            "  {:<38} {:<30} {:>8} {:>10.2} {:>9.1} {:>9} {:>7.4} {:>10.6}",
            r.name, r.setting, r.points, r.median_ms, r.points_per_ms, ratio, r.rho, r.uncovered
        );
    }
}

fn main() {
    let cfg = Config::from_env();

    // Our ρ sets the bar a peer's matched-quality setting has to reach.
    let ours_rho = rho(&cfg, &ours_uniform(&cfg)());

    let mut cases = vec![
        Case::new(
            "ours poisson_disc",
            "Uniform(11)".into(),
            true,
            ours_uniform(&cfg),
        ),
        Case::new(
            "bluenoise",
            "samples=4 (default)".into(),
            false,
            bluenoise(&cfg, None),
        ),
        Case::new(
            "fast_poisson",
            "samples=30 (default)".into(),
            false,
            fast_poisson(&cfg, None),
        ),
    ];
    let mut calibration = Vec::new();
    let peers: [(&str, &[u32], MakePeer); 2] = [
        ("bluenoise", &BLUENOISE_LADDER, bluenoise),
        ("fast_poisson", &FAST_POISSON_LADDER, fast_poisson),
    ];
    for (name, ladder, make) in peers {
        if rho(&cfg, &make(&cfg, None)()) >= ours_rho {
            continue;
        }
        let (k, r, matched) = calibrate(&cfg, ladder, ours_rho, make);
        let label = if matched {
            format!("{name} [matched rho]")
        } else {
            format!("{name} [max effort, rho < ours]")
        };
        calibration.push((name, k, r, matched));
        cases.push(Case::new(
            &label,
            format!("samples={k}"),
            false,
            make(&cfg, Some(k)),
        ));
    }
    let uniform_cases = cases.len();
    cases.push(Case::new(
        "ours nested_points",
        "Uniform(11), nested + ranks".into(),
        true,
        ours_nested(&cfg),
    ));

    if cfg.warmup {
        for case in cases.iter_mut() {
            black_box((case.run)());
        }
    }
    // Alternate: every round runs each sampler once, starting one further on.
    for round in 0..cfg.runs {
        let n = cases.len();
        for i in 0..n {
            cases[(round + i) % n].time_once();
        }
    }

    let ours_ppm = {
        let c = &cases[0];
        c.points.len() as f64 / median(&c.times_ms)
    };
    let rows: Vec<Row> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let median_ms = median(&c.times_ms);
            let points_per_ms = c.points.len() as f64 / median_ms;
            Row {
                name: c.name.clone(),
                setting: c.setting.clone(),
                points: c.points.len(),
                median_ms,
                points_per_ms,
                ours_over_peer: (!c.ours && i < uniform_cases).then(|| ours_ppm / points_per_ms),
                rho: rho(&cfg, &c.points),
                uncovered: uncovered(&cfg, &c.points),
                times_ms: c.times_ms.clone(),
            }
        })
        .collect();
    let render = bench_render(&cfg);

    println!(
        "smp-preview sampler benchmark{}: {}x{} px, min spacing {} px, seed {:#x}, median of {} alternating run(s)",
        if cfg.quick { " (QUICK)" } else { "" },
        cfg.width,
        cfg.height,
        SPACING,
        SEED,
        cfg.runs
    );
    println!("ours/peer = our poisson_disc points/ms divided by the peer's (> 1: ours is faster)");
    println!();
    print_rows("1. Uniform Poisson-disc sampling", &rows[..uniform_cases]);
    for (name, k, r, matched) in &calibration {
        if !*matched {
            println!("  note: {name} did not reach our rho {ours_rho:.4} on its ladder; best was samples={k} at rho {r:.4}");
        }
    }
    println!();
    print_rows("2. Nested sampler (product path)", &rows[uniform_cases..]);
    println!();
    match render {
        Some((mp, ms)) => println!(
            "3. full render ({mp:.1} MP frame, default density, shade changed): {ms:.2} ms"
        ),
        None => println!("3. render: n/a"),
    }

    let mut json = String::from("{\n");
    let _ = writeln!(json, "  \"quick\": {},", cfg.quick);
    let _ = writeln!(json, "  \"width\": {},", json_num(cfg.width));
    let _ = writeln!(json, "  \"height\": {},", json_num(cfg.height));
    let _ = writeln!(json, "  \"spacing\": {},", json_num(SPACING));
    let _ = writeln!(json, "  \"seed\": {SEED},");
    let _ = writeln!(json, "  \"runs\": {},", cfg.runs);
    let _ = writeln!(
        json,
        "  \"ours_over_peer\": \"our poisson_disc points/ms divided by the peer's\","
    );
    let list = |rows: &[Row]| {
        rows.iter()
            .map(|r| format!("    {}", row_json(r)))
            .collect::<Vec<_>>()
            .join(",\n")
    };
    let _ = writeln!(
        json,
        "  \"uniform\": [\n{}\n  ],",
        list(&rows[..uniform_cases])
    );
    let _ = writeln!(
        json,
        "  \"nested\": [\n{}\n  ],",
        list(&rows[uniform_cases..])
    );
    let calib = calibration
        .iter()
        .map(|(name, k, r, matched)| {
            format!(
                "    {{\"peer\": {}, \"samples\": {k}, \"rho\": {}, \"matched\": {matched}}}",
                json_str(name),
                json_num(*r)
            )
        })
        .collect::<Vec<_>>()
        .join(",\n");
    let _ = writeln!(
        json,
        "  \"calibration_target_rho\": {},",
        json_num(ours_rho)
    );
    let _ = writeln!(json, "  \"calibration\": [\n{calib}\n  ],");
    let render_json = match render {
        Some((mp, ms)) => format!(
            "{{\"megapixels\": {}, \"median_ms\": {}}}",
            json_num(mp),
            json_num(ms)
        ),
        None => "null".to_string(),
    };
    let _ = writeln!(json, "  \"render\": {render_json}");
    json.push_str("}\n");

    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    let path = dir.join("bench-sampler.json");
    match std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, json)) {
        Ok(()) => println!("\nwrote {}", path.display()),
        Err(e) => eprintln!("\ncould not write {}: {e}", path.display()),
    }
}
