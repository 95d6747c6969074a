//! What a `no_std` wasm build must supply itself: the panic handler and
//! the allocator (see "Why `no_std` on wasm" in the crate docs).

/// A panic is a bug; on wasm it traps, which the page's JavaScript sees as
/// a `RuntimeError` (std on wasm32-unknown-unknown aborts too, but formats
/// the message first, which pulls `core::fmt` into the module).
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// The allocator std uses on wasm (dlmalloc), so memory use is unchanged.
#[global_allocator]
static ALLOCATOR: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;
