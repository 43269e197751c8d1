/* notes.js: the SOAP note of a visit: who, whom and when at the top; edited while a draft, signed
** by the visit's therapist, then read-only with its signature and its signed addenda; printed. */

import { api, auth } from '../lib/api.js';
import { $$, action, field, h, showMsg, submitter } from '../lib/dom.js';
import { clock } from '../lib/format.js';
import { render, state } from '../lib/state.js';
import { t } from '../lib/i18n.js';

export default async function view(arg) {
  const vid = arg || state.visit;
  if (!vid) return [h('h1', {}, t('notes.title')), h('p', {}, t('notes.none'))];
  const base = `/api/visits/${encodeURIComponent(vid)}`;
  const n = await api('GET', `${base}/note`);
  const parts = [['s', t('notes.s')], ['o', t('notes.o')], ['a', t('notes.a')], ['p', t('notes.p')]];
  const cl = n.client || {};
  const head = h('dl', { class: 'card note-head', id: 'note-head' },
    [[t('notes.client'), cl.name], [t('notes.birth'), cl.birth], [t('notes.date'), `${n.date || ''}${n.started ? ' · ' + clock(n.started) : ''}`],
      [t('notes.therapist'), n.therapist], [t('notes.clinic'), n.clinic]].map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v || '—'))));
  const printLink = h('a', { class: 'button', id: 'print-note', href: `${base}/note.html`, target: '_blank', rel: 'noopener' }, t('notes.print'));
  const cid = (cl.id) || (state.client && state.client.id);
  const links = h('div', { class: 'row no-print' }, printLink,
    cid ? h('a', { class: 'button', href: '#/client/' + cid }, t('notes.to-client')) : null,
    cid ? h('a', { class: 'button', href: '#/progress/' + cid }, t('notes.to-progress')) : null,
    cid ? h('a', { class: 'button', href: '#/home/' + cid }, t('notes.to-home')) : null);
  const title = h('h1', {}, t('notes.visit-title', { n: n.visit ?? vid }));

  if (n.signed) {
    const body = h('section', { class: 'card soap signed', id: 'note-read' }, parts.map(([k, label]) => [h('h2', {}, label), h('p', { class: 'pre', id: 'soap-' + k }, n[k] || '')]));
    const sig = h('p', { class: 'banner clear', id: 'note-signed' }, t('notes.signed-by', { by: n.signed.by, at: clock(n.signed.at) }), ' ', h('span', { class: 'small muted hash' }, t('notes.hash', { hash: String(n.signed.hash || '').slice(0, 16) })));
    const addenda = h('section', { class: 'card', id: 'addenda' }, h('h2', {}, t('notes.addenda')),
      (n.addenda || []).length ? h('ol', {}, n.addenda.map((a) => h('li', {}, h('p', { class: 'pre' }, a.text), h('p', { class: 'small muted' }, t('notes.addendum-by', { by: a.by, at: clock(a.at) })))))
        : h('p', { class: 'muted' }, t('notes.no-addenda')));
    const text = h('textarea', { name: 'text', rows: 3, required: true, maxlength: 10000 });
    const form = h('form', { class: 'card no-print', id: 'addendum-form' }, field(t('notes.addendum'), text, t('notes.addendum-hint')),
      h('button', { type: 'submit', class: 'primary' }, t('notes.add-addendum')));
    form.addEventListener('submit', submitter(form, async (v) => {
      try { await api('POST', `${base}/addenda`, { text: v.text }); } catch (e) {
        if (e.status === 409) throw new Error(t('notes.addendum-409'));
        throw e;
      }
      await render();
      showMsg(t('notes.addendum-added'), 'info');
    }));
    return [title, head, sig, body, addenda, form, links];
  }

  const form = h('form', { class: 'card soap', id: 'note-form' },
    parts.map(([k, label]) => field(label, h('textarea', { name: k, rows: 8, value: n[k] || '', id: 'soap-' + k }))),
    h('button', { type: 'submit', class: 'primary' }, t('notes.save')));
  /* each section as tall as its text, on screen and on paper */
  const fit = (ta) => { ta.style.height = 'auto'; ta.style.height = `${ta.scrollHeight + 4}px`; };
  form.addEventListener('input', (ev) => { if (ev.target.tagName === 'TEXTAREA') fit(ev.target); });
  requestAnimationFrame(() => $$('textarea', form).forEach(fit));
  const save = async () => {
    const v = {}; for (const [k] of parts) v[k] = form.elements[k].value;
    try { await api('POST', `${base}/note`, v); } catch (e) {
      if (e.status === 409) throw new Error(t('notes.save-409'));
      throw e;
    }
  };
  form.addEventListener('submit', submitter(form, async () => { await save(); showMsg(t('notes.saved'), 'info'); }));
  const mine = !n.therapist || (auth.user && auth.user.name === n.therapist);
  const sign = mine ? h('div', { class: 'card no-print', id: 'sign-card' }, h('p', {}, t('notes.sign-why')),
    h('button', { type: 'button', class: 'primary', id: 'sign-note', onclick: action(async () => {
      await save();
      try { await api('POST', `${base}/note/sign`, {}); } catch (e) {
        if (e.status === 409) throw new Error(t('notes.sign-409'));
        if (e.status === 403) throw new Error(t('notes.sign-403', { name: n.therapist || '' }));
        throw e;
      }
      await render();
      showMsg(t('notes.signed-msg'), 'info');
    }) }, t('notes.sign')))
    : h('p', { class: 'muted', id: 'sign-card' }, t('notes.sign-only', { name: n.therapist }));
  return [title, head, h('p', { class: 'banner caution', id: 'note-draft' }, t('notes.draft')), form, sign, links];
}
