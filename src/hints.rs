//! What on-device models found in a photo, handed to the engine.
//!
//! In the browser the widget runs MediaPipe's person segmentation and face
//! detection on a person's own photo (benches/models/README.md says why
//! these two) and passes their outputs here; the engine turns them into the
//! head's outline, the eyes and the view. Without them (no model could
//! load, the native CLI) the classical path in [`crate::scalp`] and
//! [`crate::face`] runs instead.

use crate::face::{Eyes, IPD_CM};
use crate::photo::Rgba;
use crate::scalp::Head;
use crate::view::View;

/// A face detection (MediaPipe's BlazeFace short range): its confidence and
/// six keypoints in photo pixels, in the model's order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FaceDetection {
    /// Confidence, 0..1.
    pub score: f64,
    /// Right eye, left eye (the person's), nose tip, mouth, right ear
    /// tragion, left ear tragion.
    pub keypoints: [(f64, f64); 6],
}

/// The lowest score of a frontal face: backs and tops of heads score
/// 0.50-0.65 on the annotated set, real fronts 0.66-0.91.
pub const FRONT_SCORE: f64 = 0.66;
/// The lowest score of a profile (annotated set: 0.60-0.92).
pub const PROFILE_SCORE: f64 = 0.6;
/// Nose tip beyond this share of the crown's radius from the skull's
/// midline: the face is turned side-on. Facing the camera, level or tilted,
/// the nose sits on the midline (annotated set: at most 0.22 radii on
/// fronts, 0.63 on a spurious face at a top view's rim); side-on it stands
/// out near the skull's outline (0.77-1.38 on all 36 profiles). The eyes'
/// own line cannot say this: side-on the two eye keypoints fall on one
/// spot, and a nose offset measured along it flips sign at random.
pub const PROFILE_NOSE: f64 = 0.7;
/// The face detector's two eye keypoints lie inside the pupils: on the
/// four phone fronts with the pupils annotated and a face found the right
/// size, their distance is 0.86-0.95 of the pupils' (median 0.89, the same
/// 0.89-0.90 leaving any one out). Read as pupils, they made the photo's
/// scale 11% small: the hairline, the temples and the dots too small and
/// too low by as much.
pub const EYE_SPREAD: f64 = 1.0 / 0.89;
/// Ears this many eye distances above the eyes ([`FaceDetection::ears_above_eyes`]):
/// the head is tilted forward, between the level and slightly lowered
/// faces of the annotated fronts (at most 0.14) and the tilted ones (at
/// least 0.18).
pub const TILTED_EARS: f64 = 0.15;
/// A mask whose upper part is mostly skin-coloured, seen without a face, is
/// a bare crown from above; mostly hair, the back of the head.
const TOP_SKIN_SHARE: f64 = 0.6;

impl FaceDetection {
    /// The nose tip's offset from the skull's midline, in crown radii:
    /// negative when it points to the image's left.
    pub fn nose_offset(&self, head: Head) -> f64 {
        (self.keypoints[2].0 - head.cx) / head.radius.max(1.0)
    }

    /// The profile this face shows, if it is confident and turned side-on:
    /// the nose toward the image's left is the person's left side.
    pub fn profile(&self, head: Head) -> Option<View> {
        let nose = self.nose_offset(head);
        (self.score >= PROFILE_SCORE && nose.abs() > PROFILE_NOSE).then_some(if nose < 0.0 {
            View::Left
        } else {
            View::Right
        })
    }

    /// How far the ears' keypoints lie above the eyes', in eye distances:
    /// the head's tilt forward (the ears sit some 8 cm behind the eyes, so
    /// they rise in the photo as the face turns down). On the annotated
    /// fronts: -0.07 on the one level face, 0.11-0.14 on two looking a
    /// little down, 0.18-0.78 on the tilted ones.
    pub fn ears_above_eyes(&self) -> f64 {
        let [a, b, _, _, e, f] = self.keypoints;
        ((a.1 + b.1) - (e.1 + f.1)) / 2.0 / eye_distance(a, b)
    }

    /// The eyes, when this is a confident face turned to the camera.
    pub fn frontal_eyes(&self, head: Head) -> Option<Eyes> {
        if self.score < FRONT_SCORE || self.profile(head).is_some() {
            return None;
        }
        let [a, b, ..] = self.keypoints;
        let (a, b) = if a.0 <= b.0 { (a, b) } else { (b, a) };
        // Spread about their midpoint to where the pupils are: the scale,
        // the glabella and the temples are all measured from the pupils.
        let (mx, my) = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
        // A steep tilt forward pulls the two keypoints together (on
        // front_n4_37 to 0.59 of the pupils' distance): never so close
        // that the scale falls below the head's own in the person mask.
        // That scale takes the crown's half-width for a large skull's, and
        // on every annotated front with the pupils marked the true scale
        // is 1.0-1.3 times it.
        let least = if head.found {
            IPD_CM * head.px_per_cm() / eye_distance(a, b)
        } else {
            0.0
        };
        let spread = EYE_SPREAD.max(least);
        let out = |p: (f64, f64)| (mx + spread * (p.0 - mx), my + spread * (p.1 - my));
        Some(Eyes {
            left: out(a),
            right: out(b),
        })
    }
}

/// The models' outputs for one photo.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Hints {
    /// Person segmentation, one confidence byte (0..=255) per photo pixel;
    /// empty when the model did not run.
    pub person: Vec<u8>,
    /// The most confident face, if any was found.
    pub face: Option<FaceDetection>,
}

