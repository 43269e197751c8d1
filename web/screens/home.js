/* home.js: the home program and its printable handout. */

import { api } from '../lib/api.js';
import { ensureLabels, labelOf } from '../lib/chart.js';
import { h, showMsg } from '../lib/dom.js';
import { human, range, sideName, sourceName } from '../lib/format.js';
import { vocabulary } from '../lib/vocab.js';
import { ensureClient } from '../lib/state.js';
import { t, lang } from '../lib/i18n.js';

export default async function view(arg) {
  const client = await ensureClient(arg);
  await ensureLabels();
  await vocabulary();
  let r;
  try { r = await api('GET', `/api/clients/${client.id}/home`); } catch (e) {
    if (e.status === 404) return [h('h1', {}, t('home.title', { name: client.name })), h('p', { class: 'empty' }, t('home.none'))];
    throw e;
  }
  const p = r.program || r;
  const url = `/api/clients/${client.id}/home.html?lang=${lang}`;   /* a new window: the language goes in the address */
  const items = (list) => h('ul', {}, (list || []).map((x) => h('li', {}, typeof x === 'string' ? x : (x.text || x.label || ''))));
  /* What keeps it coming back: the corrective advice, the reported activities first. */
  const perpetuating = (pp) => {
    const advice = (pp && pp.advice) || [];
    if (!advice.length) return null;
    const why = (a) => {
      const w = [];
      if ((a.why || []).includes('reported')) w.push(t('home.reported'));
      if ((a.why || []).includes('hours')) w.push(t('home.from-hours'));
      if ((a.muscles || []).length) w.push(t('home.keeps', { muscles: a.muscles.map(human).join(', ') }));
      return w.length ? ` (${w.join('; ')})` : '';
    };
    const cite = (a) => (a.sources || []).map(sourceName).join('; ');
    const li = (a) => h('li', { 'data-activity': a.activity },
      h('strong', {}, a.label || human(a.activity)), why(a), ': ', a.advice || '',
      h('span', { class: 'muted small' }, ` [${cite(a)}]`));
    const reported = advice.filter((a) => (a.why || []).some((w) => w === 'reported' || w === 'hours'));
    const others = advice.filter((a) => !reported.includes(a));
    const hours = pp.intake ? [pp.intake.desk_hours != null ? t('home.desk-hours', { n: pp.intake.desk_hours }) : null,
                               pp.intake.sleep_hours != null ? t('home.sleep-hours', { n: pp.intake.sleep_hours }) : null].filter(Boolean) : [];
    return h('div', { id: 'perpetuating' },
      h('h2', {}, t('home.perpetuating')),
      pp.intake ? (hours.length ? h('p', { class: 'muted' }, t('home.from-intake'), hours.join(', '), '.') : null)
                : h('p', { class: 'muted' }, t('home.no-intake')),
      reported.length ? h('ul', {}, reported.map(li)) : null,
      others.length ? [h('p', {}, t('home.if-any')), h('ul', {}, others.map(li))] : null);
  };
  const printHandout = () => {
    const w = window.open(url, '_blank');
    if (w) w.addEventListener('load', () => { try { w.focus(); w.print(); } catch { /* the user prints it */ } });
    else showMsg(t('home.popup-blocked'), 'error');
  };
  return [
    h('h1', {}, t('home.title', { name: client.name })),
    h('p', { class: 'muted' }, (r.date ? t('home.from-visit-date', { n: r.visit ?? '', date: r.date }) : t('home.from-visit', { n: r.visit ?? '' }))),
    h('div', { class: 'row no-print' },
      h('button', { type: 'button', class: 'primary', id: 'print-handout', onclick: printHandout }, t('home.print-handout')),
      h('button', { type: 'button', id: 'print-page', onclick: () => window.print() }, t('home.print-page')),
      h('a', { class: 'button', href: url, target: '_blank', rel: 'noopener', id: 'handout-link' }, t('home.open-handout'))),
    p.limits && p.limits.text ? h('div', { class: 'banner caution', id: 'home-limits' }, h('strong', {}, t('home.limits')), p.limits.text) : null,
    p.refer ? h('div', { class: 'banner refer' }, h('strong', { class: 'big' }, t('home.refer'))) : null,
    h('section', { class: 'program', id: 'program' },
      h('h2', {}, t('home.exercises')),
      (p.exercises || []).map((ex) => h('div', { class: 'ex' + (ex.skip ? ' skip' : '') },
        h('h3', {}, `${ex.name || human(ex.muscle)}, ${sideName(ex.side)}`, ex.press_region ? h('span', { class: 'muted small' }, t('home.at', { region: labelOf(ex.press_region) })) : null),
        ex.skip ? h('p', {}, h('strong', {}, t('home.leave')), ex.skip) : null,
        (ex.selfcare || []).map((s) => h('div', { class: 'sc' },
          h('strong', {}, human(s.id)), ' — ', s.tool_label || human(s.tool),
          h('div', {}, h('em', {}, t('home.position')), s.position || ''),
          h('div', {}, h('em', {}, t('home.how')), s.steps || ''),
          h('div', {}, h('em', {}, t('home.hold')), t('home.hold-text', { s: range(s.hold), often: s.frequency || '' })),
          s.feel ? h('div', {}, h('em', {}, t('home.feel')), s.feel) : null,
          s.avoid ? h('div', {}, h('em', {}, t('home.avoid')), s.avoid) : null)))),
      p.do_not_press && p.do_not_press.length ? [h('h2', {}, t('home.do-not-press')), items(p.do_not_press)] : null,
      perpetuating(p.perpetuating),
      p.expect && p.expect.length ? [h('h2', {}, t('home.expect')), items(p.expect)] : null,
      p.aftercare && p.aftercare.length ? [h('h2', {}, t('home.aftercare')), items(p.aftercare)] : null,
      p.safety && p.safety.length ? [h('h2', {}, t('home.safety')), items(p.safety)] : null,
      p['seek-care'] && p['seek-care'].length ? [h('h2', {}, t('home.seek-care')), items(p['seek-care'])] : null),
  ];
}
