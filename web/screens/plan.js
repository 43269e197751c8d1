/* plan.js: the treatment plan of the ticked points, and starting a session. */

import { api } from '../lib/api.js';
import { ensureLabels, labelOf } from '../lib/chart.js';
import { $, action, field, h, submitter } from '../lib/dom.js';
import { human, range, sideName, sourceCite, sourceName } from '../lib/format.js';
import { vocabulary } from '../lib/vocab.js';
import { ensureClient, go, save, state } from '../lib/state.js';
import { t } from '../lib/i18n.js';

const PHASES = ['assess', 'prepare', 'release', 'stretch', 'integrate', 'recheck'];
let areaLabels = new Map();
const tickedPoints = () => (state.ticked || []).map((k) => { const i = k.lastIndexOf(':'); return { tp: k.slice(0, i), side: k.slice(i + 1) }; });

/* "upper-trapezius-tp1" -> "TrP1, upper border, vertical anterior fibres" where the ranking named it */
function tpName(tp) {
  const c = ((state.intake && state.intake.where && state.intake.where.candidates) || []).find((x) => x.trigger_point === tp);
  return c && c.trigger_point_name ? c.trigger_point_name : human(tp);
}
function stepTitle(s) {
  if (!s.muscle) return `${s.n}. ${t('phase.' + s.phase, null, s.phase)}`;
  return `${s.n}. ${s.muscle_name || human(s.muscle)}${sideName(s.side) ? ', ' + sideName(s.side) : ''}${s.tp ? ' — ' + (s.tp_name || tpName(s.tp)) : ''}`;
}
function dangers(list) {
  return (list || []).map((d) => h('div', { class: 'danger-zone' }, h('strong', {}, t('plan.danger')), d.label, d.why ? h('div', { class: 'small' }, d.why) : null));
}
/* The red-flag screen's reasons of a refer object {level, intake, reasons:[{id,reason,advice}]}. */
function referReasons(r) {
  const rs = (r && typeof r === 'object' && r.reasons) || [];
  return rs.length ? h('ul', {}, rs.map((x) => h('li', {}, h('strong', {}, human(x.id)), ': ', x.reason || '', x.advice ? [' ', h('em', {}, x.advice)] : null))) : null;
}
function renderPlan(plan) {
  const out = [];
  if (plan.refer) out.push(h('div', { class: 'banner refer', id: 'plan-refer', role: 'alert' }, h('strong', { class: 'big' }, t('plan.refer')), plan.refer_why ? h('p', {}, plan.refer_why) : null,
    referReasons(plan.refer)));
  if (plan.modifications && plan.modifications.length) {
    out.push(h('div', { class: 'banner caution' }, h('strong', {}, t('plan.modified')),
      plan.limits && (plan.limits.band_max !== null || plan.limits.hold_max !== null)
        ? h('p', {}, t('plan.limits', { band: plan.limits.band_max ?? '—', hold: plan.limits.hold_max ?? '—' })) : null,
      h('ul', {}, plan.modifications.map((m) => h('li', {}, h('strong', {}, m.label || human(m.id)), ': ', m.advice || '')))));
  }
  if (plan.blocked && plan.blocked.length) {
    out.push(h('h2', {}, t('plan.blocked')));
    out.push(plan.blocked.map((b) => h('div', { class: 'blocked' },
      h('strong', {}, [b.phase && t('phase.' + b.phase, null, b.phase), b.muscle && (b.muscle_name || human(b.muscle)), b.side && sideName(b.side),
        b.tp && (b.tp_name || tpName(b.tp)), b.technique && (b.technique_label || human(b.technique)), b.movement && (b.movement_label || human(b.movement))].filter(Boolean).join(' · ') || t('plan.treatment')),
      ': ', b.why || '', b.contraindication ? (b.region ? t('plan.contra-at', { what: b.contraindication_label || human(b.contraindication), region: labelOf(b.region) })
        : t('plan.contra', { what: b.contraindication_label || human(b.contraindication) })) : '',
      b.advice ? h('div', {}, h('em', {}, b.advice)) : null)));
  }
  const steps = plan.steps || [];
  for (const ph of PHASES.concat(Array.from(new Set(steps.map((s) => s.phase))).filter((p) => !PHASES.includes(p)))) {
    const ss = steps.filter((s) => s.phase === ph);
    if (!ss.length) continue;
    out.push(h('section', { class: 'phase', dataset: { phase: ph } }, h('h2', {}, t('phase.' + ph, null, ph)),
      ss.map((s) => h('div', { class: 'step' + (s.timed ? ' timed' : ''), dataset: { step: s.n } },
        h('h3', {}, stepTitle(s)),
        (s.sensitive || []).length ? h('p', { class: 'sensitive-step' }, t('plan.sensitive', { areas: s.sensitive.map((a) => areaLabels.get(a) || human(a)).join(', ') })) : null,
        s.timed ? h('div', { class: 'meta' },
          s.technique ? h('span', {}, s.technique.label || human(s.technique.id || s.technique)) : null,
          s.hold ? h('span', {}, t('plan.hold', { s: range(s.hold) })) : null,
          s.band ? h('span', {}, t('plan.target', { band: range(s.band) })) : null,
          s.modified ? h('span', { class: 'small' }, t('plan.modified-step')) : null) : null,
        s.location ? h('div', {}, h('strong', {}, t('plan.find')), s.location) : null,
        s.position ? h('div', {}, h('strong', {}, t('plan.position')), s.position) : null,
        s.how ? h('div', {}, h('strong', {}, t('plan.how')), s.how) : null,
        h('div', {}, s.text || ''),
        s.alternatives && s.alternatives.length ? h('div', { class: 'small' }, t('plan.or'), s.alternatives.map((a, i) => (s.alternative_labels || [])[i] || human(a)).join(', ')) : null,
        dangers(s.dangers),
        (s.cautions || []).map((c) => h('div', { class: 'danger-zone caution' }, h('strong', {}, t('plan.caution', { what: c.label || human(c.contraindication) })), c.text)),
        s.sources && s.sources.length ? h('div', { class: 'small muted' }, t('plan.sources'), s.sources.map((x, k) => [k ? '; ' : '', h('cite', { title: sourceCite(x) }, sourceName(x))])) : null))));
  }
  if (!steps.length) out.push(h('p', { class: 'empty' }, t('plan.no-steps')));
  if (plan.note) out.push(h('p', { class: 'muted' }, plan.note));
  return out;
}

