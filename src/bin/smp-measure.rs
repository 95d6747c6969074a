//! `smp-measure`: measures a stubbled or dotted scalp patch in a photo, so a
//! simulated buzz cut can be held against real ones at the photo's own
//! scale (issue 19).
//!
//! ```text
//! smp-measure PHOTO X,Y,W,H [--scale PX_PER_CM] [--label NAME]
//! smp-measure --table SPEC [--markdown]
//! ```
//!
//! A SPEC has one patch per line, `label  photo  x,y,w,h  [px_per_cm]`
//! (whitespace-separated, `#` comments; `$PHOTOS` is the environment
//! variable `PHOTOS`, by default `/work/shared/photos`). A photo written
//! `render:PATH` is first rendered with the default design (as
//! `smp-render` does), so real patches and our renders go through the
//! same measurement. `benches/realism.spec` is the set in
//! `benches/realism.md`.
//!
//! What it reports, all from luminance (Rec. 709 weights on the 8-bit
//! values) unless said otherwise:
//! - **blur, grain**: the photo's own, as the engine measures them
//!   around the head ([`smp_preview::pigment::Optics`]).
//! - **contrast**: RMS of the texture relative to the local mean (the
//!   patch divided by its own Gaussian blur of 8 px, which removes the
//!   head's shading), its **skew** (negative: a few dark outliers on clean
//!   skin, as printed dots; near 0: an even grain), and the share of
//!   **hard dark** pixels, more than 15% below the local mean.
//! - **bands**: share of that texture's energy in difference-of-Gaussians
//!   bands between blurs of 0, 0.7, 1.4, 2.8, 5.6 and 11.2 px: where the
//!   speckle's energy sits, from the finest scale the photo has up.
//! - **dots**: local minima of the patch blurred by 0.7 px that are at
//!   least 4% darker than the local skin (the 70th percentile within 6 px):
//!   their density, contrast (median and 90th percentile), size (the
//!   diameter of the disc whose scale-normalized Laplacian of Gaussian
//!   peaks at the same blur, so it includes the photo's blur), and colour
//!   shift of their core against the skin around them (hue in degrees,
//!   saturation as a ratio).

use smp_preview::photo::Rgba;
use smp_preview::pigment::Optics;
use smp_preview::preview::Preview;
use std::process::ExitCode;

