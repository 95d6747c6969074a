//! What a `no_std` wasm build must supply itself: the panic handler and
//! the allocator (see "Why `no_std` on wasm" in the crate docs).

/// A panic is a bug; on wasm it traps, which the page's JavaScript sees as
/// a `RuntimeError` (std on wasm32-unknown-unknown aborts too, but formats
/// the message first, which pulls `core::fmt` into the module). The shipped
/// build's `core` traps at the panic itself (immediate abort, see
/// `scripts/build-wasm.sh`) and never calls this; a plain `cargo build
/// --target wasm32-unknown-unknown` does.
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// A small free-list allocator (see Cargo.toml for why not std's dlmalloc).
/// `AssumeSingleThreaded` is sound here: the module runs on the page's one
/// thread and its memory is never shared.
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
