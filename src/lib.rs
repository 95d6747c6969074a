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
//!
//! ## Hot loops sit in functions called many times
//!
//! A browser runs a wasm function in its baseline compiler at first and
//! swaps in optimized code only at a later *call*, once the function has
//! been busy a while; a loop inside a function called once (a whole photo,
//! a whole pattern) stays on the slow code to the end. On a first visit
//! that is most of the first preview, so the per-pixel and per-point work
//! lives in small `#[inline(never)]` functions called per point, row or
//! band (`sampling::Growth::ring`, `scalp::foreground_row`,
//! `render::Canvas::draw_band` and the like), which the browser optimizes
//! after their first calls; `scripts/build-wasm.sh` stops `wasm-opt` from
//! inlining them back into their single caller. Natively this costs
//! nothing.
//!
//! ## Panics
//!
//! A panic is a bug. On wasm32-unknown-unknown it aborts: the engine call
//! throws a `RuntimeError` in the page's JavaScript. Input a person or a link supplies is checked and refused with
//! a message ([`error::Error`], which wraps [`design::DesignError`] and
//! [`share::ShareError`]), never by a panic.
#![warn(missing_docs)]

pub mod design;
pub mod error;
pub mod face;
pub mod hairline;
pub mod hints;
pub mod metrics;
mod num;
pub mod outline;
pub mod photo;
pub mod pigment;
pub mod preview;
pub mod render;
pub mod sampling;
pub mod scalp;
pub mod scar_find;
pub mod share;
pub mod skull;
pub mod view;
pub mod web;
