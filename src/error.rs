//! The engine's errors as values: each carries the message a person reads
//! (what went wrong and what to do), and the binding hands that message to
//! the page unchanged.

use crate::design::DesignError;
use crate::share::ShareError;
use std::fmt;

/// Why an engine call could not do what it was asked.
#[derive(Clone, Debug, PartialEq)]
pub enum Error {
    /// A design value out of range or malformed.
    Design(DesignError),
    /// A share link that cannot be opened.
    Link(ShareError),
    /// A photo, or what the on-device models found in it, that the engine
    /// cannot use.
    Photo(String),
    /// A call that needs a photo came before one was loaded.
    NoPhoto,
    /// A brush size outside what the brush offers.
    BrushSize,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Design(e) => e.fmt(f),
            Error::Link(e) => e.fmt(f),
            Error::Photo(message) => f.write_str(message),
            Error::NoPhoto => f.write_str("No photo is loaded yet."),
            Error::BrushSize => f.write_str("The brush size is out of range."),
        }
    }
}

impl std::error::Error for Error {}

impl From<DesignError> for Error {
    fn from(e: DesignError) -> Self {
        Error::Design(e)
    }
}

impl From<ShareError> for Error {
    fn from(e: ShareError) -> Self {
        Error::Link(e)
    }
}