impl Hints {
    /// Reads the binding's flat form: `person` is empty or one byte per
    /// pixel; `face` is empty or the score then six `x, y` keypoints.
    pub fn from_flat(
        width: u32,
        height: u32,
        person: Vec<u8>,
        face: &[f64],
    ) -> Result<Hints, String> {
        if !person.is_empty() && person.len() != width as usize * height as usize {
            return Err("The person mask does not match the photo's size.".into());
        }
        let face = match face {
            [] => None,
            [score, k @ ..] if k.len() == 12 && face.iter().all(|v| v.is_finite()) => {
                Some(FaceDetection {
                    score: *score,
                    keypoints: std::array::from_fn(|i| (k[2 * i], k[2 * i + 1])),
                })
            }
            _ => return Err(String::from("A face needs a score and six x, y keypoints.")),
        };
        Ok(Hints { person, face })
    }

    /// Whether the person segmentation ran.
    pub fn has_person(&self) -> bool {
        !self.person.is_empty()
    }

    /// The view the models point to, on the `head` found in the person
    /// mask: a confident face gives a profile where its nose stands out
    /// beside the skull, else front; without one, a mostly skin-coloured
    /// crown is seen from the top, else from the back. `None` without any
    /// model output.
    pub fn view(&self, photo: &Rgba, head: Head) -> Option<View> {
        if let Some(f) = self.face {
            if let Some(side) = f.profile(head) {
                return Some(side);
            }
            if f.score >= FRONT_SCORE {
                return Some(View::Front);
            }
        }
        if !self.has_person() {
            return None;
        }
        let skin = self.crown_skin_share(photo)?;
        Some(if skin >= TOP_SKIN_SHARE {
            View::Top
        } else {
            View::Back
        })
    }

    /// Share of skin-coloured pixels in the upper 45% of the person mask.
    fn crown_skin_share(&self, photo: &Rgba) -> Option<f64> {
        let w = photo.width as usize;
        let rows = 0..photo.height as usize;
        let has_person = |y: &usize| self.person[y * w..(y + 1) * w].iter().any(|&v| v >= 128);
        let top = rows.clone().find(has_person)?;
        let bottom = rows.rev().find(has_person)?;
        let limit = top + (0.45 * (bottom - top) as f64) as usize;
        let (mut skin, mut all) = (0usize, 0usize);
        for y in top..=limit {
            for x in 0..w {
                if self.person[y * w + x] >= 128 {
                    all += 1;
                    skin += usize::from(looks_like_skin(photo.at(x as i64, y as i64)));
                }
            }
        }
        (all > 0).then(|| skin as f64 / all as f64)
    }
}

/// Distance between two keypoints, at least a pixel (`sqrt`, not `hypot`:
/// its overflow-safe scaling costs the wasm; see `src/skull.rs`).
fn eye_distance(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (a.0 - b.0, a.1 - b.1);
    (dx * dx + dy * dy).sqrt().max(1.0)
}

/// A loose RGB skin rule: reddish and not grey, so neither dark nor grey
/// hair, nor most backgrounds, pass.
pub(crate) fn looks_like_skin(p: [u8; 4]) -> bool {
    let (r, g, b) = (i32::from(p[0]), i32::from(p[1]), i32::from(p[2]));
    r > 60 && r > g && r > b && r - g.min(b) > 12 && (r - g).abs() > 8
}

#[cfg(test)]
/// A detection with its nose at `nose_x`; eyes, mouth and ears where a
/// side-on face puts them (the two eyes nearly on one spot).
pub(crate) fn side_on_face(score: f64, nose_x: f64) -> FaceDetection {
    FaceDetection {
        score,
        keypoints: [
            (nose_x - 30.0, 200.0),
            (nose_x - 28.0, 201.0),
            (nose_x, 240.0),
            (nose_x - 20.0, 280.0),
            (100.0, 230.0),
            (110.0, 230.0),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nose_beside_the_skull_is_a_profile_on_its_side() {
        let head = Head {
            cx: 100.0,
            top: 0.0,
            radius: 80.0,
            found: true,
        };
        assert_eq!(side_on_face(0.8, 190.0).profile(head), Some(View::Right));
        assert_eq!(side_on_face(0.8, 10.0).profile(head), Some(View::Left));
        // On the midline (level or tilted, turned a little): a front.
        assert_eq!(side_on_face(0.8, 120.0).profile(head), None);
        assert!(side_on_face(0.8, 120.0).frontal_eyes(head).is_some());
        assert!(side_on_face(0.8, 190.0).frontal_eyes(head).is_none());
        // Ears level with the eyes: a level face; raised: tilted forward.
        let mut level = side_on_face(0.8, 100.0);
        level.keypoints = [
            (70.0, 200.0),
            (130.0, 200.0),
            (100.0, 240.0),
            (100.0, 270.0),
            (30.0, 205.0),
            (170.0, 205.0),
        ];
        assert!(level.ears_above_eyes() < TILTED_EARS);
        let mut tilted = level;
        tilted.keypoints[4].1 = 170.0;
        tilted.keypoints[5].1 = 170.0;
        assert!((tilted.ears_above_eyes() - 0.5).abs() < 1e-9);
        // Eyes pulled together by the tilt: the scale no smaller than the
        // head's (80 px crown radius).
        tilted.keypoints[0].0 = 95.0;
        tilted.keypoints[1].0 = 105.0;
        let eyes = tilted.frontal_eyes(head).unwrap();
        assert!((eyes.px_per_cm() - head.px_per_cm()).abs() < 1e-9);
        assert!(
            (level.frontal_eyes(head).unwrap().px_per_cm() - 60.0 * EYE_SPREAD / IPD_CM).abs()
                < 1e-9
        );
        // Not confident enough for either.
        assert_eq!(side_on_face(0.5, 190.0).profile(head), None);
        assert!(side_on_face(0.5, 120.0).frontal_eyes(head).is_none());
    }
}
