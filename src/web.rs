//! The wasm binding: the only module with `#[wasm_bindgen]`. It converts
//! JavaScript values to engine types and back, and nothing else; every
//! error becomes a JavaScript `Error` whose message a person can act on.

use crate::design::{
    decimal, DesignError, Edge, RelPoint, Shape, DENSITY, DOT_MM, HAIRLINE_CM, MONTHS, PX_PER_CM,
    SESSIONS, SHADE,
};
use crate::hints::Hints;
use crate::photo::Rgba;
use crate::preview::Preview;
use crate::scalp::Dab;
use crate::view::View;
use wasm_bindgen::prelude::*;

/// One preview in the page: a photo, its design and its frame.
#[wasm_bindgen]
pub struct Engine {
    preview: Option<Preview>,
}

fn err(message: impl Into<String>) -> JsError {
    JsError::new(&message.into())
}

/// The message for a control name [`Engine::set`] or [`Engine::set_text`]
/// does not know (a bug in the page, or an old page on a newer engine).
fn unknown_control(name: &str) -> DesignError {
    DesignError::new(format!(
        "Unknown control \"{}\".",
        crate::design::short(name)
    ))
}

/// `dabs` on the share link's grid, so a link reproduces the edit exactly.
fn snap(dabs: Vec<Dab>) -> Vec<Dab> {
    crate::share::quantize_strokes(&[dabs])
        .pop()
        .unwrap_or_default()
}

/// Applies one stroke as its dabs say: a scar to camouflage, or a brush
/// stroke that adds or erases scalp (a stroke's dabs are all one kind).
fn apply_stroke(p: &mut Preview, dabs: Vec<Dab>) {
    if dabs.first().is_some_and(|d| d.scar) {
        p.scar(dabs);
    } else {
        p.brush(dabs);
    }
}

/// Dabs from `[x0, y0, x1, y1, ...]` (relative coordinates) and a radius
/// (fraction of the photo's width); points that are not numbers are
/// skipped.
fn dabs(points: &[f64], radius: f64, add: bool, scar: bool) -> Result<Vec<Dab>, JsError> {
    if !(radius.is_finite() && radius > 0.0 && radius < 0.5) {
        return Err(err("The brush size is out of range."));
    }
    Ok(points
        .as_chunks::<2>()
        .0
        .iter()
        .filter(|[x, y]| x.is_finite() && y.is_finite())
        .map(|&[x, y]| Dab {
            x,
            y,
            radius,
            add,
            scar,
        })
        .collect())
}

impl Engine {
    fn preview(&mut self) -> Result<&mut Preview, JsError> {
        self.preview
            .as_mut()
            .ok_or_else(|| err("No photo is loaded yet."))
    }

    fn edit(
        &mut self,
        change: impl FnOnce(&mut crate::design::Design, u32, u32) -> Result<(), DesignError>,
    ) -> Result<(), JsError> {
        let p = self.preview()?;
        let mut d = p.design().clone();
        let (w, h) = (p.photo().width, p.photo().height);
        change(&mut d, w, h).map_err(|e| err(e.0))?;
        // Snap to what a share link carries, so a link reproduces exactly
        // what the sender sees.
        p.set_design(crate::share::quantize(&d))
            .map_err(|e| err(e.0))
    }
}

