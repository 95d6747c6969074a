// Scroll-safe sliders on touch screens. A browser moves a range slider to
// the finger as soon as it lands, so a page scrolled by a swipe that happens
// to start on a full-width slider changed that slider's value. Sliders here
// have `touch-action: pan-y` (smp-preview.css): a vertical swipe scrolls the
// page. This guard holds back the slider's input events until the touch
// shows what it is: a horizontal drag (the value follows the finger) or a
// tap (the value jumps there, as a tap on a slider does) change the value;
// a vertical swipe, a second finger or a cancelled touch put the value back
// and the widget never hears of it.

/** CSS px a finger moves before its direction counts. */
const SLOP = 8;

export class TouchGuard {
  #touch = null; // { input, x, y, value, state: 'undecided' | 'slide' | 'scroll' }

  /** root: the shadow root holding the sliders. */
  constructor(root) {
    const on = (type, fn) => root.addEventListener(type, fn, { capture: true, passive: true });
    on('touchstart', (e) => this.#start(e));
    on('touchmove', (e) => this.#move(e));
    on('touchend', (e) => this.#end(e, false));
    on('touchcancel', (e) => this.#end(e, true));
    // Capturing on the root runs before the widget's own listeners on the slider.
    root.addEventListener('input', (e) => this.#filter(e), true);
  }

  #start(e) {
    const g = this.#touch;
    if (g) {
      // A second finger: not a deliberate slide (a pinch, a scroll).
      if (g.state !== 'slide') this.#scroll(g);
      return;
    }
    const input = e.target.closest?.('input[type=range]');
    if (!input || e.touches.length !== 1) return;
    const t = e.touches[0];
    this.#touch = { input, x: t.clientX, y: t.clientY, value: input.value, state: 'undecided' };
  }

  #move(e) {
    const g = this.#touch;
    if (!g || g.state !== 'undecided') return;
    const t = [...e.touches].find((x) => x.target === g.input) ?? e.touches[0];
    const dx = t.clientX - g.x;
    const dy = t.clientY - g.y;
    if (Math.hypot(dx, dy) < SLOP) return;
    if (Math.abs(dx) > Math.abs(dy)) {
      g.state = 'slide';
      this.#commit(g.input);
    } else this.#scroll(g);
  }

  #end(e, cancelled) {
    const g = this.#touch;
    if (!g || e.touches.length) return;
    this.#touch = null;
    if (g.state === 'undecided' && !cancelled) this.#commit(g.input); // a tap
    else if (g.state !== 'slide') this.#scroll(g);
  }

  /** Not a slide: the value goes back to where it was. */
  #scroll(g) {
    g.state = 'scroll';
    if (g.input.value !== g.value) g.input.value = g.value;
  }

  /** The widget takes the slider's current value. */
  #commit(input) {
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }

  #filter(e) {
    const g = this.#touch;
    if (g && e.target === g.input && g.state !== 'slide') e.stopImmediatePropagation();
  }
}
