//! Messages and JSON built from string and integer pieces without
//! `core::fmt`: `format!` drags the formatting machinery (`fmt::write`,
//! padding, every `Display` impl used) into the wasm, a few KB for a few
//! messages. Numbers here are whole; fractions go through
//! [`crate::design::decimal`].

use crate::prelude::*;

/// Concatenates its pieces (`&str`, `String`, `char` or unsigned
/// integers, written in decimal) into a new `String`:
/// `text!("This photo is only ", width, " pixels.")`.
macro_rules! text {
    ($($piece:expr),* $(,)?) => {{
        let mut out = $crate::prelude::String::new();
        $( $crate::text::Piece::push_to(&$piece, &mut out); )*
        out
    }};
}
pub(crate) use text;

/// Something [`text!`] can append to a `String`.
pub(crate) trait Piece {
    /// Appends `self` to `out`.
    fn push_to(&self, out: &mut String);
}

impl Piece for &str {
    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for String {
    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for char {
    fn push_to(&self, out: &mut String) {
        out.push(*self);
    }
}

impl Piece for bool {
    fn push_to(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

/// Unsigned integers in decimal, as `Display` writes them.
macro_rules! unsigned_piece {
    ($($t:ty),*) => {$(
        impl Piece for $t {
            fn push_to(&self, out: &mut String) {
                push_decimal(out, *self as u64, 1);
            }
        }
    )*};
}
unsigned_piece!(u8, u16, u32, u64, usize);

/// Appends `n` in decimal, with leading zeros to at least `width` digits
/// (at most 20).
pub(crate) fn push_decimal(out: &mut String, n: u64, width: usize) {
    // The place value of the first digit: 10^(digits - 1). Digits computed
    // as `b'0' + d % 10` are known to be ASCII, so each push is one byte.
    let mut place = 1u64;
    let mut digits = 1;
    while place <= n / 10 || digits < width.min(20) {
        place *= 10;
        digits += 1;
    }
    loop {
        out.push((b'0' + (n / place % 10) as u8) as char);
        if place == 1 {
            return;
        }
        place /= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_read_as_format_writes_them() {
        for n in [0u64, 1, 9, 10, 99, 100, 4096, u32::MAX as u64, u64::MAX] {
            assert_eq!(text!(n), format!("{n}"));
            for width in [0, 1, 2, 3, 6, 20] {
                let mut s = String::new();
                push_decimal(&mut s, n, width);
                assert_eq!(s, format!("{n:0width$}"));
            }
        }
        assert_eq!(
            text!("a", 3u8, 'b', 40u16, String::from("c"), 5usize, true, false),
            "a3b40c5truefalse"
        );
    }
}
