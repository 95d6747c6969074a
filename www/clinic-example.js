// The example clinic's own script: what a clinic's web person writes to
// feed analytics or a lead form. It listens for the widgets' events (they
// bubble out of the shadow root) and lists them on the page. Every event
// carries the design in event.detail.design, never the photo.

const TYPES = ['smp-design-change', 'smp-export', 'smp-share', 'smp-cta-click'];
const log = document.getElementById('event-log');

/** Every event received, for the page's own code (and its tests). */
window.smpEvents = [];

for (const type of TYPES) {
  document.addEventListener(type, (event) => {
    const widget = event.target.id || 'smp-preview';
    const { design, ...extra } = event.detail ?? {};
    window.smpEvents.push({ type, widget, detail: event.detail });

    // textContent only: nothing from an event is ever parsed as HTML.
    const item = document.createElement('li');
    item.dataset.type = type;
    item.dataset.widget = widget;
    const name = document.createElement('b');
    name.textContent = type;
    const summary = design
      ? `density ${design.density}, shade ${design.shade}, hairline ${design.hairline_cm} cm, ${design.shape}`
      : 'no photo yet';
    const more = Object.entries(extra)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    item.append(name, ` from #${widget} at ${new Date().toLocaleTimeString()}: ${summary}${more ? `; ${more}` : ''}`);
    log.prepend(item);
    while (log.children.length > 30) log.lastElementChild.remove();
  });
}