export default async function view(arg) {
  const client = await ensureClient(arg);
  await ensureLabels();
  await vocabulary();
  /* the sensitive areas' labels in the page's language, for the steps that lie there */
  try { areaLabels = new Map(((await api('GET', '/api/sensitive-areas')).areas || []).map((a) => [a.id, a.label || human(a.id)])); } catch { /* ids then */ }
  const points = tickedPoints();
  if (!points.length) return [h('h1', {}, t('nav.plan')), h('p', {}, t('plan.no-points'), h('a', { href: '#/sources/' + client.id }, t('plan.choose')), '.')];
  const fascial = !!state.fascial;   /* myofascial release: sustained fascial holds and fascial stretches */
  const plan = await api('POST', '/api/plan', { points, client: client.id, fascial });
  state.plan = plan; save();
  const fascialBox = h('label', { class: 'check no-print' }, h('input', { type: 'checkbox', id: 'fascial', checked: fascial,
    onchange: (e) => { state.fascial = e.target.checked; save(); go('plan/' + client.id); } }),
    t('plan.fascial'));
  const start = h('button', { type: 'button', class: 'primary', id: 'start-session', disabled: plan.refer && !(plan.steps || []).length,
    onclick: action(async () => {
      const begin = async (another, cleared) => {
        const body = { client: client.id, points, fascial, another };
        if (cleared) body.cleared = cleared;
        const r = await api('POST', '/api/sessions', body);
        state.session = { id: r.id, join: r.join, client: client.id, plan: r.plan || (r.state && r.state.plan) };
        delete state.visit;
        save();
        go('session/' + encodeURIComponent(r.id));
      };
      try { await begin(false); } catch (e) {
        if (e.code === 'refer') {
          /* a REFER screen: the reasons, and who cleared the client for treatment */
          const old = $('#refer-clear'); if (old) old.remove();
          const by = h('input', { name: 'cleared', id: 'cleared-by', required: true, minlength: 3, maxlength: 500, autocomplete: 'off' });
          const f = h('form', { class: 'banner refer', id: 'refer-clear', role: 'alert' }, h('strong', {}, t('plan.refer-start')),
            referReasons(e.data.refer), field(t('plan.cleared-by'), by, t('plan.cleared-hint')),
            h('button', { type: 'submit', class: 'primary' }, t('plan.start-cleared')));
          f.addEventListener('submit', submitter(f, async (v) => {
            if (v.cleared.length < 3) throw new Error(t('plan.cleared-short'));
            await begin(false, v.cleared);
          }));
          start.after(f);
          by.focus();
          return;
        }
        if (e.code !== 'open-session') throw e;
        /* ask first: this client has a session open (on this or another device) */
        const q = $('#open-question');
        if (q) q.remove();
        start.after(h('div', { class: 'banner caution', id: 'open-question', role: 'alert' },
          t('plan.open-already', { name: client.name }),
          h('button', { type: 'button', class: 'primary', onclick: () => go('session/' + encodeURIComponent(e.data.session)) }, t('plan.resume')), ' ',
          h('button', { type: 'button', onclick: action(() => begin(true)) }, t('plan.another'))));
      }
    }) }, t('plan.start'));
  return [
    h('h1', {}, t('plan.title', { name: client.name })),
    h('p', {}, t('plan.points'), points.map((p) => {
      const c = ((state.intake && state.intake.where && state.intake.where.candidates) || []).find((x) => x.trigger_point === p.tp)
        || (plan.steps || []).filter((x) => x.tp === p.tp && x.muscle_name).map((x) => ({ muscle_name: x.muscle_name, trigger_point_name: x.tp_name }))[0];
      return c ? `${c.muscle_name || human(c.muscle)}, ${sideName(p.side)} (${c.trigger_point_name || human(p.tp)})` : `${human(p.tp)}, ${sideName(p.side)}`;
    }).join('; ')),
    fascialBox,
    renderPlan(plan),
    h('div', { class: 'row no-print' }, start, h('a', { class: 'button', href: '#/sources/' + client.id }, t('plan.change'))),
  ];
}
