// Reads an image's pixel size from its header, before anything is decoded,
// so a decompression bomb (a small file that claims a huge image) is refused
// without allocating its pixels. Knows PNG, JPEG, GIF, WebP and BMP; returns
// null for anything else (the decoder then decides).

/** { width, height } from the first bytes of `blob`, or null. */
export async function probeSize(blob) {
  let b;
  try {
    b = new Uint8Array(await blob.slice(0, 256 * 1024).arrayBuffer());
  } catch {
    return null;
  }
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const ascii = (at, n) => String.fromCharCode(...b.subarray(at, at + n));
  // PNG: signature, then the IHDR chunk (big-endian width and height).
  if (b.length >= 24 && b[0] === 0x89 && ascii(1, 3) === 'PNG' && ascii(12, 4) === 'IHDR') {
    return { width: dv.getUint32(16), height: dv.getUint32(20) };
  }
  // GIF: logical screen size, little-endian.
  if (b.length >= 10 && /^GIF8[79]a$/.test(ascii(0, 6))) {
    return { width: dv.getUint16(6, true), height: dv.getUint16(8, true) };
  }
  // BMP: BITMAPINFOHEADER sizes (height may be negative: top-down).
  if (b.length >= 26 && ascii(0, 2) === 'BM') {
    return { width: Math.abs(dv.getInt32(18, true)), height: Math.abs(dv.getInt32(22, true)) };
  }
  // WebP: lossy (VP8), lossless (VP8L) or extended (VP8X).
  if (b.length >= 30 && ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') {
    const kind = ascii(12, 4);
    if (kind === 'VP8 ') return { width: dv.getUint16(26, true) & 0x3fff, height: dv.getUint16(28, true) & 0x3fff };
    if (kind === 'VP8L') {
      const bits = dv.getUint32(21, true);
      return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
    }
    if (kind === 'VP8X') {
      const w = 1 + (b[24] | (b[25] << 8) | (b[26] << 16));
      const h = 1 + (b[27] | (b[28] << 8) | (b[29] << 16));
      return { width: w, height: h };
    }
    return null;
  }
  // JPEG: walk the segments to the first start-of-frame marker.
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return null;
      const m = b[i + 1];
      if (m === 0xff) {
        i++; // fill byte
        continue;
      }
      if (m === 0xd8 || (m >= 0xd0 && m <= 0xd7) || m === 0x01) {
        i += 2;
        continue;
      }
      const len = dv.getUint16(i + 2);
      // SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC).
      if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
        return { width: dv.getUint16(i + 7), height: dv.getUint16(i + 5) };
      }
      if (m === 0xda || len < 2) return null;
      i += 2 + len;
    }
    return null;
  }
  return null;
}
