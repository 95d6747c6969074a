// The view and the hairline in a tap or two, for <smp-preview> (the engine
// can't always tell): after a person's own photo, "Which view is this
// photo?" over the preview (or the "View of this photo" menu later), and,
// for a front or top view without a face found, "Tap the middle of your
// forehead": the engine's preset places the temples around the tap
// (Engine.hairline_at). The markup is in template.js.

import { onPhoto } from './handles.js';
import { NO_FACE } from './journey.js';
import { must } from './session.js';
import { VIEWS } from './template.js';

/** Views with a front hairline (the engine's View::shows_hairline). */
export const HAIRLINE_VIEWS = ['front', 'top'];
/** A view's name as the buttons say it. */
const viewLabel = (v) => VIEWS.find(([name]) => name === v)?.[1] ?? v;
/** What the preview shows after a view is chosen without a forehead tap. */
const VIEW_SAID = {
  front: 'Front view: the hairline runs across the top of the forehead. Drag the handles, or use Place hairline, to move it.',
  top: 'Top view: the hairline runs across the front of the head. Drag the handles, or use Place hairline, to move it.',
  left: 'Left side view: the scalp is filled down to the natural hair edge; there is no front hairline here.',
  right: 'Right side view: the scalp is filled down to the natural hair edge; there is no front hairline here.',
  back: 'Back view: the crown is filled and blended into the hair at the back; there is no front hairline here.',
};

export class Asks {
  #root;
  #askView; // "Which view is this photo?" over the preview
  #askTap; // "Tap the middle of your forehead…" over the preview
  #viewSelect;
  #placeButton;
  #placing = false; // the next tap on the photo places the hairline
  #el;