const USAGE: &str =
    "usage: smp-measure PHOTO X,Y,W,H [--scale PX_PER_CM] [--label NAME]\n       smp-measure --table SPEC";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("smp-measure: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One patch to measure.
struct Patch {
    label: String,
    photo: String,
    rect: [u32; 4],
    px_per_cm: Option<f64>,
}

fn parse_rect(s: &str) -> Result<[u32; 4], String> {
    let v: Vec<u32> = s
        .split(',')
        .map(|p| p.trim().parse::<u32>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("a rectangle is X,Y,W,H in pixels, got \"{s}\""))?;
    match v[..] {
        [x, y, w, h] if w >= 16 && h >= 16 => Ok([x, y, w, h]),
        _ => Err(format!(
            "a rectangle is X,Y,W,H with W and H at least 16, got \"{s}\""
        )),
    }
}

fn run(args: Vec<String>) -> Result<(), String> {
    let mut patches = Vec::new();
    let mut it = args.iter();
    let (mut photo, mut rect, mut scale, mut label) = (None, None, None, None);
    while let Some(a) = it.next() {
        match a.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            "--table" => {
                // The study photos live outside the repository.
                let photos =
                    std::env::var("PHOTOS").unwrap_or_else(|_| "/work/shared/photos".to_string());
                let path = it.next().ok_or("--table needs a file")?;
                let spec = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read {path}: {e}"))?;
                for line in spec.lines() {
                    let line = line.split('#').next().unwrap_or("").trim();
                    if line.is_empty() {
                        continue;
                    }
                    let f: Vec<&str> = line.split_whitespace().collect();
                    if f.len() < 3 {
                        return Err(format!(
                            "bad spec line \"{line}\": label photo x,y,w,h [px_per_cm]"
                        ));
                    }
                    patches.push(Patch {
                        label: f[0].to_string(),
                        photo: f[1].replace("$PHOTOS", &photos),
                        rect: parse_rect(f[2])?,
                        px_per_cm: f.get(3).and_then(|v| v.parse().ok()),
                    });
                }
            }
            "--scale" => {
                scale = Some(
                    it.next()
                        .and_then(|v| v.parse::<f64>().ok())
                        .ok_or("--scale takes px per cm")?,
                )
            }
            "--label" => label = it.next().cloned(),
            _ if photo.is_none() => photo = Some(a.clone()),
            _ if rect.is_none() => rect = Some(parse_rect(a)?),
            other => return Err(format!("unexpected argument \"{other}\"\n{USAGE}")),
        }
    }
    if let (Some(photo), Some(rect)) = (photo, rect) {
        patches.push(Patch {
            label: label.unwrap_or_else(|| photo.clone()),
            photo,
            rect,
            px_per_cm: scale,
        });
    }
    if patches.is_empty() {
        return Err(USAGE.to_string());
    }
    println!("{}", HEADER);
    println!("{}", "|---".repeat(HEADER.matches('|').count() - 1) + "|");
    let mut cache: Vec<(String, Rgba, Optics, f64)> = Vec::new();
    for p in &mut patches {
        if !cache.iter().any(|c| c.0 == p.photo) {
            let (img, optics, px_per_cm) = load(&p.photo)?;
            cache.push((p.photo.clone(), img, optics, px_per_cm));
        }
        let (_, img, optics, px_per_cm) = cache.iter().find(|c| c.0 == p.photo).unwrap();
        // Without a scale given, the engine's own (from the eyes or the
        // head's size).
        p.px_per_cm = p.px_per_cm.or(Some(*px_per_cm));
        let m = measure(img, p.rect)?;
        println!("{}", row(p, *optics, &m));
    }
    Ok(())
}

/// Loads a photo (rendering it first for `render:PATH`) and measures its
/// optics as the engine does (on the photo as given: for a render, that
/// is the rendered frame).
fn load(spec: &str) -> Result<(Rgba, Optics, f64), String> {
    let (render, path) = match spec.strip_prefix("render:") {
        Some(p) => (true, p),
        None => (false, spec),
    };
    let img = image::ImageReader::open(path)
        .map_err(|e| format!("cannot open {path}: {e}"))?
        .with_guessed_format()
        .map_err(|e| format!("cannot read {path}: {e}"))?
        .decode()
        .map_err(|e| format!("{path}: {e}"))?
        .to_rgba8();
    let (w, h) = img.dimensions();
    let photo = Rgba::new(w, h, img.into_raw())?;
    let mut preview = Preview::new(photo);
    let optics = preview.optics();
    let px_per_cm = preview.design().px_per_cm;
    if render {
        let frame = preview.render().to_vec();
        return Ok((Rgba::new(w, h, frame)?, optics, px_per_cm));
    }
    Ok((preview.photo().clone(), optics, px_per_cm))
}

const HEADER: &str = "| patch | px/cm | blur px | grain % | RMS contrast % | skew | hard dark % | band 0-0.7 | 0.7-1.4 | 1.4-2.8 | 2.8-5.6 | 5.6-11 | dots /cm² | dots /10⁴px | dot contrast % med (p90) | dot diam px med (p10-p90) | dot diam mm | dot hue shift ° | dot sat ratio |";

fn row(p: &Patch, o: Optics, m: &Measures) -> String {
    let per_cm2 = |v: f64| {
        p.px_per_cm
            .map_or("–".to_string(), |s| format!("{:.0}", v * s * s))
    };
    let mm = |v: f64| {
        p.px_per_cm
            .map_or("–".to_string(), |s| format!("{:.2}", v / s * 10.0))
    };
    format!(
        "| {} | {} | {:.2} | {:.1} | {:.1} | {:+.2} | {:.1} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {} | {:.0} | {:.1} ({:.1}) | {:.2} ({:.2}-{:.2}) | {} | {:+.1} | {:.2} |",
        p.label,
        p.px_per_cm.map_or("–".to_string(), |s| format!("{s:.0}")),
        o.blur,
        o.grain * 100.0,
        m.rms * 100.0,
        m.skew,
        m.hard_dark * 100.0,
        m.bands[0],
        m.bands[1],
        m.bands[2],
        m.bands[3],
        m.bands[4],
        per_cm2(m.dots_per_px),
        m.dots_per_px * 1e4,
        m.contrast[0] * 100.0,
        m.contrast[1] * 100.0,
        m.diam[0],
        m.diam[1],
        m.diam[2],
        mm(m.diam[0]),
        m.hue_shift,
        m.sat_ratio,
    )
}

