//! # smp-preview engine
//!
//! A pure, deterministic Rust core that stipples a simulated scalp
//! micropigmentation (SMP) buzz cut onto a photo. No browser types here:
//! the wasm binding lives in [`web`] alone, and everything else is tested
//! natively with `cargo test`.
//!
//! Data flows one way:
//! photo pixels + [`design::Design`] -> [`scalp`] mask -> [`sampling`] dot
//! pattern (once per seed and scale) -> [`render`] pigment -> pixels, held
//! together with its caches by [`preview::Preview`].
#![warn(missing_docs)]

pub mod design;
pub mod face;
pub mod hairline;
pub mod metrics;
mod order;
pub mod photo;
pub mod preview;
pub mod render;
pub mod sampling;
pub mod scalp;
pub mod share;
pub mod web;
