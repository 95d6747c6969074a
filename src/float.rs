//! Float methods for the `no_std` wasm build: `core` has no `sqrt`,
//! `floor`, `ceil` or `round` (and the wasm instructions in
//! `core::arch::wasm32` are unstable). Each gives the same bits as std's
//! method on wasm: `sqrt`, `floor` and `ceil` call the C names std's
//! compile to, which LLVM turns into the wasm instructions (`sqrt` keeps
//! a call into compiler-builtins' `sqrt` for negative input only, where
//! C sets `errno`), and [`round_half_away`] is exact (checked against std
//! by the tests). Natively std's inherent methods are used and this trait
//! is not compiled in.

/// The float methods the engine uses that `core` does not provide.
#[cfg(target_arch = "wasm32")]
pub(crate) trait Float {
    /// Square root, correctly rounded.
    fn sqrt(self) -> Self;
    /// Largest integer not above `self`.
    fn floor(self) -> Self;
    /// Smallest integer not below `self`.
    fn ceil(self) -> Self;
    /// Nearest integer, halfway cases away from zero.
    fn round(self) -> Self;
}

/// The C math functions, from compiler-builtins (linked into every Rust
/// program; on wasm32-unknown-unknown it carries a libm).
#[cfg(target_arch = "wasm32")]
mod libm {
    unsafe extern "C" {
        pub safe fn sqrt(x: f64) -> f64;
        pub safe fn floor(x: f64) -> f64;
        pub safe fn ceil(x: f64) -> f64;
        pub safe fn trunc(x: f64) -> f64;
        pub safe fn sqrtf(x: f32) -> f32;
        pub safe fn floorf(x: f32) -> f32;
        pub safe fn ceilf(x: f32) -> f32;
    }
}

#[cfg(target_arch = "wasm32")]
impl Float for f64 {
    fn sqrt(self) -> f64 {
        libm::sqrt(self)
    }
    fn floor(self) -> f64 {
        libm::floor(self)
    }
    fn ceil(self) -> f64 {
        libm::ceil(self)
    }
    fn round(self) -> f64 {
        round_half_away(self)
    }
}

#[cfg(target_arch = "wasm32")]
impl Float for f32 {
    fn sqrt(self) -> f32 {
        libm::sqrtf(self)
    }
    fn floor(self) -> f32 {
        libm::floorf(self)
    }
    fn ceil(self) -> f32 {
        libm::ceilf(self)
    }
    fn round(self) -> f32 {
        round_half_away(self as f64) as f32
    }
}

/// `x.round()` without libm: the integer part, plus one away from zero
/// when the fraction is at least a half. Exact for every `f64` (the
/// fraction `x - trunc(x)` is always representable; NaN and infinities
/// fall through the comparison unchanged), so it equals std's `round`.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn round_half_away(x: f64) -> f64 {
    let t = trunc(x);
    if (x - t).abs() >= 0.5 {
        t + 1f64.copysign(x)
    } else {
        t
    }
}

/// `x` without its fraction, toward zero.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn trunc(x: f64) -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        libm::trunc(x)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        x.trunc()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_half_away_equals_std_round() {
        let mut xs = vec![
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.5,
            2.5,
            -2.5,
            0.49999999999999994,
            -0.49999999999999994,
            4503599627370495.5,
            4503599627370496.0,
            9007199254740993.0,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::EPSILON,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        // Halves, their neighbours and a spread of magnitudes.
        for i in -2000i64..2000 {
            let h = i as f64 + 0.5;
            xs.extend([h, h.next_up(), h.next_down(), i as f64 / 7.0]);
        }
        let mut s = 0x9e3779b97f4a7c15u64;
        for _ in 0..200_000 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            xs.push(f64::from_bits(s));
        }
        for x in xs {
            if x.is_nan() {
                assert!(round_half_away(x).is_nan());
            } else {
                assert_eq!(round_half_away(x).to_bits(), x.round().to_bits(), "{x:e}");
            }
        }
    }
}