/// What one patch measures.
#[derive(Debug, Default)]
struct Measures {
    rms: f64,
    skew: f64,
    hard_dark: f64,
    bands: [f64; 5],
    dots_per_px: f64,
    /// Median and 90th percentile.
    contrast: [f64; 2],
    /// Median, 10th and 90th percentile.
    diam: [f64; 3],
    hue_shift: f64,
    sat_ratio: f64,
}

/// A float plane.
struct Plane {
    w: usize,
    h: usize,
    v: Vec<f64>,
}

impl Plane {
    fn at(&self, x: isize, y: isize) -> f64 {
        let x = x.clamp(0, self.w as isize - 1) as usize;
        let y = y.clamp(0, self.h as isize - 1) as usize;
        self.v[y * self.w + x]
    }

    /// Gaussian blur (edges clamped); `sigma` 0 copies.
    fn blur(&self, sigma: f64) -> Plane {
        if sigma <= 0.0 {
            return Plane {
                w: self.w,
                h: self.h,
                v: self.v.clone(),
            };
        }
        let r = (3.5 * sigma).ceil() as isize;
        let k: Vec<f64> = (-r..=r)
            .map(|i| (-((i * i) as f64) / (2.0 * sigma * sigma)).exp())
            .collect();
        let sum: f64 = k.iter().sum();
        let mut tmp = vec![0.0; self.w * self.h];
        for y in 0..self.h {
            for x in 0..self.w {
                let mut s = 0.0;
                for (j, kj) in k.iter().enumerate() {
                    s += kj * self.at(x as isize + j as isize - r, y as isize);
                }
                tmp[y * self.w + x] = s / sum;
            }
        }
        let t = Plane {
            w: self.w,
            h: self.h,
            v: tmp,
        };
        let mut out = vec![0.0; self.w * self.h];
        for y in 0..self.h {
            for x in 0..self.w {
                let mut s = 0.0;
                for (j, kj) in k.iter().enumerate() {
                    s += kj * t.at(x as isize, y as isize + j as isize - r);
                }
                out[y * self.w + x] = s / sum;
            }
        }
        Plane {
            w: self.w,
            h: self.h,
            v: out,
        }
    }
}

fn percentile(v: &mut [f64], q: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() - 1) as f64 * q).round() as usize]
}

/// Hue angle (degrees) and saturation (chroma / max) of a mean RGB.
fn hue_sat(c: [f64; 3]) -> (f64, f64) {
    let (r, g, b) = (c[0], c[1], c[2]);
    let max = r.max(g).max(b);
    let min = r.min(g).min(b);
    // Opponent axes: hue angle without HSV's sector seams.
    let a = r - 0.5 * (g + b);
    let bb = 0.75f64.sqrt() * (g - b);
    (
        bb.atan2(a).to_degrees(),
        if max > 0.0 { (max - min) / max } else { 0.0 },
    )
}

/// Scales (px) at which a dot's size is looked for.
const LOG_SIGMAS: [f64; 8] = [0.5, 0.7, 1.0, 1.4, 2.0, 2.8, 4.0, 5.6];

/// Margin kept around the patch so blurs see real pixels at its edges.
const MARGIN: u32 = 24;

