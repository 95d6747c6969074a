// embed.html: the widget alone on a page, for an <iframe> on a site whose
// Content-Security-Policy does not allow wasm (or that would rather keep
// the simulator at arm's length).
//
//   embed.html?parent-origin=https://clinic.example
//     [&density=45&shade=0.5&hairline=8.5&controls=dots,hairline,share]
//     [&cta-label=Book%20a%20consultation&cta-href=https://clinic.example/book]
//     [&brand=%237b2d5e&radius=12px&font=Georgia]
//
// The widget's events (smp-design-change, smp-export, smp-share,
// smp-cta-click) are forwarded to the framing page with postMessage as
//   { source: 'smp-preview', type, detail }
// addressed to parent-origin only: a page of any other origin framing this
// one receives nothing. Without parent-origin nothing is forwarded. The
// photo is never in an event, so never in a message. An 'smp-resize'
// message (detail: { height }, the page's content height in CSS px) lets the
// host size the iframe to the widget (README: "In an iframe").

const EVENTS = ['smp-design-change', 'smp-export', 'smp-share', 'smp-cta-click'];
const params = new URLSearchParams(location.search);
const widget = document.querySelector('smp-preview');

// Settings from the address, as attributes (text only, never markup).
for (const name of ['density', 'shade', 'hairline', 'controls', 'cta-label', 'cta-href']) {
  const value = params.get(name);
  if (value != null) widget.setAttribute(name, value.slice(0, 300));
}
// The call to action leaves the iframe: it opens in the framing page.
if (params.has('cta-href')) widget.setAttribute('cta-target', '_top');
const sample = params.get('sample');
if (sample) {
  try {
    const url = new URL(sample, location.href);
    if (url.origin === location.origin) widget.setAttribute('sample', url.href); // this site's photos only
  } catch {
    // not a URL: keep the default sample
  }
}
// Theme: checked values only (setting element.style from script is allowed by the CSP).
const theme = [
  ['brand', '--smp-brand', 'color'],
  ['radius', '--smp-radius', 'border-radius'],
  ['font', '--smp-font', 'font-family'],
];
for (const [param, property, check] of theme) {
  const value = params.get(param);
  if (value && value.length < 80 && CSS.supports(check, value)) widget.style.setProperty(property, value);
}

/** The origin to post to: parent-origin as an exact http(s) origin, or null. Never '*'. */
function targetOrigin(value) {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : null;
  } catch {
    return null;
  }
}

const target = targetOrigin(params.get('parent-origin'));
const framed = window.parent !== window;
// Where the browser tells us who frames this page (Chromium, Safari), a
// mismatch is a set-up mistake: say so once instead of posting into the void.
const framer = location.ancestorOrigins?.length ? location.ancestorOrigins[0] : null;
const forward = framed && target && (!framer || framer === target);
if (framed && target && !forward) {
  console.warn(`smp-preview embed: parent-origin is ${target} but this page is framed by ${framer}; events are not forwarded.`);
}

function post(message) {
  window.parent.postMessage({ source: 'smp-preview', ...message }, target);
}

if (forward) {
  for (const type of EVENTS) {
    widget.addEventListener(type, (event) => post({ type, detail: event.detail }));
  }
  let last = 0;
  new ResizeObserver(() => {
    // The content's height, not the scroll height (which is never less than the iframe's own).
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    post({ type: 'smp-resize', detail: { height }, height }); // `height` also at the top, as before
  }).observe(document.documentElement);
}
