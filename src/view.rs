//! Which way the head faces the camera.
//!
//! Each view gets its own design: front and top views the hairline across
//! the top of the forehead, profiles the temple point and the side, back
//! views no hairline (the crown filled and blended into the fringe).

/// The view of the head a photo shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// The face toward the camera, level or tilted forward to show the top.
    Front,
    /// Looking down on the top of the head.
    Top,
    /// The person's left side toward the camera (face toward the image's left).
    Left,
    /// The person's right side toward the camera (face toward the image's right).
    Right,
    /// The back of the head.
    Back,
}

impl View {
    /// Every view, in the order the widget offers them.
    pub const ALL: [View; 5] = [View::Front, View::Top, View::Left, View::Right, View::Back];

    /// Each view's name in links, the CLI and the annotations, in the
    /// order of [`View::ALL`].
    pub const NAMES: [&'static str; 5] = ["front", "top", "left", "right", "back"];

    /// The view's name ([`View::NAMES`]).
    pub fn name(self) -> &'static str {
        View::NAMES[self as usize]
    }

    /// The view called `name`, if any.
    pub fn parse(name: &str) -> Option<View> {
        View::ALL.into_iter().find(|v| v.name() == name)
    }

    /// Whether the design has a front hairline in sight.
    pub fn shows_hairline(self) -> bool {
        matches!(self, View::Front | View::Top)
    }
}
