//! The names every engine module takes from `alloc` (and, on wasm, the
//! float methods `core` lacks) instead of from std's prelude, so the same
//! source builds with std natively and as `no_std` for wasm (see
//! "Why `no_std` on wasm" in the crate docs). Natively these are the very
//! items std's prelude would give.

pub(crate) use alloc::string::String;
pub(crate) use alloc::vec;
pub(crate) use alloc::vec::Vec;

#[cfg(target_arch = "wasm32")]
pub(crate) use crate::float::Float;
