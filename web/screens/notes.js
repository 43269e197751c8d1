/* notes.js: the SOAP note of a visit. */

import { api } from '../lib/api.js';
import { $$, field, h, showMsg, submitter } from '../lib/dom.js';
import { state } from '../lib/state.js';
import { t } from '../lib/i18n.js';

export default async function view(arg) {
  const vid = arg || state.visit;
  if (!vid) return [h('h1', {}, t('notes.title')), h('p', {}, t('notes.none'))];
  const n = await api('GET', `/api/visits/${encodeURIComponent(vid)}/note`);
  const parts = [['s', t('notes.s')], ['o', t('notes.o')], ['a', t('notes.a')], ['p', t('notes.p')]];
  const form = h('form', { class: 'card soap', id: 'note-form' },
    parts.map(([k, label]) => field(label, h('textarea', { name: k, rows: 8, value: n[k] || '', id: 'soap-' + k }))),
    h('button', { type: 'submit', class: 'primary' }, t('notes.save')));
  /* each section as tall as its text, on screen and on paper */
  const fit = (ta) => { ta.style.height = 'auto'; ta.style.height = `${ta.scrollHeight + 4}px`; };
  form.addEventListener('input', (ev) => { if (ev.target.tagName === 'TEXTAREA') fit(ev.target); });
  requestAnimationFrame(() => $$('textarea', form).forEach(fit));
  form.addEventListener('submit', submitter(form, async (v) => {
    await api('POST', `/api/visits/${encodeURIComponent(vid)}/note`, { s: v.s, o: v.o, a: v.a, p: v.p });
    showMsg(t('notes.saved'), 'info');
  }));
  const cid = state.client && state.client.id;
  return [h('h1', {}, t('notes.visit-title', { n: n.visit ?? vid })), form,
    cid ? h('div', { class: 'row no-print' }, h('a', { class: 'button', href: '#/progress/' + cid }, t('notes.to-progress')), h('a', { class: 'button', href: '#/home/' + cid }, t('notes.to-home'))) : null];
}
