/* atlas.js: the muscle and condition browser: search a muscle, a condition or a pain area; a
** muscle's trigger points with their referral zones drawn on the chart and their sources; a
** condition's muscles, most often involved first; a pain area's ranked candidates. */

import { api } from '../lib/api.js';
import { ensureLabels, labelOf, makeChart, regionLabels } from '../lib/chart.js';
import { h, replace } from '../lib/dom.js';
import { capital, human, sideName, sourceCite, sourceName } from '../lib/format.js';
import { t } from '../lib/i18n.js';
import { go } from '../lib/state.js';
import { vocabulary } from '../lib/vocab.js';

let muscles = null, conditions = null;
const fold = (s) => String(s || '').toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/-/g, ' ');
const cites = (list) => (list || []).map((x, k) => [k ? '; ' : '', h('cite', { title: x.cite || sourceCite(x) }, sourceName(x))]);

/* What a search finds: muscles and conditions by name, pain areas by region name. */
function find(q) {
  const w = fold(q).trim();
  if (w.length < 2) return { m: [], c: [], r: [] };
  const hit = (s) => w.split(/\s+/).every((p) => fold(s).includes(p));
  const m = muscles.filter((x) => hit(x.name) || hit(x.id)).slice(0, 12);
  const c = conditions.filter((x) => hit(x.name) || hit(x.id)).slice(0, 8);
  const r = Array.from(regionLabels.keys()).filter((id) => hit(labelOf(id))).sort((a, b) => labelOf(a).localeCompare(labelOf(b))).slice(0, 12);
  return { m, c, r };
}

export default async function view(arg) {
  await ensureLabels();
  await vocabulary();
  if (!muscles) muscles = ((await api('GET', '/api/muscles')).muscles || []).sort((a, b) => a.name.localeCompare(b.name));
  if (!conditions) { const r = await api('GET', '/api/conditions'); conditions = Array.isArray(r) ? r : r.conditions || []; }
  const [kind, id] = arg ? [arg.slice(0, arg.indexOf(':')), arg.slice(arg.indexOf(':') + 1)] : ['', ''];

  const input = h('input', { type: 'search', id: 'atlas-q', name: 'q', autocomplete: 'off', spellcheck: 'false',
    'aria-describedby': 'atlas-q-hint', 'aria-controls': 'atlas-results' });
  const results = h('div', { id: 'atlas-results', 'aria-live': 'polite' });
  const link = (href, text, extra) => h('li', {}, h('a', { href }, text), extra ? h('span', { class: 'muted small' }, ' ', extra) : null);
  const showResults = () => {
    const { m, c, r } = find(input.value);
    const none = input.value.trim().length >= 2 && !m.length && !c.length && !r.length;
    replace(results,
      m.length ? [h('h2', {}, t('atlas.muscles')), h('ul', { class: 'plain atlas-list' }, m.map((x) => link(`#/atlas/muscle:${x.id}`, x.name, t('group.' + x.group, null, human(x.group)))))] : null,
      c.length ? [h('h2', {}, t('atlas.conditions')), h('ul', { class: 'plain atlas-list' }, c.map((x) => link(`#/atlas/condition:${x.id}`, x.name)))] : null,
      r.length ? [h('h2', {}, t('atlas.areas')), h('ul', { class: 'plain atlas-list' }, r.map((x) => link(`#/atlas/area:${x}`, labelOf(x))))] : null,
      none ? h('p', { class: 'empty' }, t('atlas.nothing', { q: input.value.trim() })) : null);
  };
  input.addEventListener('input', showResults);
  const search = h('form', { class: 'card atlas-search', role: 'search', onsubmit: (ev) => {
    ev.preventDefault();
    const a = results.querySelector('a');
    if (a) location.hash = a.getAttribute('href');
  } },
  h('label', { for: input.id }, t('atlas.search')), input, h('span', { class: 'hint', id: 'atlas-q-hint' }, t('atlas.search-hint')), results);

  const out = [h('h1', {}, t('atlas.title')), search];
  if (kind === 'muscle') out.push(await musclePage(id));
  else if (kind === 'condition') out.push(conditionPage(id));
  else if (kind === 'area') out.push(await areaPage(id));
  else {
    out.push(h('section', { class: 'card' }, h('h2', {}, t('atlas.all-conditions')),
      h('ul', { class: 'plain atlas-list cols' }, conditions.map((x) => link(`#/atlas/condition:${x.id}`, capital(x.name))))));
  }
  return out;
}

