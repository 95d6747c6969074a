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
//! ## Why `no_std` on wasm
//!
//! The wasm build is `no_std` (natively the crate uses std, so tests and
//! the CLI are unchanged): std's panic machinery formats every panic
//! message and pulls `core::fmt`, Unicode tables and panic payloads into
//! the module, KBs of a download that a person waits for. On wasm a panic
//! simply traps, the allocator is the small `lol_alloc` free list, and the
//! few float methods `core` lacks come from `float`. Modules take `Vec`,
//! `String` and friends from `prelude`. The shipped build goes further:
//! `scripts/build-wasm.sh` recompiles `core` and `alloc` with the
//! immediate-abort panic strategy, so a panic is a bare trap at its site
//! and neither `core`'s panic formatting nor any panic message or location
//! reaches the module.
//!
//! ## Size
//!
//! Vectors are mostly filled with plain loops rather than `.map(..).collect()`
//! or `.extend(iter)` chains: each chain instantiates three generic
//! functions of its own (`from_iter`, `extend_trusted`, `Map::fold`), KBs
//! of the wasm in all. A loop per pixel or dot fills a preallocated
//! `vec![..; n]` through a zip rather than pushing, so it does no more work
//! per element; a chain stays where its loop came out no smaller.
//!
//! ## Panics
//!
//! A panic is a bug, and on wasm its message is never shown. Panics in
//! engine code carry constant messages only: without the shipped build's
//! immediate abort, a message with arguments (`assert!(.., "{k}")`,
//! `expect`, integer `clamp`'s bounds check) keeps `core::fmt`'s padding
//! and `Display`/`Debug` impls in the wasm even though nothing prints
//! them. `format!` would bring them back in any build: messages people
//! read are built with `text::text!`.
#![cfg_attr(target_arch = "wasm32", no_std)]
#![warn(missing_docs)]

extern crate alloc;

pub mod design;
pub mod face;
mod float;
pub mod hairline;
pub mod metrics;
mod order;
pub mod photo;
pub mod pigment;
mod prelude;
pub mod preview;
pub mod render;
pub mod sampling;
pub mod scalp;
pub mod share;
mod text;
#[cfg(target_arch = "wasm32")]
mod wasm_runtime;
pub mod web;