  /**
   * root: the shadow root; el: { frame, before (canvas), viewport,
   * brush(), session(), showHairline(), say(text, isError), compare() (the
   * before / after split as the slider says) }.
   */
  constructor(root, el) {
    const q = (s) => root.querySelector(s);
    this.#root = root;
    this.#el = el;
    this.#askView = q('.ask-view');
    this.#askTap = q('.ask-tap');
    this.#viewSelect = q('#view');
    this.#placeButton = q('.place-hairline');
    // Over the photo, a press here is not the start of a pan or a stroke.
    for (const box of [this.#askView, this.#askTap]) box.addEventListener('pointerdown', (e) => e.stopPropagation());
    for (const b of root.querySelectorAll('.view-choice')) b.addEventListener('click', () => this.#chooseView(b.dataset.view));
    q('.ask-close').addEventListener('click', () => this.#dismissView());
    q('.ask-cancel').addEventListener('click', () => this.#cancelPlacing());
    // No forehead in the photo (a top view of a bowed head): the hairline goes below it, and the dots run down to
    // the head's own outline.
    q('.ask-none').addEventListener('click', () => this.#placeAt({ x: 0.5, y: 1 }, true));
    root.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape') return;
      if (this.#placing) this.#cancelPlacing();
      else if (!this.#askView.hidden && this.#askView.contains(root.activeElement)) this.#dismissView();
      else return;
      e.preventDefault();
    });
    this.#viewSelect.addEventListener('change', () => {
      const view = this.#viewSelect.value;
      this.#askView.hidden = true;
      this.stop();
      el.session().edit('view', view);
      el.say(VIEW_SAID[view]);
    });
    this.#placeButton.addEventListener('click', () => this.#startPlacing());
  }

  /** A new photo: questions about the old one are void. */
  newPhoto() {
    this.#askView.hidden = true;
    this.stop();
  }

  /** A photo is in: the view can be changed. */
  enable() {
    this.#viewSelect.disabled = false;
  }

  /** Follows the design's view (unless a change of it is still `pending`). */
  sync(view, pending) {
    if (!pending) this.#viewSelect.value = view;
    this.#placeButton.disabled = !HAIRLINE_VIEWS.includes(view);
  }

  /** Asks which view the photo shows, over the preview (the current view marked). */
  askForView() {
    const view = this.#el.session().get('view');
    for (const b of this.#askView.querySelectorAll('.view-choice')) b.setAttribute('aria-pressed', String(b.dataset.view === view));
    this.#askView.hidden = false;
    // Someone who picked the photo with the keyboard (or a screen reader) goes on to the question.
    if (this.#root.activeElement) this.#askView.querySelector('.view-choice').focus({ preventScroll: true });
  }

  /** Leaves the forehead tap; the brush takes the photo back if it is on. */
  stop() {
    if (!this.#placing) return;
    const { frame, viewport } = this.#el;
    this.#placing = false;
    if (this.#close(this.#askTap)) frame.focus({ preventScroll: true });
    const brush = this.#el.brush();
    const painting = brush.mode !== 'off';
    viewport.painter = painting ? brush : null;
    frame.classList.toggle('painting', painting);
    frame.classList.remove('placing');
    this.#el.compare(); // the before / after split as it was
  }

  /** Hides the question `box`; true when the focus was in it (the caller puts it somewhere useful). */
  #close(box) {
    const focused = box.contains(this.#root.activeElement);
    box.hidden = true;
    return focused;
  }

  /** One tap on a view: drawn at once; a front or top view without a face found asks for the forehead next. */
  #chooseView(view) {
    const session = this.#el.session();
    const focused = this.#close(this.#askView);
    this.#viewSelect.value = view;
    session.edit('view', view);
    if (HAIRLINE_VIEWS.includes(view) && this.#el.showHairline() && !session.state?.face) this.#startPlacing(focused);
    else {
      if (focused) this.#el.frame.focus({ preventScroll: true });
      this.#el.say(VIEW_SAID[view]);
    }
  }

  #dismissView() {
    const session = this.#el.session();
    if (this.#close(this.#askView)) this.#el.frame.focus({ preventScroll: true });
    this.#el.say(
      `The preview shows a ${viewLabel(session.get('view')).toLowerCase()} view; change it under “View of this photo”.` +
        (session.state?.face ? '' : ` ${NO_FACE}`),
    );
  }

  /** The next tap (or click) on the photo places the hairline; `focus` moves the focus to the question. */
  #startPlacing(focus = this.#root.activeElement === this.#placeButton) {
    if (!this.#el.session()?.photo) return;
    const { frame, before, viewport } = this.#el;
    this.#close(this.#askView);
    this.#placing = true;
    this.#askTap.hidden = false;
    // Only a photo from above can leave the forehead out (the view control holds a view just chosen, not yet drawn).
    this.#askTap.querySelector('.ask-none').hidden = this.#viewSelect.value !== 'top';
    frame.classList.add('painting', 'placing');
    // The photo as it is, so the forehead is easy to find under a guessed pattern.
    before.style.clipPath = 'none';
    before.classList.add('shown');
    let last = null;
    viewport.painter = {
      start: (p) => (last = p),
      move: (p) => (last = p),
      end: () => this.#placeAt(last),
      cancel: () => (last = null),
    };
    if (focus) this.#askTap.querySelector('button').focus({ preventScroll: true });
    this.#el.say('Tap the middle of your forehead where the hairline should start: the temples follow.');
  }

  #cancelPlacing() {
    this.stop();
    this.#el.say('The hairline stays where it was. Drag the handles to move it.');
  }

  /**
   * Places the hairline from a tap at `p` (relative): the middle handle there, the temples either side at the
   * design's width. `noForehead`: the person said the forehead is not in the photo (`p` is its bottom middle).
   */
  async #placeAt(p, noForehead = false) {
    if (!p || !this.#placing) return;
    const say = this.#el.say;
    if (!(p.x >= 0 && p.x <= 1 && p.y >= 0 && p.y <= 1)) {
      say('Tap on the photo, in the middle of your forehead.');
      return;
    }
    this.stop();
    const session = this.#el.session();
    session.clearPending('handles'); // a drag queued before the tap is superseded (a view just chosen still goes)
    // The engine's preset around the tap, kept on the photo.
    try {
      const rel = onPhoto(await session.call('hairline_at', p.x, p.y));
      must(await session.send([session.edits({ handles: rel })], true));
    } catch (e) {
      say(e.message, true);
      return;
    }
    say(
      noForehead
        ? 'The dots now run down to the edge of your head. To set a hairline, drag the handles up from the bottom of the photo.'
        : 'Hairline placed where you tapped. Drag the handles to fine-tune it.',
    );
  }
}
