/* home.js: the home program and its printable handout. */

import { api } from '../lib/api.js';
import { ensureLabels, labelOf } from '../lib/chart.js';
import { h, showMsg } from '../lib/dom.js';
import { human, range, sideName } from '../lib/format.js';
import { ensureClient } from '../lib/state.js';

export default async function view(arg) {
  const client = await ensureClient(arg);
  await ensureLabels();
  let r;
  try { r = await api('GET', `/api/clients/${client.id}/home`); } catch (e) {
    if (e.status === 404) return [h('h1', {}, 'Home program — ', client.name), h('p', { class: 'empty' }, 'No home program yet: it is made from the first stored session.')];
    throw e;
  }
  const p = r.program || r;
  const url = `/api/clients/${client.id}/home.html`;
  const items = (list) => h('ul', {}, (list || []).map((x) => h('li', {}, typeof x === 'string' ? x : (x.text || x.label || ''))));
  /* What keeps it coming back: the corrective advice, the reported activities first. */
  const perpetuating = (pp) => {
    const advice = (pp && pp.advice) || [];
    if (!advice.length) return null;
    const why = (a) => {
      const w = [];
      if ((a.why || []).includes('reported')) w.push('reported at intake');
      if ((a.why || []).includes('hours')) w.push('from the intake\'s hours');
      if ((a.muscles || []).length) w.push('keeps ' + a.muscles.map(human).join(', ') + ' going');
      return w.length ? ` (${w.join('; ')})` : '';
    };
    const cite = (a) => (a.sources || []).map((c) => c.key + (c.locator ? ' ' + c.locator : '')).join('; ');
    const li = (a) => h('li', { 'data-activity': a.activity },
      h('strong', {}, a.label || human(a.activity)), why(a), ': ', a.advice || '',
      h('span', { class: 'muted small' }, ` [${cite(a)}]`));
    const reported = advice.filter((a) => (a.why || []).some((w) => w === 'reported' || w === 'hours'));
    const others = advice.filter((a) => !reported.includes(a));
    const hours = pp.intake ? [pp.intake.desk_hours != null ? `${pp.intake.desk_hours} h a day at a desk` : null,
                               pp.intake.sleep_hours != null ? `${pp.intake.sleep_hours} h of sleep` : null].filter(Boolean) : [];
    return h('div', { id: 'perpetuating' },
      h('h2', {}, 'What keeps it coming back'),
      pp.intake ? (hours.length ? h('p', { class: 'muted' }, 'From the intake: ', hours.join(', '), '.') : null)
                : h('p', { class: 'muted' }, 'No intake before this visit: the advice comes from the treated points.'),
      reported.length ? h('ul', {}, reported.map(li)) : null,
      others.length ? [h('p', {}, 'If the client does any of these:'), h('ul', {}, others.map(li))] : null);
  };
  const printHandout = () => {
    const w = window.open(url, '_blank');
    if (w) w.addEventListener('load', () => { try { w.focus(); w.print(); } catch { /* the user prints it */ } });
    else showMsg('The handout could not be opened (pop-ups blocked?): use the link instead.', 'error');
  };
  return [
    h('h1', {}, 'Home program — ', client.name),
    h('p', { class: 'muted' }, `From visit ${r.visit ?? ''}${r.date ? ', ' + r.date : ''}.`),
    h('div', { class: 'row no-print' },
      h('button', { type: 'button', class: 'primary', id: 'print-handout', onclick: printHandout }, 'Print handout'),
      h('button', { type: 'button', id: 'print-page', onclick: () => window.print() }, 'Print this page'),
      h('a', { class: 'button', href: url, target: '_blank', rel: 'noopener', id: 'handout-link' }, 'Open the printable handout')),
    p.refer ? h('div', { class: 'banner refer' }, h('strong', { class: 'big' }, 'See a doctor before self-treatment')) : null,
    h('section', { class: 'program', id: 'program' },
      h('h2', {}, 'Exercises'),
      (p.exercises || []).map((ex) => h('div', { class: 'ex' + (ex.skip ? ' skip' : '') },
        h('h3', {}, `${ex.name || human(ex.muscle)}, ${sideName(ex.side)}`, ex.press_region ? h('span', { class: 'muted small' }, ` — at the ${labelOf(ex.press_region)}`) : null),
        ex.skip ? h('p', {}, h('strong', {}, 'Leave it for now: '), ex.skip) : null,
        (ex.selfcare || []).map((s) => h('div', { class: 'sc' },
          h('strong', {}, human(s.id)), ' — ', s.tool_label || human(s.tool),
          h('div', {}, h('em', {}, 'Position: '), s.position || ''),
          h('div', {}, h('em', {}, 'How: '), s.steps || ''),
          h('div', {}, h('em', {}, 'Hold: '), `${range(s.hold)} s, ${s.frequency || ''}`),
          s.feel ? h('div', {}, h('em', {}, 'What you should feel: '), s.feel) : null,
          s.avoid ? h('div', {}, h('em', {}, 'Avoid: '), s.avoid) : null)))),
      p.do_not_press && p.do_not_press.length ? [h('h2', {}, 'Do not press'), items(p.do_not_press)] : null,
      perpetuating(p.perpetuating),
      p.expect && p.expect.length ? [h('h2', {}, 'What to expect'), items(p.expect)] : null,
      p.aftercare && p.aftercare.length ? [h('h2', {}, 'Aftercare'), items(p.aftercare)] : null,
      p.safety && p.safety.length ? [h('h2', {}, 'Safety'), items(p.safety)] : null,
      p['seek-care'] && p['seek-care'].length ? [h('h2', {}, 'When to seek care'), items(p['seek-care'])] : null),
  ];
}
