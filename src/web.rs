//! The wasm binding: the only module with `#[wasm_bindgen]`. It converts
//! JavaScript values to engine types and back, and nothing else; every
//! error is an [`Error`] whose message a person can act on, and becomes a
//! JavaScript `Error` with that message here (wasm-bindgen's `From` for
//! any `std::error::Error`).
//!
//! The design crosses whole, as the fixed list of numbers of
//! [`crate::design::Field`] (a `Float64Array`): [`Engine::set_design`] takes
//! it, [`Engine::design`] gives it back, [`design_fields`] names the order
//! and [`design_ranges`] the controls' ranges.

use crate::design::{Edge, Field, RelPoint, Shape};
use crate::error::Error;
use crate::hints::Hints;
use crate::photo::Rgba;
use crate::preview::Preview;
use crate::scalp::Dab;
use crate::share::Shared;
use crate::view::View;
use wasm_bindgen::prelude::*;

/// One preview in the page: a photo, its design and its frame.
#[wasm_bindgen]
pub struct Engine {
    preview: Option<Preview>,
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
/// (fraction of the photo's width). Points that are not numbers are
/// dropped when the stroke is put on the link's grid ([`snap`]).
fn dabs(points: &[f64], radius: f64, add: bool, scar: bool) -> Result<Vec<Dab>, Error> {
    if !(radius.is_finite() && radius > 0.0 && radius < 0.5) {
        return Err(Error::BrushSize);
    }
    Ok(points
        .as_chunks::<2>()
        .0
        .iter()
        .map(|&[x, y]| Dab {
            x,
            y,
            radius,
            add,
            scar,
        })
        .collect())
}

/// Relative points as `[x0, y0, x1, y1, ...]`.
fn flat(points: &[RelPoint]) -> Vec<f64> {
    let pairs: Vec<[f64; 2]> = points.iter().map(|p| [p.x, p.y]).collect();
    pairs.into_flattened()
}

/// The names of the design's values in the order [`Engine::design`] gives
/// and [`Engine::set_design`] takes them, comma-separated; a coded value
/// lists its codes' names after a colon, in code order
/// (`shape:classic/rounded/mature`).
#[wasm_bindgen]
pub fn design_fields() -> String {
    // Written in one pass rather than with `join`: joining a [String] and
    // a [&str] each brought its own 1.2 KB copy of std's join into the
    // wasm (344 B of the widget's gzip budget).
    let mut out = String::new();
    for f in Field::ALL {
        if !out.is_empty() {
            out.push(',');
        }
        out.push_str(f.name());
        let codes: &[&str] = match f {
            Field::Shape => &Shape::NAMES,
            Field::Edge => &Edge::NAMES,
            Field::View => &View::NAMES,
            _ => &[],
        };
        for (i, code) in codes.iter().enumerate() {
            out.push(if i == 0 { ':' } else { '/' });
            out.push_str(code);
        }
    }
    out
}

/// The controls' ranges: for each design value in [`design_fields`] order,
/// `min, max, step, default` (NaN for values that are not on a range).
#[wasm_bindgen]
pub fn design_ranges() -> Vec<f64> {
    let ranges: Vec<[f64; 4]> = Field::ALL
        .iter()
        .map(|f| {
            f.range()
                .map_or([f64::NAN; 4], |r| [r.min, r.max, r.step, r.default])
        })
        .collect();
    ranges.into_flattened()
}

/// Reads a share link's fragment (the text after `#`) without an engine or
/// a photo: the photo the sender included (JPEG bytes), if any. A bad link
/// is an error that says what is wrong and what to do.
#[wasm_bindgen]
pub fn read_link(fragment: &str) -> Result<Option<Vec<u8>>, JsError> {
    Ok(crate::share::decode(fragment).map_err(Error::from)?.photo)
}

/// Applies a link's design and brush edits exactly, the edits already on
/// the photo replaced. On `same_photo` the preview is first rebuilt from
/// what the sender's on-device models decided, when the link carries it
/// ([`Preview::from_outline`]), so it is the sender's even where the models
/// do not run here or answer a few pixels differently.
fn apply_exactly(p: &mut Preview, shared: Shared, same_photo: bool) -> Result<(), Error> {
    if let (true, Some(outline)) = (same_photo, shared.outline) {
        *p = Preview::from_outline(p.photo().clone(), outline);
    }
    p.set_design(shared.design)?;
    p.clear_brush();
    for stroke in shared.strokes {
        apply_stroke(p, stroke);
    }
    Ok(())
}

impl Engine {
    fn preview(&mut self) -> Result<&mut Preview, Error> {
        self.preview.as_mut().ok_or(Error::NoPhoto)
    }
}

/// [`Engine::carry_link`]: `shared` onto `p`'s photo.
fn carry(p: &mut Preview, shared: Shared) -> Result<Option<bool>, Error> {
    if shared.photo_id == Some(p.photo().id()) {
        apply_exactly(p, shared, true)?;
        return Ok(None);
    }
    let (w, h) = (p.photo().width, p.photo().height);
    let design = p.design().carried(&shared.design, w, h)?;
    p.set_design(design)?;
    Ok(Some(!shared.strokes.is_empty()))
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
    ///
    /// `person` and `face` are what the on-device models found in it,
    /// when they ran (see `crate::hints`; absent or empty when not):
    /// `person` is the person segmentation, one confidence byte (0-255) per
    /// pixel of the working image; `face` is the most confident face
    /// detection as its score then six `x, y` keypoints in working-image
    /// pixels (right eye, left eye, nose tip, mouth, right ear, left ear,
    /// MediaPipe's order). Where the models ran, their outline, eyes and
    /// view replace the classical guesses.
    pub fn load_photo(
        &mut self,
        width: u32,
        height: u32,
        rgba: Vec<u8>,
        person: Option<Vec<u8>>,
        face: Option<Vec<f64>>,
    ) -> Result<(), JsError> {
        let photo = Rgba::new(width, height, rgba).map_err(Error::Photo)?;
        let (person, face) = (person.unwrap_or_default(), face.unwrap_or_default());
        let hints = Hints::from_flat(width, height, person, &face).map_err(Error::Photo)?;
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
        let full = Rgba::new(width, height, rgba).map_err(Error::Photo)?;
        Ok(self.preview()?.render_onto(&full).map_err(Error::Photo)?)
    }

    /// The design, whole, in [`design_fields`] order (empty before a
    /// photo).
    pub fn design(&self) -> Vec<f64> {
        self.preview
            .as_ref()
            .map_or_else(Vec::new, |p| p.design().values(p.photo().height).to_vec())
    }

    /// Replaces the design with `values` (in [`design_fields`] order):
    /// checked and put on the share link's grid by
    /// [`crate::design::Design::edited`], so a link reproduces exactly what
    /// the sender sees. On error the design stays as it was.
    pub fn set_design(&mut self, values: Vec<f64>) -> Result<(), JsError> {
        let p = self.preview()?;
        let (w, h) = (p.photo().width, p.photo().height);
        let design = p.design().edited(&values, w, h).map_err(Error::from)?;
        p.set_design(design).map_err(Error::from)?;
        Ok(())
    }

    /// Whether the eyes were found, so the hairline, scale and temples
    /// started from the face (false: a default the person should drag).
    pub fn face_found(&self) -> bool {
        self.preview.as_ref().is_some_and(|p| p.face_found())
    }

    /// The three handles `[x0, y0, x1, y1, x2, y2]` (relative) the design's
    /// preset places with the middle one at `(x, y)`: a tap on the forehead.
    pub fn hairline_at(&mut self, x: f64, y: f64) -> Result<Vec<f64>, JsError> {
        let p = self.preview()?;
        let (w, h) = (p.photo().width, p.photo().height);
        Ok(flat(&p.design().hairline_through(w, h, RelPoint { x, y })))
    }

    /// The hairline between the temples as the dots follow it, without its
    /// noise: `[x0, y0, x1, y1, ...]` (relative), for the guide line.
    pub fn hairline_curve(&self) -> Vec<f64> {
        self.preview.as_ref().map_or_else(Vec::new, |p| {
            let (w, h) = (p.photo().width, p.photo().height);
            flat(&crate::hairline::guide(p.design(), w, h))
        })
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
        let dabs = snap(dabs(&points, radius, add, scar)?);
        if !dabs.is_empty() {
            apply_stroke(self.preview()?, dabs);
        }
        Ok(())
    }

    /// Undoes the last brush stroke; false when there was none.
    pub fn undo_brush(&mut self) -> Result<bool, JsError> {
        Ok(self.preview()?.undo_brush())
    }

    /// The share-link fragment (text after `#`) carrying the whole design
    /// and brush edits; `photo_jpeg` adds a small JPEG of the photo, only
    /// when the person explicitly opted in (without it, the link carries
    /// the photo's id instead).
    pub fn share_fragment(&mut self, photo_jpeg: Option<Vec<u8>>) -> Result<String, JsError> {
        let p = self.preview()?;
        // The id ([`Rgba::id`]) is what lets the receiver tell their photo
        // is this one; with the photo in the link it says nothing more.
        let id = photo_jpeg.is_none().then(|| p.photo().id());
        Ok(crate::share::encode(
            p.design(),
            &p.strokes(),
            photo_jpeg.as_deref(),
            id,
            p.outline(),
        ))
    }

    /// Applies a share link's design and brush edits to the loaded photo,
    /// exactly as the sender had them; with the outline the link carries
    /// when the photo is the sender's (`same_photo`: the photo the link
    /// carries, or the same photo reloaded). A bad link changes nothing and
    /// says why.
    pub fn apply_link(&mut self, fragment: &str, same_photo: bool) -> Result<(), JsError> {
        let shared = crate::share::decode(fragment).map_err(Error::from)?;
        apply_exactly(self.preview()?, shared, same_photo)?;
        Ok(())
    }

    /// Carries a share link over to the loaded photo, a person's own. On
    /// the very photo the link was made on (the link's photo id is this
    /// photo's [`Rgba::id`]) it applies exactly, brush edits, view and the
    /// models' outline included, and returns `None`: the widget then has
    /// nothing to ask about the photo.
    /// Otherwise its design does, the photo keeping its own scale, glabella
    /// and temples ([`crate::design::Design::carried`]), and its brush
    /// edits, painted for another photo, do not: returns whether there were
    /// any. A bad link changes nothing and says why.
    pub fn carry_link(&mut self, fragment: &str) -> Result<Option<bool>, JsError> {
        let shared = crate::share::decode(fragment).map_err(Error::from)?;
        Ok(carry(self.preview()?, shared)?)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn design_fields_names_every_field_and_the_codes_of_coded_ones() {
        let fields = design_fields();
        let parts: Vec<&str> = fields.split(',').collect();
        assert_eq!(parts.len(), Field::COUNT);
        assert_eq!(parts[0], "density");
        assert!(parts.contains(&"shape:classic/rounded/mature"), "{fields}");
        assert!(parts.contains(&"edge:soft/defined"), "{fields}");
        assert!(
            parts.contains(&"view:front/top/left/right/back"),
            "{fields}"
        );
        for (part, f) in parts.iter().zip(Field::ALL) {
            assert_eq!(part.split(':').next(), Some(f.name()));
        }
    }
}
