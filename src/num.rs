//! Limiting a number to a range without std's `clamp`.
//!
//! std's `clamp` checks its bounds with a panic message that formats
//! them (`min = {min:?}`). For floats that one message brings all of
//! `core`'s float formatting into the wasm (9.6 KB gzip, a tenth of the
//! widget's budget); for an integer type, its `Debug` and a message
//! (0.4 KB gzip for `i64`). The bounds here are constants or checked
//! ranges, so the check buys nothing.

/// `x` limited to `lo..=hi` (`lo <= hi`); NaN stays NaN, as with
/// `f64::clamp`. For floats and integers alike.
#[allow(clippy::manual_clamp)] // on purpose: see the module docs
pub(crate) fn clamp<T: PartialOrd>(x: T, lo: T, hi: T) -> T {
    if x < lo {
        lo
    } else if x > hi {
        hi
    } else {
        x
    }
}

#[cfg(test)]
mod tests {
    use super::clamp;

    #[test]
    fn clamps_like_std() {
        for x in [-1.5, 0.0, 0.25, 1.0, 3.0, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(clamp(x, 0.0, 1.0), x.clamp(0.0, 1.0));
        }
        assert!(clamp(f64::NAN, 0.0, 1.0).is_nan());
    }
}
