/* notes.js: the SOAP note of a visit. */

import { api } from '../lib/api.js';
import { $$, field, h, showMsg, submitter } from '../lib/dom.js';
import { state } from '../lib/state.js';

export default async function view(arg) {
  const vid = arg || state.visit;
  if (!vid) return [h('h1', {}, 'Notes'), h('p', {}, 'No visit yet: end a session first.')];
  const n = await api('GET', `/api/visits/${encodeURIComponent(vid)}/note`);
  const parts = [['s', 'S — Subjective'], ['o', 'O — Objective'], ['a', 'A — Assessment'], ['p', 'P — Plan']];
  const form = h('form', { class: 'card soap', id: 'note-form' },
    parts.map(([k, label]) => field(label, h('textarea', { name: k, rows: 8, value: n[k] || '', id: 'soap-' + k }))),
    h('button', { type: 'submit', class: 'primary' }, 'Save note'));
  /* each section as tall as its text, on screen and on paper */
  const fit = (t) => { t.style.height = 'auto'; t.style.height = `${t.scrollHeight + 4}px`; };
  form.addEventListener('input', (ev) => { if (ev.target.tagName === 'TEXTAREA') fit(ev.target); });
  requestAnimationFrame(() => $$('textarea', form).forEach(fit));
  form.addEventListener('submit', submitter(form, async (v) => {
    await api('POST', `/api/visits/${encodeURIComponent(vid)}/note`, { s: v.s, o: v.o, a: v.a, p: v.p });
    showMsg('Note saved.', 'info');
  }));
  const cid = state.client && state.client.id;
  return [h('h1', {}, `SOAP note — visit ${n.visit ?? vid}`), form,
    cid ? h('div', { class: 'row no-print' }, h('a', { class: 'button', href: '#/progress/' + cid }, 'Progress →'), h('a', { class: 'button', href: '#/home/' + cid }, 'Home program →')) : null];
}
