/* intake.js: the pain drawing on the body chart, the questions and the red-flag screen. */

import { api } from '../lib/api.js';
import { labelOf, makeChart, regionPicker } from '../lib/chart.js';
import { field, h, submitter } from '../lib/dom.js';
import { human, num, today } from '../lib/format.js';
import { ensureClient, go, save, state } from '../lib/state.js';
import { ACTIVITIES, FLAGS, ONSETS, QUALITIES } from '../lib/vocab.js';
import { openSessionsCard } from './sessions.js';

export default async function view(arg) {
  const client = await ensureClient(arg);
  state.drawing = state.drawing || [];
  state.answers = state.answers || { date: today(), context: [], flags: [] };
  const drawing = state.drawing;
  let selected = null;

  const legend = h('div', { class: 'chart-legend' },
    h('span', {}, h('i', { class: 'sw pain' }), 'pain (darker: stronger)'),
    h('span', { class: 'muted' }, 'Tap a region to mark it; tap again to select it.'));
  const chart = await makeChart({ onPick: pick, legend });
  const list = h('ul', { class: 'marks', id: 'marks', 'aria-label': 'Marked regions' });

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
      : [h('li', { class: 'empty' }, 'No pain marked yet. Tap the regions where the client feels pain, on the front or the back.')]));
  }
  function markItem(m) {
    const n = h('input', { type: 'number', min: 0, max: 10, step: 1, value: m.intensity, 'aria-label': `Intensity 0-10, ${labelOf(m.region)}`, class: 'intensity' });
    const set = (v) => { v = Math.max(0, Math.min(10, Math.round(Number(v)))); if (!Number.isFinite(v)) return; m.intensity = v; n.value = v; save(); chart.setPain(drawing); };
    n.addEventListener('input', () => { if (n.value !== '') set(n.value); });
    n.addEventListener('change', () => set(n.value === '' ? 0 : n.value));
    const q = h('select', { 'aria-label': `Quality, ${labelOf(m.region)}`, class: 'quality' },
      h('option', { value: '' }, 'quality…'), QUALITIES.map((x) => h('option', { value: x }, x)));
    q.value = m.quality || '';
    q.addEventListener('change', () => { m.quality = q.value; save(); });
    return h('li', { dataset: { region: m.region }, class: m.region === selected ? 'selected' : null },
      h('div', { class: 'name' }, labelOf(m.region), ' ', h('span', { class: 'muted small' }, m.region)),
      h('div', { class: 'controls' },
        h('button', { type: 'button', 'aria-label': `Less intense, ${labelOf(m.region)}`, onclick: () => set(m.intensity - 1) }, '−'),
        n,
        h('button', { type: 'button', 'aria-label': `More intense, ${labelOf(m.region)}`, onclick: () => set(m.intensity + 1) }, '+'),
        h('span', { class: 'muted' }, '/10'),
        q,
        h('button', { type: 'button', class: 'danger', onclick: () => {
          const i = drawing.indexOf(m); if (i >= 0) drawing.splice(i, 1);
          if (selected === m.region) selected = null;
          refresh();
        } }, 'Remove')));
  }
  refresh();

  const a = state.answers;
  const radios = (name, items, cur) => h('div', { class: 'row', role: 'radiogroup', 'aria-label': name },
    [['', 'not asked'], ...items].map(([v, l]) => h('label', { class: 'check' },
      h('input', { type: 'radio', name, value: v, checked: (cur || '') === v }), l)));
  const form = h('form', { id: 'intake-form', class: 'card' },
    h('h2', {}, 'Questions'),
    h('div', { class: 'grid2' },
      field('Date', h('input', { type: 'date', name: 'date', value: a.date || today() })),
      field('Pain now, 0-10 (NPRS)', h('input', { type: 'number', name: 'nprs', min: 0, max: 10, value: a.nprs ?? '' })),
      field('Hours since the pain began', h('input', { type: 'number', name: 'onset_hours', min: 0, step: 1, value: a.onset_hours ?? '' }), 'e.g. 72 for three days'),
      field('Stress, 0-10', h('input', { type: 'number', name: 'stress', min: 0, max: 10, value: a.stress ?? '' })),
      field('Desk hours a day', h('input', { type: 'number', name: 'desk_hours', min: 0, max: 24, step: 0.5, value: a.desk_hours ?? '' })),
      field('Training hours a week', h('input', { type: 'number', name: 'training_hours', min: 0, step: 0.5, value: a.training_hours ?? '' })),
      field('Sleep hours a night', h('input', { type: 'number', name: 'sleep_hours', min: 0, max: 24, step: 0.5, value: a.sleep_hours ?? '' }))),
    h('fieldset', {}, h('legend', {}, 'How did it start?'), radios('onset', ONSETS, a.onset)),
    h('fieldset', {}, h('legend', {}, 'Where is it tender?'), radios('tender', [['spot', 'a tender spot (knot)'], ['diffuse', 'the whole muscle']], a.tender)),
    field('Goals', h('textarea', { name: 'goals', rows: 2, value: a.goals || '' }), 'what the client wants to be able to do again'),
    field('Other factors', h('input', { name: 'factors', value: a.factors || '' })),
    h('details', { open: true }, h('summary', {}, h('strong', {}, 'Activities and postures (perpetuating factors)')),
      h('div', { class: 'checks' }, ACTIVITIES.map(([id, label]) => h('label', { class: 'check' },
        h('input', { type: 'checkbox', name: 'ctx:' + id, checked: (a.context || []).includes(id) }), label)))),
    h('fieldset', { class: 'card', id: 'flags' }, h('legend', {}, h('strong', {}, 'Red-flag screen — ask every client')),
      FLAGS.map(([id, q]) => h('label', { class: 'check' },
        h('input', { type: 'checkbox', name: 'flag:' + id, checked: (a.flags || []).includes(id) }), q))),
    h('div', { class: 'row' }, h('button', { class: 'primary', type: 'submit' }, 'Screen and rank the sources')));

  form.addEventListener('input', () => { collect(); save(); });
  function collect() {
    const v = { context: [], flags: [] };
    for (const el of form.elements) {
      if (!el.name) continue;
      if (el.name.startsWith('ctx:')) { if (el.checked) v.context.push(el.name.slice(4)); }
      else if (el.name.startsWith('flag:')) { if (el.checked) v.flags.push(el.name.slice(5)); }
      else if (el.type === 'radio') { if (el.checked) v[el.name] = el.value; }
      else v[el.name] = el.value.trim();
    }
    state.answers = v;
    return v;
  }
  form.addEventListener('submit', submitter(form, async () => {
    const v = collect();
    if (!drawing.length) throw new Error('Mark at least one painful region on the chart first.');
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
    for (const k of ['onset_hours', 'nprs', 'stress', 'desk_hours', 'training_hours', 'sleep_hours']) {
      const x = num(v[k]);
      if (x !== undefined) {
        if (!Number.isFinite(x)) throw new Error(`${human(k)}: not a number`);
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
    h('h1', {}, 'Intake — ', client.name),
    await openSessionsCard(client.id),
    state.intake ? h('p', { class: 'muted' }, 'An intake was sent for this client; ', h('a', { href: '#/sources/' + client.id }, 'see its sources'), '.') : null,
    h('div', { class: 'chart-layout' },
      h('div', {}, chart.el, regionPicker(pick)),
      h('div', {}, h('h2', {}, 'Pain drawing'), list)),
    form,
  ];
}
