/* intakepage.js: the client's intake form on their own phone at /i/TOKEN: the pain drawing on
** the body chart (front and back, the magnifier for small regions), intensity and quality per
** region, the red-flag questions (each answered yes or no), goals, activities, onset, health
** history, contraindication questions, consent; the questions from GET /api/intake/TOKEN, the
** answers to POST /api/intake/TOKEN.  Nothing of the record is shown or asked for. */
import { loadLanguage, t, lang } from './lib/i18n.js';
import { langPick, gone } from './lib/client.js';
import { $, h, replace, showMsg, clearMsg } from './lib/dom.js';
import { labelOf, makeChart } from './lib/chart.js';

const m = location.pathname.match(/\/i\/([^/?#]+)/);
const token = m ? decodeURIComponent(m[1]) : '';
const API = '/api/intake/' + encodeURIComponent(token);

async function getJSON(url) {
  const r = await fetch(url, { headers: { Accept: 'application/json', 'Accept-Language': lang }, cache: 'no-store' });
  let d = null; try { d = await r.json(); } catch { /* none */ }
  return { status: r.status, ok: r.ok, data: d };
}

async function main() {
  await loadLanguage().catch(() => {});
  document.title = t('cintake.doc-title');
  const view = $('#view');
  if (!token) { view.replaceChildren(...gone(404, 'cintake')); return; }
  let res;
  try { res = await getJSON(API); } catch { view.replaceChildren(h('p', { class: 'gone' }, t('error.network'))); return; }
  if (!res.ok) { view.replaceChildren(langPick(), ...gone(res.status, 'cintake')); return; }
  const q = res.data.questions || {};
  const drawing = [];
  let chart = null;
  const list = h('ul', { class: 'marks-c', id: 'marks', 'aria-live': 'polite', 'aria-label': t('cintake.marked') });
  function pick(id) {
    if (!drawing.find((x) => x.region === id)) drawing.push({ region: id, intensity: 5, quality: '' });
    refresh();
  }
  function refresh() {
    chart.setPain(drawing);
    list.replaceChildren(...(drawing.length ? drawing.map(item) : [h('li', { class: 'empty' }, t('cintake.none-marked'))]));
  }
  function item(x) {
    const n = h('span', { class: 'n', 'aria-live': 'polite' }, `${x.intensity}/10`);
    const set = (v) => { x.intensity = Math.max(0, Math.min(10, v)); n.textContent = `${x.intensity}/10`; chart.setPain(drawing); };
    const sel = h('select', { 'aria-label': t('cintake.quality-label', { region: labelOf(x.region) }), onchange: () => { x.quality = sel.value; } },
      h('option', { value: '' }, t('cintake.quality')), (q.qualities || []).map((o) => h('option', { value: o.id, selected: o.id === x.quality }, o.label)));
    return h('li', { dataset: { region: x.region } },
      h('div', { class: 'name' }, labelOf(x.region)),
      h('div', { class: 'controls' },
        h('button', { type: 'button', 'aria-label': t('cintake.less', { region: labelOf(x.region) }), onclick: () => set(x.intensity - 1) }, '−'),
        n,
        h('button', { type: 'button', 'aria-label': t('cintake.more', { region: labelOf(x.region) }), onclick: () => set(x.intensity + 1) }, '+'),
        sel,
        h('button', { type: 'button', class: 'danger', onclick: () => { drawing.splice(drawing.indexOf(x), 1); refresh(); } }, t('cintake.remove'))));
  }
  chart = await makeChart({ onPick: pick, own: true });
  const yesno = (name, text) => h('fieldset', { class: 'yn', dataset: { name } }, h('legend', {}, text),
    h('div', { class: 'yesno' },
      h('label', {}, h('input', { type: 'radio', name, value: 'yes' }), t('client.yes')),
      h('label', {}, h('input', { type: 'radio', name, value: 'no' }), t('client.no'))));
  const form = h('form', { id: 'cintake-form', novalidate: true },
    h('h2', {}, t('cintake.flags')), h('p', { class: 'muted' }, t('cintake.flags-hint')),
    (q.red_flags || []).map((f) => yesno('flag:' + f.id, f.question)),
    h('h2', {}, h('label', { for: 'goals' }, t('cintake.goals'))),
    h('textarea', { id: 'goals', name: 'goals', rows: 3, maxlength: 4000 }),
    h('fieldset', {}, h('legend', {}, t('cintake.onset')),
      h('div', { class: 'pick' }, (q.onsets || []).map((o) => h('label', {}, h('input', { type: 'radio', name: 'onset', value: o.id }), o.label)))),
    h('fieldset', {}, h('legend', {}, t('cintake.activities')),
      h('div', { class: 'pick' }, (q.activities || []).map((o) => h('label', {}, h('input', { type: 'checkbox', name: 'act:' + o.id }), o.label)))),
    h('h2', {}, h('label', { for: 'history' }, t('cintake.history'))),
    h('p', { class: 'muted', id: 'history-hint' }, t('cintake.history-hint')),
    h('textarea', { id: 'history', name: 'history', rows: 4, maxlength: 20000, 'aria-describedby': 'history-hint' }),
    (q.contraindications || []).length ? [h('h2', {}, t('cintake.contras')), q.contraindications.map((c) => yesno('contra:' + c.id, c.question))] : null,
    q.consent ? h('fieldset', {}, h('legend', {}, t('cintake.consent')),
      h('div', { class: 'pick' }, h('label', {}, h('input', { type: 'checkbox', name: 'consent', id: 'consent' }), q.consent.text))) : null,
    h('button', { type: 'submit', class: 'primary', id: 'send' }, t('cintake.send')));
  /* a question left unanswered is marked (a red border and words, not the colour alone), and
  ** unmarked once answered */
  const mark = (fs, on) => {
    fs.classList.toggle('missing', on);
    const need = fs.querySelector('.need');
    if (on && !need) fs.append(h('p', { class: 'need' }, t('cintake.need-one')));
    if (!on && need) need.remove();
  };
  form.addEventListener('change', (ev) => {
    const fs = ev.target.closest && ev.target.closest('fieldset.missing');
    if (fs && fs.querySelector('input:checked')) mark(fs, false);
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMsg();
    if (!drawing.length) { showMsg(t('cintake.need-mark')); return; }
    const val = (name) => { const el = form.querySelector(`input[name="${CSS.escape(name)}"]:checked`); return el ? el.value : null; };
    const missing = [];
    const red = {};
    for (const f of q.red_flags || []) {
      const v = val('flag:' + f.id);
      mark(form.querySelector(`fieldset[data-name="${CSS.escape('flag:' + f.id)}"]`), v === null);
      if (v === null) missing.push(f.id); else red[f.id] = v;   /* "yes" or "no": every question answered */
    }
    if (missing.length) { showMsg(t('cintake.need-flags', { n: missing.length })); form.querySelector('fieldset.missing').scrollIntoView({ block: 'center' }); return; }
    const body = { pain: drawing.map((x) => (x.quality ? { region: x.region, intensity: x.intensity, quality: x.quality } : { region: x.region, intensity: x.intensity })), red_flags: red };
    const goals = form.goals.value.trim(), history = form.history.value.trim(), onset = val('onset');
    if (goals) body.goals = goals;
    if (history) body.history = history;
    if (onset) body.onset = onset;
    body.activities = (q.activities || []).filter((o) => form.querySelector(`input[name="${CSS.escape('act:' + o.id)}"]`).checked).map((o) => o.id);
    const contras = {};
    for (const c of q.contraindications || []) { const v = val('contra:' + c.id); if (v !== null) contras[c.id] = v === 'yes'; }
    body.contraindications = contras;
    if (q.consent) body.consent = form.querySelector('#consent').checked;
    if (q.consent && q.consent.id) body.consent_id = q.consent.id;   /* the text read, in its language */
    const btn = $('#send'); btn.disabled = true;
    try {
      const r = await fetch(API, { method: 'POST', cache: 'no-store', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body) });
      let d = null; try { d = await r.json(); } catch { /* none */ }
      if (r.status === 410 || r.status === 404) { view.replaceChildren(...gone(r.status, 'cintake')); return; }
      if (!r.ok) { showMsg(t('cintake.refused', { why: (d && d.error && d.error.message) || r.status })); return; }
      replace(view, h('h1', {}, t('cintake.thanks-title')),
        d && d.urgent ? h('p', { class: 'urgent', id: 'urgent', role: 'alert' }, t('cintake.urgent')) : null,
        h('p', { class: 'thanks', id: 'thanks' }, t('cintake.thanks')));
      window.scrollTo(0, 0);
    } catch { showMsg(t('error.network')); } finally { btn.disabled = false; }
  });
  view.replaceChildren(langPick(), h('h1', {}, t('cintake.title')), h('p', {}, t('cintake.intro')),
    h('h2', {}, t('cintake.where')), h('p', { class: 'muted' }, t('cintake.where-hint')),
    chart.el, h('h2', {}, t('cintake.marked')), list, form);
  refresh();
}
main();
