//! The image buffer the engine works on: 8-bit RGBA, rows top to bottom,
//! the layout of a canvas `ImageData`, so the browser hands it over as is.

use std::fmt;

/// An RGBA image.
#[derive(Clone, PartialEq)]
pub struct Rgba {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width * height * 4` bytes, RGBA, row-major.
    pub data: Vec<u8>,
}

impl fmt::Debug for Rgba {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Rgba({}x{})", self.width, self.height)
    }
}

/// The largest photo side the engine accepts, in pixels. Larger photos are
/// scaled down for editing by the caller; 8192 keeps a frame under 256 MiB.
pub const MAX_SIDE: u32 = 8192;
/// The smallest photo side that can show a head.
pub const MIN_SIDE: u32 = 32;

impl Rgba {
    /// Wraps RGBA bytes, checking the size and that the photo is usable.
    pub fn new(width: u32, height: u32, data: Vec<u8>) -> Result<Rgba, String> {
        if width < MIN_SIDE || height < MIN_SIDE {
            return Err(format!(
                "This photo is only {width}x{height} pixels: use a photo at least {MIN_SIDE} pixels on each side, ideally a clear front view of the head."
            ));
        }
        if width > MAX_SIDE || height > MAX_SIDE {
            return Err(format!(
                "This photo is {width}x{height} pixels: the largest side allowed is {MAX_SIDE} pixels."
            ));
        }
        if data.len() != width as usize * height as usize * 4 {
            return Err(
                "The photo's pixel data does not match its size; try another photo.".into(),
            );
        }
        Ok(Rgba {
            width,
            height,
            data,
        })
    }

    /// A flat-coloured image (tests and synthetic patches).
    pub fn filled(width: u32, height: u32, rgba: [u8; 4]) -> Rgba {
        Rgba {
            width,
            height,
            data: rgba
                .iter()
                .copied()
                .cycle()
                .take(width as usize * height as usize * 4)
                .collect(),
        }
    }

    /// A 32-bit fingerprint of the size and every pixel: two photos with
    /// the same id are, barring a one-in-four-billion chance, the same
    /// photo. A share link carries it so that the receiver can tell
    /// whether the photo they load is the one the link was made on; it
    /// says nothing else about the photo.
    pub fn id(&self) -> u32 {
        // FNV-1a over 8-byte words (a byte at a time costs 8x the time on
        // a 12-MP photo), then the halves folded together.
        const PRIME: u64 = 0x0000_0100_0000_01B3;
        let mut h = 0xCBF2_9CE4_8422_2325 ^ ((self.width as u64) << 32 | self.height as u64);
        let (words, rest) = self.data.as_chunks::<8>();
        for w in words {
            h = (h ^ u64::from_le_bytes(*w)).wrapping_mul(PRIME);
        }
        for &b in rest {
            h = (h ^ b as u64).wrapping_mul(PRIME);
        }
        (h >> 32) as u32 ^ h as u32
    }

    /// The pixel at `(x, y)`, clamped to the image.
    pub fn at(&self, x: i64, y: i64) -> [u8; 4] {
        // num::clamp, not Ord::clamp: its bounds check formats them.
        let x = crate::num::clamp(x, 0, self.width as i64 - 1) as usize;
        let y = crate::num::clamp(y, 0, self.height as i64 - 1) as usize;
        // Whole pixels: one bounds check rather than four.
        self.data.as_chunks::<4>().0[y * self.width as usize + x]
    }
}

/// Relative luminance (Rec. 709 weights) of 8-bit RGB, 0..1.
pub fn luma(p: [u8; 4]) -> f32 {
    (0.2126 * p[0] as f32 + 0.7152 * p[1] as f32 + 0.0722 * p[2] as f32) / 255.0
}

/// [`luma`] of each pixel of RGBA bytes, row-major.
pub fn lumas(rgba: &[u8]) -> Vec<f32> {
    rgba.as_chunks::<4>().0.iter().map(|&p| luma(p)).collect()
}