#[wasm_bindgen]
impl Engine {
    /// An engine with no photo.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Engine {
        Engine { preview: None }
    }

    /// Loads a photo (RGBA bytes of the working-size image, as a canvas
    /// `ImageData` holds them), finds the head and starts a default design.
    /// On error the previous photo stays.
    pub fn load_photo(&mut self, width: u32, height: u32, rgba: Vec<u8>) -> Result<(), JsError> {
        let photo = Rgba::new(width, height, rgba).map_err(err)?;
        self.preview = Some(Preview::new(photo));
        Ok(())
    }

    /// Loads a photo as [`Engine::load_photo`] does, with what the
    /// on-device models found in it (see `crate::hints`): `person` is the
    /// person segmentation, one confidence byte (0-255) per pixel of the
    /// working image, or empty; `face` is the most confident face
    /// detection as its score then six `x, y` keypoints in working-image
    /// pixels (right eye, left eye, nose tip, mouth, right ear, left ear,
    /// MediaPipe's order), or empty. Where the models ran, their outline,
    /// eyes and view replace the classical guesses.
    pub fn load_photo_with_hints(
        &mut self,
        width: u32,
        height: u32,
        rgba: Vec<u8>,
        person: Vec<u8>,
        face: Vec<f64>,
    ) -> Result<(), JsError> {
        let photo = Rgba::new(width, height, rgba).map_err(err)?;
        let hints = Hints::from_flat(width, height, person, &face).map_err(err)?;
        self.preview = Some(Preview::with_hints(photo, hints));
        Ok(())
    }

    /// Width of the working image.
    pub fn width(&self) -> u32 {
        self.preview.as_ref().map_or(0, |p| p.photo().width)
    }

    /// Height of the working image.
    pub fn height(&self) -> u32 {
        self.preview.as_ref().map_or(0, |p| p.photo().height)
    }

    /// Renders the preview and returns the frame's address in wasm memory
    /// (`width * height * 4` RGBA bytes, valid until the next call).
    pub fn render(&mut self) -> Result<usize, JsError> {
        Ok(self.preview()?.render().as_ptr() as usize)
    }

    /// Samples the rest of the dot pattern when the frames so far needed
    /// only part of it (the default design shows 70%): call it once
    /// a frame is on screen, so the first slider move past the default
    /// density does not wait for it. Returns whether there was any left.
    pub fn finish_pattern(&mut self) -> Result<bool, JsError> {
        Ok(self.preview()?.finish_pattern())
    }

    /// Renders the same dots over the full-resolution photo (same aspect
    /// ratio) and returns its RGBA bytes: the export.
    pub fn render_full(
        &mut self,
        width: u32,
        height: u32,
        rgba: Vec<u8>,
    ) -> Result<Vec<u8>, JsError> {
        let full = Rgba::new(width, height, rgba).map_err(err)?;
        self.preview()?.render_onto(&full).map_err(err)
    }

    /// Sets a numeric control: "density" (dots/cm²), "shade" (0.2-1),
    /// "dot_mm", "hairline_cm", "px_per_cm", "session", "months" or
    /// "thinning" (1: diffuse thinning, dots go between the existing hairs
    /// as shading under them, as many as skin shows; 0: off). Controls
    /// that take text are set with [`Engine::set_text`].
    pub fn set(&mut self, name: &str, value: f64) -> Result<(), JsError> {
        self.edit(|d, _w, h| {
            match name {
                "density" => d.density = DENSITY.check(value)?,
                "shade" => d.shade = SHADE.check(value)?,
                "dot_mm" => d.dot_mm = DOT_MM.check(value)?,
                "px_per_cm" => {
                    // Keep the hairline's height in cm: handles move with scale.
                    let cm = d.hairline_height_cm(h);
                    d.px_per_cm = PX_PER_CM.check(value)?;
                    d.set_hairline_height_cm(h, HAIRLINE_CM.clamp(cm))?;
                }
                "session" => d.session = SESSIONS.check(value.round())? as u8,
                "months" => d.months = MONTHS.check(value)?,
                "hairline_cm" => d.set_hairline_height_cm(h, value)?,
                "thinning" => d.thinning = value != 0.0,
                other => return Err(unknown_control(other)),
            }
            Ok(())
        })
    }

    /// Sets a control that takes text: "shape" (a hairline preset:
    /// "classic", "rounded" or "mature", keeping the hairline's height),
    /// "edge" ("soft" or "defined"), "view" ("front", "top", "left",
    /// "right" or "back") or "seed" (the pattern number as decimal text: a
    /// u64 does not survive a JavaScript number).
    pub fn set_text(&mut self, name: &str, value: &str) -> Result<(), JsError> {
        self.edit(|d, w, h| {
            match name {
                "shape" => {
                    let shape = Shape::parse(value)?;
                    let cm = HAIRLINE_CM.clamp(d.hairline_height_cm(h));
                    d.place_hairline(w, h, cm, shape);
                }
                "edge" => d.edge = Edge::parse(value)?,
                "view" => {
                    d.view = View::parse(value).ok_or_else(|| {
                        DesignError::new("Choose front, top, left, right or back.")
                    })?
                }
                "seed" => {
                    d.seed = value.trim_ascii().parse().map_err(|_| {
                        DesignError::new("The pattern number must be a whole number.")
                    })?
                }
                other => return Err(unknown_control(other)),
            }
            Ok(())
        })
    }

    /// Whether the eyes were found, so the hairline, scale and temples
    /// started from the face (false: a default the person should drag).
    pub fn face_found(&self) -> bool {
        self.preview.as_ref().is_some_and(|p| p.face_found())
    }

    /// Moves hairline handle `index` (0 left temple, 1 middle, 2 right
    /// temple) to relative coordinates.
    pub fn set_handle(&mut self, index: usize, x: f64, y: f64) -> Result<(), JsError> {
        self.edit(|d, _, _| {
            let h =
                d.hairline.handles.get_mut(index).ok_or_else(|| {
                    DesignError::new("There are three hairline handles: 0, 1 and 2.")
                })?;
            *h = RelPoint { x, y };
            Ok(())
        })
    }

    /// Moves all three hairline handles at once to `[x0, y0, x1, y1, x2,
    /// y2]` (relative coordinates; left temple, middle, right temple), so
    /// a hairline can go anywhere in one step, even where moving one
    /// handle at a time would pass another or leave one off the photo.
    pub fn set_handles(&mut self, rel: Vec<f64>) -> Result<(), JsError> {
        self.edit(|d, _, _| {
            let [x0, y0, x1, y1, x2, y2] = rel[..] else {
                return Err(DesignError::new(
                    "There are three hairline handles: give six numbers.",
                ));
            };
            d.hairline.handles = [
                RelPoint { x: x0, y: y0 },
                RelPoint { x: x1, y: y1 },
                RelPoint { x: x2, y: y2 },
            ];
            Ok(())
        })
    }

    /// The three handles as `[x0, y0, x1, y1, x2, y2]` in relative
    /// coordinates.
    pub fn handles(&self) -> Vec<f64> {
        self.preview.as_ref().map_or_else(Vec::new, |p| {
            p.design()
                .hairline
                .handles
                .iter()
                .flat_map(|h| [h.x, h.y])
                .collect()
        })
    }

    /// The current design as JSON (for analytics events and display).
    pub fn design_json(&self) -> String {
        let Some(p) = self.preview.as_ref() else {
            return "null".into();
        };
        let d = p.design();
        let h = p.photo().height;
        let handles: Vec<String> = d
            .hairline
            .handles
            .iter()
            .map(|p| format!("[{},{}]", decimal(p.x, 5), decimal(p.y, 5)))
            .collect();
        format!(
            concat!(
                "{{\"density\":{},\"shade\":{},\"dot_mm\":{},\"hairline_cm\":{},",
                "\"shape\":\"{}\",\"edge\":\"{}\",\"session\":{},\"months\":{},",
                "\"thinning\":{},\"view\":\"{}\",\"seed\":\"{}\",\"px_per_cm\":{},",
                "\"temple_half_cm\":{},\"handles\":[{}],\"brush_strokes\":{}}}"
            ),
            decimal(d.density, 6),
            decimal(d.shade, 6),
            decimal(d.dot_mm, 6),
            decimal(d.hairline_height_cm(h), 2),
            d.hairline.shape.name(),
            d.edge.name(),
            d.session,
            decimal(d.months, 6),
            d.thinning,
            d.view.name(),
            d.seed,
            decimal(d.px_per_cm, 3),
            decimal(d.temple_half_cm, 2),
            handles.join(","),
            p.strokes().len()
        )
    }

    /// Applies one brush stroke: `points` is `[x0, y0, x1, y1, ...]` in
    /// relative coordinates, `radius` a fraction of the photo's width;
    /// `add` adds scalp, false erases. With `scar` the stroke marks a scar
    /// to camouflage instead (`add` unused): a drag marks a strip scar
    /// (FUT), a tap a dot scar (FUE). One export for both, as each export
    /// costs the wasm its own binding code.
    pub fn brush(
        &mut self,
        points: Vec<f64>,
        radius: f64,
        add: bool,
        scar: bool,
    ) -> Result<(), JsError> {
        let dabs = dabs(&points, radius, add, scar)?;
        if !dabs.is_empty() {
            apply_stroke(self.preview()?, snap(dabs));
        }
        Ok(())
    }

    /// Undoes the last brush stroke; false when there was none.
    pub fn undo_brush(&mut self) -> Result<bool, JsError> {
        Ok(self.preview()?.undo_brush())
    }

    /// The share-link fragment (text after `#`) carrying the whole design
    /// and brush edits; `photo_jpeg` adds a small JPEG of the photo, only
    /// when the person explicitly opted in.
    pub fn share_fragment(&mut self, photo_jpeg: Option<Vec<u8>>) -> Result<String, JsError> {
        let p = self.preview()?;
        Ok(crate::share::encode(
            p.design(),
            &p.strokes(),
            photo_jpeg.as_deref(),
        ))
    }

    /// Applies a share link's design and brush edits to the loaded photo,
    /// and returns the photo the link carries, if any (the widget reads
    /// it, and the design, with a throwaway engine first, loads that photo,
    /// then applies the link to it). A bad link changes nothing and says
    /// why.
    pub fn apply_fragment(&mut self, fragment: &str) -> Result<Option<Vec<u8>>, JsError> {
        let shared = crate::share::decode(fragment).map_err(|e| err(e.0))?;
        let p = self.preview()?;
        p.set_design(shared.design).map_err(|e| err(e.0))?;
        p.clear_brush();
        for stroke in shared.strokes {
            apply_stroke(p, stroke);
        }
        Ok(shared.photo)
    }

    /// Number of brush strokes and scars undo can take back (for enabling
    /// the undo button).
    pub fn brush_strokes(&self) -> usize {
        self.preview.as_ref().map_or(0, |p| p.edit_count())
    }
}