fn measure(img: &Rgba, [x, y, w, h]: [u32; 4]) -> Result<Measures, String> {
    if x + w > img.width || y + h > img.height {
        return Err(format!(
            "patch {x},{y},{w},{h} is outside the {}x{} photo",
            img.width, img.height
        ));
    }
    // Work on the patch with a margin (clamped to the photo).
    let x0 = x.saturating_sub(MARGIN);
    let y0 = y.saturating_sub(MARGIN);
    let x1 = (x + w + MARGIN).min(img.width);
    let y1 = (y + h + MARGIN).min(img.height);
    let (pw, ph) = ((x1 - x0) as usize, (y1 - y0) as usize);
    let (ox, oy) = ((x - x0) as usize, (y - y0) as usize);
    let mut lum = vec![0.0; pw * ph];
    let mut rgb = vec![[0.0f64; 3]; pw * ph];
    for yy in 0..ph {
        for xx in 0..pw {
            let p = img.at((x0 as usize + xx) as i64, (y0 as usize + yy) as i64);
            let c = [p[0] as f64, p[1] as f64, p[2] as f64];
            rgb[yy * pw + xx] = c;
            lum[yy * pw + xx] = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
        }
    }
    let l = Plane {
        w: pw,
        h: ph,
        v: lum,
    };
    let inside =
        |xx: usize, yy: usize| xx >= ox && yy >= oy && xx < ox + w as usize && yy < oy + h as usize;
    let n_in = (w * h) as f64;

    // Texture relative to the local mean.
    let mean = l.blur(8.0);
    let rel = Plane {
        w: pw,
        h: ph,
        v: l.v
            .iter()
            .zip(&mean.v)
            .map(|(a, m)| a / m.max(1.0) - 1.0)
            .collect(),
    };
    let (mut ss, mut s3, mut dark) = (0.0, 0.0, 0.0);
    for yy in 0..ph {
        for xx in 0..pw {
            if inside(xx, yy) {
                let c = rel.v[yy * pw + xx];
                ss += c * c;
                s3 += c * c * c;
                if c < -0.15 {
                    dark += 1.0;
                }
            }
        }
    }
    let rms = (ss / n_in).sqrt();
    let skew = s3 / n_in / rms.max(1e-9).powi(3);

    // Energy by scale.
    let sigmas = [0.0, 0.7, 1.4, 2.8, 5.6, 11.2];
    let blurred: Vec<Plane> = sigmas.iter().map(|&s| rel.blur(s)).collect();
    let mut bands = [0.0; 5];
    for (k, b) in bands.iter_mut().enumerate() {
        for yy in 0..ph {
            for xx in 0..pw {
                if inside(xx, yy) {
                    let d = blurred[k].v[yy * pw + xx] - blurred[k + 1].v[yy * pw + xx];
                    *b += d * d;
                }
            }
        }
    }
    let total: f64 = bands.iter().sum::<f64>().max(1e-12);
    bands.iter_mut().for_each(|b| *b /= total);

    // Dots.
    let smooth = l.blur(0.7);
    let log_planes: Vec<Plane> = LOG_SIGMAS.iter().map(|&s| l.blur(s)).collect();
    let (mut contrasts, mut diams) = (Vec::new(), Vec::new());
    let (mut hue, mut sat, mut shifts) = (0.0, 0.0, 0.0);
    let mut ndots = 0.0;
    let win = 6isize;
    for yy in oy..oy + h as usize {
        for xx in ox..ox + w as usize {
            let v = smooth.v[yy * pw + xx];
            // A strict local minimum over 5x5 (ties broken by position).
            let mut is_min = true;
            'n: for dy in -2isize..=2 {
                for dx in -2isize..=2 {
                    if dx == 0 && dy == 0 {
                        continue;
                    }
                    let u = smooth.at(xx as isize + dx, yy as isize + dy);
                    if u < v || (u == v && (dy < 0 || (dy == 0 && dx < 0))) {
                        is_min = false;
                        break 'n;
                    }
                }
            }
            if !is_min {
                continue;
            }
            let mut around = Vec::new();
            for dy in -win..=win {
                for dx in -win..=win {
                    if dx * dx + dy * dy <= win * win {
                        around.push(l.at(xx as isize + dx, yy as isize + dy));
                    }
                }
            }
            let skin = percentile(&mut around, 0.7);
            let c = 1.0 - v / skin.max(1.0);
            if c < 0.04 {
                continue;
            }
            ndots += 1.0;
            contrasts.push(c);
            // Size: the scale at which the scale-normalized Laplacian of
            // Gaussian peaks (a disc of diameter D peaks at sigma =
            // D / (2 sqrt 2)), so neighbouring specks and shading do not
            // count toward it.
            let (mut best, mut best_s) = (f64::MIN, LOG_SIGMAS[0]);
            for (k, &sg) in LOG_SIGMAS.iter().enumerate() {
                let b = &log_planes[k];
                let (cx, cy) = (xx as isize, yy as isize);
                let lap = b.at(cx + 1, cy) + b.at(cx - 1, cy) + b.at(cx, cy + 1) + b.at(cx, cy - 1)
                    - 4.0 * b.at(cx, cy);
                let r = sg * sg * lap;
                if r > best {
                    best = r;
                    best_s = sg;
                }
            }
            diams.push(2.0 * std::f64::consts::SQRT_2 * best_s);
            // The dot's colour: its core, the pixels darker than half-way
            // from the skin to its minimum within a disc of the size found.
            let half = 0.5 * (skin + v);
            let core = (std::f64::consts::SQRT_2 * best_s).max(1.0);
            let (mut dot_rgb, mut nd) = ([0.0; 3], 0.0);
            let reach = core.ceil() as isize;
            for dy in -reach..=reach {
                for dx in -reach..=reach {
                    let (sx, sy) = (xx as isize + dx, yy as isize + dy);
                    if ((dx * dx + dy * dy) as f64) <= core * core && smooth.at(sx, sy) <= half {
                        let i = sy.clamp(0, ph as isize - 1) as usize * pw
                            + sx.clamp(0, pw as isize - 1) as usize;
                        for ch in 0..3 {
                            dot_rgb[ch] += rgb[i][ch];
                        }
                        nd += 1.0;
                    }
                }
            }
            if nd == 0.0 {
                let i = yy * pw + xx;
                dot_rgb = rgb[i];
                nd = 1.0;
            }
            // Skin colour: the window's pixels above the median luminance.
            let mut lums: Vec<f64> = Vec::new();
            for dy in -win..=win {
                for dx in -win..=win {
                    lums.push(l.at(xx as isize + dx, yy as isize + dy));
                }
            }
            let med = percentile(&mut lums, 0.5);
            let (mut skin_rgb, mut ns) = ([0.0; 3], 0.0);
            for dy in -win..=win {
                for dx in -win..=win {
                    let (sx, sy) = (xx as isize + dx, yy as isize + dy);
                    if l.at(sx, sy) > med {
                        let i = sy.clamp(0, ph as isize - 1) as usize * pw
                            + sx.clamp(0, pw as isize - 1) as usize;
                        for ch in 0..3 {
                            skin_rgb[ch] += rgb[i][ch];
                        }
                        ns += 1.0;
                    }
                }
            }
            if ns > 0.0 {
                let (hd, sd) = hue_sat(dot_rgb.map(|v| v / nd));
                let (hs, s_s) = hue_sat(skin_rgb.map(|v| v / ns));
                let mut d = hd - hs;
                if d > 180.0 {
                    d -= 360.0;
                }
                if d < -180.0 {
                    d += 360.0;
                }
                hue += d;
                if s_s > 0.0 {
                    sat += sd / s_s;
                }
                shifts += 1.0;
            }
        }
    }
    let c50 = percentile(&mut contrasts, 0.5);
    let c90 = percentile(&mut contrasts, 0.9);
    let d50 = percentile(&mut diams, 0.5);
    let d10 = percentile(&mut diams, 0.1);
    let d90 = percentile(&mut diams, 0.9);
    Ok(Measures {
        rms,
        skew,
        hard_dark: dark / n_in,
        bands,
        dots_per_px: ndots / n_in,
        contrast: [c50, c90],
        diam: [d50, d10, d90],
        hue_shift: if shifts > 0.0 { hue / shifts } else { f64::NAN },
        sat_ratio: if shifts > 0.0 { sat / shifts } else { f64::NAN },
    })
}