async function musclePage(id) {
  const m = await api('GET', '/api/muscles/' + encodeURIComponent(id));
  const tps = m.trigger_points || [];
  const legend = h('div', { class: 'chart-legend' },
    h('span', {}, h('i', { class: 'sw x' }, '✕'), t('sources.legend-x')),
    h('span', {}, h('i', { class: 'sw ess' }), t('sources.legend-ess')),
    h('span', {}, h('i', { class: 'sw spill' }), t('sources.legend-spill')));
  const chart = await makeChart({ legend, magnifier: true });
  const caption = h('p', { class: 'muted', id: 'atlas-caption', 'aria-live': 'polite' });
  const voc = await vocabulary();
  const buttons = [];
  const show = (tp, b) => {
    const r = tp.referral || {};
    chart.showZones({ at: tp.region, essential: r.essential || [], spillover: r.spillover || [] });
    buttons.forEach((x) => x.setAttribute('aria-pressed', String(x === b)));
    caption.textContent = t('atlas.caption', { name: tp.name, at: labelOf(tp.region) });
  };
  const items = tps.map((tp) => {
    const r = tp.referral || {};
    const b = h('button', { type: 'button', class: 'tp-show', 'aria-pressed': 'false', dataset: { tp: tp.id }, onclick: () => show(tp, b) }, tp.name);
    buttons.push(b);
    return h('li', { class: 'cand atlas-tp', dataset: { tp: tp.id } },
      b,
      h('dl', {},
        h('dt', {}, t('sources.at')), h('dd', {}, labelOf(tp.region)),
        tp.location ? [h('dt', {}, t('atlas.find-it')), h('dd', {}, tp.location)] : null,
        h('dt', {}, t('sources.essential')), h('dd', {}, (r.essential || []).map(labelOf).join(', ') || '—'),
        h('dt', {}, t('sources.spillover')), h('dd', {}, (r.spillover || []).map(labelOf).join(', ') || '—'),
        tp.frequency_note ? [h('dt', {}, t('atlas.how-often')), h('dd', {}, tp.frequency_note)] : null,
        h('dt', {}, t('sources.sources')), h('dd', {}, (tp.sources || []).length ? cites(tp.sources) : '—')));
  });
  if (tps.length) show(tps[0], buttons[0]);
  return h('section', { class: 'atlas-muscle', id: 'atlas-muscle' },
    h('h2', {}, capital(m.name)),
    m.symptoms ? h('p', {}, m.symptoms) : null,
    h('div', { class: 'chart-layout' },
      h('div', { class: 'sticky' }, chart.el, caption, h('p', { class: 'small muted' }, t('atlas.left-side'))),
      h('div', {},
        h('h3', {}, t('atlas.points', { n: tps.length })),
        h('ul', { class: 'candidates' }, items),
        (m.perpetuating || []).length ? [h('h3', {}, t('atlas.perpetuating')), h('p', {}, m.perpetuating.map((x) => voc.activity.get(x) || human(x)).join('; '))] : null,
        (m.mimics || []).length ? [h('h3', {}, t('atlas.mimics')), h('p', {}, m.mimics.map(human).join(', '))] : null,
        h('h3', {}, t('atlas.sources')), h('p', {}, cites(m.sources)))));
}

function conditionPage(id) {
  const c = conditions.find((x) => x.id === id);
  if (!c) return h('p', { class: 'empty' }, t('atlas.no-condition'));
  return h('section', { class: 'card', id: 'atlas-condition' },
    h('h2', {}, capital(c.name)), h('p', {}, c.note || ''),
    h('h3', {}, t('atlas.check-first')),
    h('ol', { class: 'atlas-ranked' }, (c.muscles || []).map((m) => h('li', {}, h('a', { href: `#/atlas/muscle:${m.id}` }, m.name)))),
    h('p', { class: 'small' }, t('sources.sources'), ': ', cites(c.sources)));
}

async function areaPage(region) {
  const r = await api('POST', '/api/where', { pain: [region] });
  const cands = (r.candidates || []).slice(0, 12);
  const top = cands.length ? Math.max(...cands.map((c) => c.score || 0)) || 1 : 1;
  return h('section', { class: 'card', id: 'atlas-area' },
    h('h2', {}, t('atlas.area-title', { region: labelOf(region) })),
    h('p', { class: 'muted' }, t('sources.notdx')),
    h('ol', { class: 'atlas-ranked' }, cands.map((c) => {
      const pct = Math.max(2, Math.round(100 * (c.score || 0) / top));
      const fit = pct >= 100 ? t('sources.fit-top') : t('sources.fit', { pct });
      return h('li', {}, h('a', { href: `#/atlas/muscle:${c.muscle}` }, `${c.muscle_name || human(c.muscle)}${sideName(c.side) ? ', ' + sideName(c.side) : ''}`),
        ' — ', c.trigger_point_name || '',
        h('div', { class: 'bar', role: 'img', 'aria-label': fit }, h('span', { style: `width:${pct}%` })));
    })));
}