/// Samples a uniform Poisson-disc set (benchmarks): `[x0, y0, x1, y1, ...]`.
#[cfg(feature = "bench")]
#[wasm_bindgen]
pub fn sample_uniform(width: f64, height: f64, spacing: f64, seed: u32) -> Vec<f64> {
    if !(spacing >= 0.5 && width * height / (spacing * spacing) < 2e7) {
        return Vec::new();
    }
    let points = crate::sampling::poisson_disc(
        width,
        height,
        &crate::sampling::Uniform(spacing),
        seed as u64,
    );
    points.into_iter().flatten().collect()
}

/// Samples a variable-density Poisson-disc set (benchmarks) whose spacing
/// is `r_min + v * (r_max - r_min)` for the grid value `v` in 0..=1 under
/// each point: `[x0, y0, x1, y1, ...]`. With `nested`, the product's nested
/// sampler with ranks is used instead of a single pass.
#[cfg(feature = "bench")]
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn sample_variable(
    width: f64,
    height: f64,
    r_min: f64,
    r_max: f64,
    field: Vec<f32>,
    cols: usize,
    rows: usize,
    seed: u32,
    nested: bool,
) -> Vec<f64> {
    if !(r_min >= 0.5
        && r_max >= r_min
        && cols * rows == field.len()
        && cols > 0
        && width * height / (r_min * r_min) < 2e7)
    {
        return Vec::new();
    }
    let spacing = crate::sampling::GridSpacing {
        width,
        height,
        r_min,
        r_max,
        values: field,
        cols,
        rows,
    };
    let points = if nested {
        crate::sampling::nested_points(width, height, &spacing, seed as u64).0
    } else {
        crate::sampling::poisson_disc(width, height, &spacing, seed as u64)
    };
    points.into_iter().flatten().collect()
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new()
    }
}
