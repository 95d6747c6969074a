// Share links in <smp-preview>: the link in the page's address, opened (a
// photo it carries, or its design waiting for the next photo) and carried
// over to a person's own photo. The engine reads and writes links
// (src/share.rs, through the session); nothing here sends anything
// anywhere. Making links is the Share panel's (share.js, loaded on first
// use); opening one is on the first preview's way, so it is here.

// A JPEG comment (COM segment) in a link's photo records the size of the sender's working photo,
// so the receiver can scale the design's px/cm to the smaller copy.
const COMMENT_PREFIX = 'smp-preview working ';

/** The values a shared design brings to another photo (the photo keeps its own scale, glabella and temples). */
const CARRIED = ['density', 'shade', 'dot_mm', 'session', 'months', 'thinning', 'edge', 'seed', 'shape', 'view', 'handles'];

/**
 * The share link in the page's address (the text after #), or null. An
 * ordinary in-page anchor (#book, #contact: an element's id) is not one.
 */
export function pageLink() {
  const raw = location.hash.slice(1);
  if (!raw) return null;
  let text = raw;
  try {
    text = decodeURIComponent(raw);
  } catch {
    // keep it as it is: the engine says what is wrong with it
  }
  if (text === 'top' || (text.length <= 256 && document.getElementById(text))) return null;
  return text;
}

/** The JPEG comment that records a working photo of `width` × `height` (share.js writes it in a link's photo). */
export function workingComment(width, height) {
  return `${COMMENT_PREFIX}${width}x${height}`;
}

/**
 * The sender's working-photo size recorded by linkPhoto in a JPEG's
 * comment, or null. Reads only the segments before the image data.
 */
export function workingSize(jpeg) {
  let i = 2;
  for (let n = 0; n < 16 && i + 4 <= jpeg.length && jpeg[i] === 0xff; n++) {
    const marker = jpeg[i + 1];
    const len = (jpeg[i + 2] << 8) | jpeg[i + 3];
    if (marker === 0xda || len < 2) break; // image data starts
    if (marker === 0xfe) {
      const text = String.fromCharCode(...jpeg.subarray(i + 4, Math.min(i + 2 + len, i + 68)));
      const m = text.startsWith(COMMENT_PREFIX) && /^(\d{1,5})x(\d{1,5})$/.exec(text.slice(COMMENT_PREFIX.length));
      if (m) return { width: Number(m[1]), height: Number(m[2]) };
    }
    i += 2 + len;
  }
  return null;
}

/** A link being opened, from reading it to the photo it lands on. */
export class OpenLink {
  /** The link: { fragment, design (values), photo, photoId, strokes }, or null. */
  shared = null;
  /** Why the last link could not be read (the engine's words), or ''. */
  problem = '';
  #session;

  constructor(session) {
    this.#session = session;
  }

  /** Reads `fragment`; resolves to the photo it carries (JPEG bytes) or null. A bad link is kept as `problem`. */
  async read(fragment) {
    this.problem = '';
    this.shared = null;
    try {
      this.shared = { fragment, ...(await this.#session.call('read_link', fragment)) };
    } catch (e) {
      this.problem = e.message;
    }
    return this.shared?.photo ?? null;
  }

  /**
   * Applies the link to the photo just loaded (`working`, its ImageData):
   * `on` is 'link' (the photo the link carries), 'sample' or 'own' (the
   * person's own). Resolves to what to tell the person.
   */
  async apply(on, working) {
    const { fragment, photo } = this.shared;
    if (on === 'own') return this.#carryOver();
    await this.#session.call('apply_link', fragment);
    if (on === 'sample') return 'Showing a shared design on the sample photo. Load a photo of your own head to see the design on you.';
    // The copy is smaller than the sender's photo: scale px/cm with it (the handles are relative already, and
    // stay: NaN keeps the hairline where they put it). Out of range, the link's scale stays.
    const size = workingSize(photo);
    const k = size && size.width > 0 ? working.width / size.width : 1;
    if (k !== 1 && k > 0.05 && k < 20) {
      await this.#session.send([this.#session.edits({ px_per_cm: this.#session.get('px_per_cm') * k, hairline_cm: NaN })]);
    }
    this.shared = null;
    return 'Opened a shared design, on the photo the link carries.';
  }

  /**
   * Carries the shared design over to the person's own photo. On the very
   * photo the link was made on (the same photo id), the link applies
   * exactly, brush edits included. Otherwise every control's value and the
   * hairline handles (relative to the photo) carry over, and the photo
   * keeps its own scale; brush edits, painted for another photo, do not.
   */
  async #carryOver() {
    const session = this.#session;
    const { fragment, design, photoId, strokes } = this.shared;
    const same = photoId != null && photoId === (await session.call('photo_id'));
    let note = 'Your photo is shown with the shared design.';
    if (same) await session.call('apply_link', fragment);
    else {
      const values = Object.fromEntries(CARRIED.map((name) => [name, session.layout.read(design, name)]));
      const [r] = await session.send([session.edits(values)]);
      if ('error' in r) throw new Error(r.error);
      if (strokes) note += ' Brush edits were made on another photo, so they are not carried over.';
    }
    this.shared = null;
    session.clearPending();
    return note;
  }
}
