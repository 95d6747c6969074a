//! `smp-render`: the native command-line renderer, for practitioners and
//! tests. Renders a photo with a simulated SMP buzz cut to PNG or JPEG.
//!
//! ```text
//! smp-render PHOTO -o OUT.png [--density N] [--shade S] [--dot-mm D]
//!            [--hairline-cm H] [--shape classic|rounded|mature]
//!            [--edge soft|defined] [--session 1-4] [--months 0-72]
//!            [--thinning on|off] [--view front|top|left|right|back] [--seed N]
//!            [--scale PX_PER_CM] [--dots FILE.csv]
//!            [--person-mask MASK.png] [--face "SCORE X,Y X,Y X,Y X,Y X,Y X,Y"]
//! ```
//!
//! The widget runs on-device models (person segmentation, face detection)
//! on a person's photo; this renderer does not run them. Given their
//! outputs (`--person-mask`: the segmentation at the photo's size, white
//! for the person; `--face`: the detection's score and six keypoints, as
//! `tests/model-hints/faces.txt` has them) it renders what the widget
//! shows; without them it uses the classical detection, which differs on
//! most phone photos.
//!
//! ```text
//! ```
use smp_preview::design::{Edge, Shape};
use smp_preview::hints::Hints;
use smp_preview::photo::Rgba;
use smp_preview::preview::Preview;
use smp_preview::view::View;
use std::process::ExitCode;

const USAGE: &str = "usage: smp-render PHOTO -o OUT.png [--density DOTS_PER_CM2] [--shade 0.2-1] [--dot-mm MM] [--hairline-cm CM] [--shape classic|rounded|mature] [--edge soft|defined] [--session 1-4] [--months 0-72] [--thinning on|off] [--view front|top|left|right|back] [--seed N] [--scale PX_PER_CM] [--dots FILE.csv] [--person-mask MASK.png] [--face \"SCORE X,Y (x6)\"]";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("smp-render: {e}");
            ExitCode::FAILURE
        }
    }
}

fn number(flag: &str, v: Option<&String>) -> Result<f64, String> {
    let v = v.ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
    v.parse()
        .map_err(|_| format!("{flag} takes a number, got \"{v}\""))
}

fn run(args: Vec<String>) -> Result<(), String> {
    let mut photo_path = None;
    let mut out_path = None;
    let mut dots_path = None;
    let mut hints = Hints::default();
    let mut edits: Vec<(String, String)> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-o" | "--out" => out_path = it.next().cloned(),
            "--dots" => dots_path = it.next().cloned(),
            "--person-mask" => {
                let path = it
                    .next()
                    .ok_or_else(|| format!("--person-mask needs a file\n{USAGE}"))?;
                let mask = image::open(path).map_err(|e| format!("cannot read {path}: {e}"))?;
                hints.person = mask.to_luma8().into_raw();
            }
            "--face" => {
                let v = it
                    .next()
                    .ok_or_else(|| format!("--face needs a value\n{USAGE}"))?;
                let numbers: Result<Vec<f64>, _> = v
                    .split([' ', ','])
                    .filter(|s| !s.is_empty())
                    .map(str::parse)
                    .collect();
                let numbers = numbers.map_err(|_| format!("--face takes numbers, got \"{v}\""))?;
                hints.face = Hints::from_flat(0, 0, Vec::new(), &numbers)?.face;
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            flag if flag.starts_with("--") => {
                let v = it
                    .next()
                    .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
                edits.push((flag.to_string(), v.clone()));
            }
            _ if photo_path.is_none() => photo_path = Some(a.clone()),
            other => return Err(format!("unexpected argument \"{other}\"\n{USAGE}")),
        }
    }
    let photo_path = photo_path.ok_or_else(|| format!("no photo given\n{USAGE}"))?;
    let out_path = out_path.ok_or_else(|| format!("no output given (-o OUT.png)\n{USAGE}"))?;
    let img = image::ImageReader::open(&photo_path)
        .map_err(|e| format!("cannot open {photo_path}: {e}"))?
        .with_guessed_format()
        .map_err(|e| format!("cannot read {photo_path}: {e}"))?
        .decode()
        .map_err(|e| format!("{photo_path} is not a readable JPEG or PNG image: {e}"))?
        .to_rgba8();
    let (w, h) = img.dimensions();
    let photo = Rgba::new(w, h, img.into_raw())?;
    if !hints.person.is_empty() && hints.person.len() != (w * h) as usize {
        return Err(format!("the person mask must be {w} x {h}, like the photo"));
    }
    let mut preview = Preview::with_hints(photo, hints);
    let mut design = preview.design().clone();
    let mut hairline_cm = None;
    for (flag, v) in &edits {
        let num = || number(flag, Some(v));
        match flag.as_str() {
            "--density" => design.density = num()?,
            "--shade" => design.shade = num()?,
            "--dot-mm" => design.dot_mm = num()?,
            "--hairline-cm" => hairline_cm = Some(num()?),
            "--shape" => {
                let shape = Shape::parse(v).map_err(|e| e.0)?;
                let cm = design.hairline_height_cm(h);
                design.place_hairline(w, h, cm, shape);
            }
            "--edge" => design.edge = Edge::parse(v).map_err(|e| e.0)?,
            "--session" => design.session = num()? as u8,
            "--months" => design.months = num()?,
            "--thinning" => design.thinning = matches!(v.as_str(), "1" | "yes" | "on" | "true"),
            "--seed" => {
                design.seed = v
                    .parse()
                    .map_err(|_| format!("--seed takes a whole number, got \"{v}\""))?
            }
            "--scale" => design.px_per_cm = num()?,
            "--view" => {
                design.view = View::parse(v).ok_or_else(|| {
                    format!("--view takes front, top, left, right or back, got \"{v}\"")
                })?
            }
            other => return Err(format!("unknown option {other}\n{USAGE}")),
        }
    }
    if let Some(cm) = hairline_cm {
        design.set_hairline_height_cm(h, cm).map_err(|e| e.0)?;
    }
    preview.set_design(design).map_err(|e| e.0)?;
    let frame = preview.render().to_vec();
    image::RgbaImage::from_raw(w, h, frame)
        .ok_or("internal error: frame size")?
        .save(&out_path)
        .map_err(|e| format!("cannot write {out_path}: {e}"))?;
    if let Some(path) = dots_path {
        let mut csv = String::from("x,y,diameter_px,rank\n");
        for (x, y, d, r) in preview.visible_dots() {
            csv.push_str(&format!("{x:.2},{y:.2},{d:.3},{r:.6}\n"));
        }
        std::fs::write(&path, csv).map_err(|e| format!("cannot write {path}: {e}"))?;
    }
    Ok(())
}
