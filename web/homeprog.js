/* homeprog.js: the client's home program on their phone at /h/TOKEN (GET /api/home/TOKEN):
** each exercise with a hold timer (a countdown of 30-60 s and the breathing cue), the
** "stop and get help" list, printable.  It names nobody. */
import { loadLanguage, t, lang } from './lib/i18n.js';
import { $, h, replace } from './lib/dom.js';
import { langPick, gone } from './lib/client.js';

const m = location.pathname.match(/\/h\/([^/?#]+)/);
const token = m ? decodeURIComponent(m[1]) : '';
const API = '/api/home/' + encodeURIComponent(token);
const SIDES = { l: 'left', r: 'right', b: 'both' };   /* the kb's side codes, spelled out for the client */
const human = (id) => String(id || '').replace(/-/g, ' ');

/* A hold timer: a length (30-60 s), Start and Stop, the countdown, and breathe in/out every 4 s. */
function timer(seconds) {
  let left = 0, tick = null;
  const len = h('select', { 'aria-label': t('chome.length') }, [30, 45, 60].map((s) => h('option', { value: s, selected: s === seconds }, t('chome.seconds', { n: s }))));
  const count = h('span', { class: 'count', role: 'timer', 'aria-live': 'off' }, t('chome.seconds', { n: seconds }));
  const cue = h('span', { class: 'cue', 'aria-live': 'polite' }, '');
  const box = h('div', { class: 'timer' });
  const stop = (done) => {
    clearInterval(tick); tick = null;
    box.classList.remove('running'); box.classList.toggle('done', !!done);
    cue.textContent = done ? t('chome.done') : '';
    startB.disabled = false; stopB.disabled = true;
  };
  const startB = h('button', { type: 'button', class: 'primary', onclick: () => {
    left = Number(len.value); box.classList.add('running'); box.classList.remove('done');
    startB.disabled = true; stopB.disabled = false;
    const show = () => { count.textContent = t('chome.seconds', { n: left }); cue.textContent = Math.floor((Number(len.value) - left) / 4) % 2 ? t('chome.breathe-out') : t('chome.breathe-in'); };
    show();
    tick = setInterval(() => { left--; if (left <= 0) { count.textContent = t('chome.seconds', { n: 0 }); stop(true); if (navigator.vibrate) navigator.vibrate(200); } else show(); }, 1000);
  } }, t('chome.start'));
  const stopB = h('button', { type: 'button', disabled: true, onclick: () => stop(false) }, t('chome.stop'));
  box.append(count, cue, len, startB, stopB);
  return box;
}
const hold = (s) => { const a = Array.isArray(s.hold) ? s.hold : [s.hold]; const n = Number(a[a.length - 1]) || 30; return Math.max(30, Math.min(60, n)); };
const range = (x) => (Array.isArray(x) ? x.join('–') : x ?? '');
const items = (list) => h('ul', {}, (list || []).map((x) => h('li', {}, typeof x === 'string' ? x : (x.text || x.label || ''))));

async function main() {
  await loadLanguage().catch(() => {});
  document.title = t('chome.doc-title');
  const view = $('#view');
  if (!token) { view.replaceChildren(...gone(404, 'chome')); return; }
  let r;
  try { r = await fetch(API, { headers: { Accept: 'application/json', 'Accept-Language': lang }, cache: 'no-store' }); } catch { view.replaceChildren(h('p', { class: 'gone' }, t('error.network'))); return; }
  if (!r.ok) { view.replaceChildren(langPick(), ...gone(r.status, 'chome')); return; }
  const d = await r.json();
  const p = d.program || {};
  const help = [...(p['seek-care'] || []), ...(p.safety || [])];
  replace(view, langPick(),
    h('h1', {}, t('chome.title')),
    d.date ? h('p', { class: 'muted' }, t('chome.from', { date: d.date })) : null,
    h('div', { class: 'row no-print' }, h('button', { type: 'button', id: 'print', onclick: () => window.print() }, t('chome.print'))),
    h('p', {}, t('chome.intro')),
    (p.exercises || []).filter((ex) => !ex.skip).map((ex) => h('section', { class: 'ex-c' },
      h('h2', {}, ex.name || human(ex.muscle), ex.side ? `, ${t('chome.side-' + (SIDES[ex.side] || ex.side), null, ex.side)}` : ''),
      (ex.selfcare || []).map((s) => h('div', { class: 'sc' },
        /* the exercise's id reads as its English name; another language names it by its tool, as the handout does */
        h('h3', {}, lang === 'en' ? [human(s.id), s.tool_label ? ` — ${s.tool_label}` : ''] : s.tool_label || human(s.tool)),
        s.position ? h('p', {}, h('strong', {}, t('chome.position')), ' ', s.position) : null,
        s.steps ? h('p', {}, h('strong', {}, t('chome.how')), ' ', s.steps) : null,
        h('p', {}, h('strong', {}, t('chome.hold')), ' ', t('chome.hold-text', { s: range(s.hold), often: s.frequency || '' })),
        s.feel ? h('p', {}, h('strong', {}, t('chome.feel')), ' ', s.feel) : null,
        s.avoid ? h('p', {}, h('strong', {}, t('chome.avoid')), ' ', s.avoid) : null,
        timer(hold(s)))))),
    p.do_not_press && p.do_not_press.length ? [h('h2', {}, t('chome.do-not-press')), items(p.do_not_press)] : null,
    p.expect && p.expect.length ? [h('h2', {}, t('chome.expect')), items(p.expect)] : null,
    p.aftercare && p.aftercare.length ? [h('h2', {}, t('chome.aftercare')), items(p.aftercare)] : null,
    h('section', { class: 'stop-help', id: 'stop-help' }, h('h2', {}, t('chome.stop-help')), help.length ? items(help) : h('p', {}, t('chome.stop-help-default'))));
}
main();
