/* intake.js: the pain drawing on the body chart, the questions and the red-flag screen. */

import { api } from '../lib/api.js';
import { labelOf, makeChart, regionPicker } from '../lib/chart.js';
import { field, h, submitter } from '../lib/dom.js';
import { human, num, today } from '../lib/format.js';
import { ensureClient, go, save, state } from '../lib/state.js';
import { vocabulary } from '../lib/vocab.js';
import { openSessionsCard } from './sessions.js';
import { linksCard } from './links.js';
import { clientIntakeCard } from './clientintake.js';
import { t } from '../lib/i18n.js';

/* A red-flag question is answered yes, no or not asked (the default): a question not asked is
** not a no, and the server stores the three apart ({"fever":"yes","weight-loss":"no",...}). */
const FLAG_ANSWERS = () => [['yes', t('intake.flag-yes')], ['no', t('intake.flag-no')], ['not-asked', t('intake.flag-not-asked')]];
/* The answer kept for question id: the working state's {id: answer}, or an older state's list of
** the names answered yes. */
function flagAnswer(flags, id) {
  if (Array.isArray(flags)) return flags.includes(id) ? 'yes' : 'not-asked';
  return (flags && flags[id]) || 'not-asked';
}

export default async function view(arg) {
  const client = await ensureClient(arg);
  const voc = await vocabulary();
  state.drawing = state.drawing || [];
  state.answers = state.answers || { date: today(), context: [], flags: {} };
  const drawing = state.drawing;
  let selected = null;

  const legend = h('div', { class: 'chart-legend' },
    h('span', {}, h('i', { class: 'sw pain' }), t('intake.legend-pain')),
    h('span', { class: 'muted' }, t('intake.legend-tap')));
  const chart = await makeChart({ onPick: pick, legend });
  const list = h('ul', { class: 'marks', id: 'marks', 'aria-label': t('intake.marked') });

  function pick(id) {
    if (!drawing.find((m) => m.region === id)) drawing.push({ region: id, intensity: 5, quality: '' });
    selected = id;
    refresh();
    const li = list.querySelector(`li[data-region="${CSS.escape(id)}"]`);
    if (li) li.scrollIntoView({ block: 'nearest' });
  }
  function refresh() {
    save();
    chart.setPain(drawing);
    chart.select(selected);
    list.replaceChildren(...(drawing.length ? drawing.map(markItem)
      : [h('li', { class: 'empty' }, t('intake.empty'))]));
  }
  function markItem(m) {
    const n = h('input', { type: 'number', min: 0, max: 10, step: 1, value: m.intensity, 'aria-label': t('intake.intensity-label', { region: labelOf(m.region) }), class: 'intensity' });
    const set = (v) => { v = Math.max(0, Math.min(10, Math.round(Number(v)))); if (!Number.isFinite(v)) return; m.intensity = v; n.value = v; save(); chart.setPain(drawing); };
    n.addEventListener('input', () => { if (n.value !== '') set(n.value); });
    n.addEventListener('change', () => set(n.value === '' ? 0 : n.value));
    const q = h('select', { 'aria-label': t('intake.quality-label', { region: labelOf(m.region) }), class: 'quality' },
      h('option', { value: '' }, t('intake.quality')), voc.qualities.map((x) => h('option', { value: x.id }, x.label)));
    q.value = m.quality || '';
    q.addEventListener('change', () => { m.quality = q.value; save(); });
    return h('li', { dataset: { region: m.region }, class: m.region === selected ? 'selected' : null },
      h('div', { class: 'name' }, labelOf(m.region), ' ', h('span', { class: 'muted small' }, m.region)),
      h('div', { class: 'controls' },
        h('button', { type: 'button', 'aria-label': t('intake.less-label', { region: labelOf(m.region) }), onclick: () => set(m.intensity - 1) }, '−'),
        n,
        h('button', { type: 'button', 'aria-label': t('intake.more-label', { region: labelOf(m.region) }), onclick: () => set(m.intensity + 1) }, '+'),
        h('span', { class: 'muted' }, '/10'),
        q,
        h('button', { type: 'button', class: 'danger', onclick: () => {
          const i = drawing.indexOf(m); if (i >= 0) drawing.splice(i, 1);
          if (selected === m.region) selected = null;
          refresh();
        } }, t('intake.remove'))));
  }
  refresh();

  const a = state.answers;
  const radios = (name, items, cur) => h('div', { class: 'row', role: 'radiogroup', 'aria-label': name },
    [['', t('intake.not-asked')], ...items].map(([v, l]) => h('label', { class: 'check' },
      h('input', { type: 'radio', name, value: v, checked: (cur || '') === v }), l)));
  const form = h('form', { id: 'intake-form', class: 'card' },
    h('h2', {}, t('intake.questions')),
    h('div', { class: 'grid2' },
      field(t('intake.date'), h('input', { type: 'date', name: 'date', value: a.date || today() })),
      field(t('intake.nprs'), h('input', { type: 'number', name: 'nprs', min: 0, max: 10, value: a.nprs ?? '' })),
      h('div', { class: 'field' }, h('label', { for: 'onset-ago' }, t('intake.since')),
        h('div', { class: 'row tight' },
          h('input', { type: 'number', id: 'onset-ago', name: 'onset_ago', min: 0, step: 1, value: a.onset_ago ?? '', 'aria-describedby': 'onset-ago-hint' }),
          h('select', { name: 'onset_unit', 'aria-label': t('intake.since-unit') },
            h('option', { value: 'days', selected: (a.onset_unit || 'days') === 'days' }, t('intake.unit-days')),
            h('option', { value: 'weeks', selected: a.onset_unit === 'weeks' }, t('intake.unit-weeks')))),
        h('span', { class: 'hint', id: 'onset-ago-hint' }, t('intake.since-hint'))),
      field(t('intake.stress'), h('input', { type: 'number', name: 'stress', min: 0, max: 10, value: a.stress ?? '' })),
      field(t('intake.desk'), h('input', { type: 'number', name: 'desk_hours', min: 0, max: 24, step: 0.5, value: a.desk_hours ?? '' })),
      field(t('intake.training'), h('input', { type: 'number', name: 'training_hours', min: 0, step: 0.5, value: a.training_hours ?? '' })),
      field(t('intake.sleep'), h('input', { type: 'number', name: 'sleep_hours', min: 0, max: 24, step: 0.5, value: a.sleep_hours ?? '' }))),
    h('fieldset', {}, h('legend', {}, t('intake.onset')), radios('onset', voc.onsets.map((id) => [id, t('intake.onset-' + id)]), a.onset)),
    h('fieldset', {}, h('legend', {}, t('intake.tender')), radios('tender', [['spot', t('intake.tender-spot')], ['diffuse', t('intake.tender-diffuse')]], a.tender)),
    field(t('intake.goals'), h('textarea', { name: 'goals', rows: 2, value: a.goals || '' }), t('intake.goals-hint')),
    field(t('intake.factors'), h('input', { name: 'factors', value: a.factors || '' })),
    h('details', { open: true }, h('summary', {}, h('strong', {}, t('intake.activities'))),
      h('div', { class: 'checks' }, voc.activities.map(({ id, label }) => h('label', { class: 'check' },
        h('input', { type: 'checkbox', name: 'ctx:' + id, checked: (a.context || []).includes(id) }), label)))),
    h('fieldset', { class: 'card', id: 'flags', 'aria-describedby': 'flags-hint' }, h('legend', {}, h('strong', {}, t('intake.flags'))),
      h('p', { class: 'muted small', id: 'flags-hint' }, t('intake.flags-hint')),
      voc.flags.map(({ id, question: q }) => h('fieldset', { class: 'flag', dataset: { flag: id } }, h('legend', {}, q),
        h('div', { class: 'flag-answers' }, FLAG_ANSWERS().map(([v, l]) => h('label', { class: 'check' },
          h('input', { type: 'radio', name: 'flag:' + id, value: v, checked: flagAnswer(a.flags, id) === v }), l)))))),
    h('div', { class: 'row' }, h('button', { class: 'primary', type: 'submit' }, t('intake.submit'))));

  form.addEventListener('input', () => { collect(); save(); });
  function collect() {
    const v = { context: [], flags: {} };
    for (const el of form.elements) {
      if (!el.name) continue;
      if (el.name.startsWith('ctx:')) { if (el.checked) v.context.push(el.name.slice(4)); }
      else if (el.name.startsWith('flag:')) { if (el.checked) v.flags[el.name.slice(5)] = el.value; }
      else if (el.type === 'radio') { if (el.checked) v[el.name] = el.value; }
      else v[el.name] = el.value.trim();
    }
    state.answers = v;
    return v;
  }
  form.addEventListener('submit', submitter(form, async () => {
    const v = collect();
    if (!drawing.length) throw new Error(t('intake.need-mark'));
    const body = {
      pain: drawing.map((m) => {
        const p = { region: m.region, intensity: m.intensity };
        if (m.quality) p.quality = m.quality;
        return p;
      }),
      context: v.context, flags: v.flags, date: v.date || today(),
    };
    if (v.onset) body.onset = v.onset;
    if (v.tender) body.tender = v.tender;
    const ago = num(v.onset_ago);
    if (ago !== undefined) {
      if (!(ago >= 0)) throw new Error(t('intake.nan', { what: t('intake.since') }));
      body.onset_hours = Math.round(ago * (v.onset_unit === 'weeks' ? 168 : 24));
    }
    for (const k of ['nprs', 'stress', 'desk_hours', 'training_hours', 'sleep_hours']) {
      const x = num(v[k]);
      if (x !== undefined) {
        if (!Number.isFinite(x)) throw new Error(t('intake.nan', { what: t('intake.field-' + k) }));
        body[k] = x;
      }
    }
    if (v.goals) body.goals = v.goals;
    if (v.factors) body.factors = v.factors;
    const r = await api('POST', `/api/clients/${client.id}/intakes`, body);
    state.intake = { id: r.id, date: body.date, screen: r.screen || (r.where && r.where.screen), where: r.where || {}, drawing: drawing.map((m) => ({ ...m })) };
    state.ticked = [];
    delete state.plan;
    save();
    go('sources/' + client.id);
  }));

  return [
    h('h1', {}, t('intake.title', { name: client.name })),
    await openSessionsCard(client.id),
    await clientIntakeCard(client.id),
    state.intake ? h('p', { class: 'muted' }, t('intake.sent'), h('a', { href: '#/sources/' + client.id }, t('intake.see-sources')), '.') : null,
    h('div', { class: 'chart-layout' },
      h('div', {}, chart.el, regionPicker(pick)),
      h('div', {}, h('h2', {}, t('intake.drawing')), list)),
    form,
    await linksCard(client.id),
  ];
}
