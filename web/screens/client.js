/* client.js: one client's page: edit every field, consent, contraindications and their history,
** archive, the visit history (each visit's note, holds and home program), the plan of care with
** its status, and the printable record for a date range. */

import { api } from '../lib/api.js';
import { ensureLabels, labelOf, regionLabels } from '../lib/chart.js';
import { action, field, h, showMsg, submitter } from '../lib/dom.js';
import { human, sideName, today } from '../lib/format.js';
import { go, render, setClient } from '../lib/state.js';
import { t } from '../lib/i18n.js';

const FREQS = ['daily', 'twice-weekly', 'weekly', 'every-2-weeks', 'monthly'];
const timeOf = (iso) => { const d = new Date(iso); return iso && !isNaN(d) ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : ''; };

/* A visit's holds and home program, read when its row is opened. */
async function visitDetail(id, box) {
  const v = await api('GET', `/api/visits/${id}`);
  const holds = v.holds || [];
  const home = v.home && (v.home.program || v.home);
  box.replaceChildren(
    h('h4', {}, t('client.holds')),
    holds.length ? h('ul', { class: 'visit-holds' }, holds.map((x) => h('li', {},
      `${human(x.muscle)}${sideName(x.side) ? ', ' + sideName(x.side) : ''}: ${human(x.technique)}, ${t('client.hold-secs', { s: Math.round(x.seconds || 0) })}, ${human(x.outcome)}`)))
      : h('p', { class: 'muted' }, t('client.no-holds')),
    h('h4', {}, t('client.home-program')),
    home ? h('ul', {}, (home.exercises || []).map((ex) => h('li', {}, `${ex.name || human(ex.muscle)}${sideName(ex.side) ? ', ' + sideName(ex.side) : ''}`)),
      home.limits && home.limits.text ? h('li', {}, h('strong', {}, t('home.limits')), home.limits.text) : null)
      : h('p', { class: 'muted' }, t('client.no-home')));
}

export default async function view(arg) {
  const id = Number(arg);
  if (!id) { go('clients'); return null; }
  const [r, vr, cp, cr] = await Promise.all([
    api('GET', `/api/clients/${id}`),
    api('GET', `/api/clients/${id}/visits`),
    api('GET', `/api/clients/${id}/care-plan`),
    api('GET', '/api/contraindications').catch(() => ({ contraindications: [] })),
  ]);
  await ensureLabels();
  const c = r.client || r;
  setClient({ id, name: c.name });
  const contras = cr.contraindications || [];
  const contraLabel = (cid) => { const x = contras.find((k) => k.id === cid); return (x && x.label) || human(cid); };
  const regionIds = Array.from(regionLabels.keys()).sort((a, b) => labelOf(a).localeCompare(labelOf(b)));

  /* the record for a date range */
  const from = h('input', { type: 'date', id: 'record-from', name: 'from' });
  const to = h('input', { type: 'date', id: 'record-to', name: 'to', value: today() });
  const recordLink = h('a', { class: 'button primary', id: 'record-link', target: '_blank', rel: 'noopener' }, t('client.print-record'));
  const setRecord = () => {
    const q = new URLSearchParams();
    if (from.value) q.set('from', from.value);
    if (to.value) q.set('to', to.value);
    recordLink.href = `/api/clients/${id}/record.html${q.toString() ? '?' + q : ''}`;
  };
  from.addEventListener('input', setRecord); to.addEventListener('input', setRecord); setRecord();
  const record = h('section', { class: 'card no-print', id: 'record-card' }, h('h2', {}, t('client.record')),
    h('div', { class: 'row' }, field(t('client.from'), from), field(t('client.to'), to), recordLink));

  /* edit every field */
  const consentDate = h('input', { type: 'date', name: 'consent_date', value: c.consent_date || '' });
  const edit = h('form', { class: 'card', id: 'client-edit' }, h('h2', {}, t('client.edit')),
    h('div', { class: 'grid2' },
      field(t('clients.name'), h('input', { name: 'name', required: true, value: c.name || '', autocomplete: 'off' })),
      field(t('clients.birth'), h('input', { name: 'birth', type: 'date', required: true, value: c.birth || '' })),
      field(t('clients.phone'), h('input', { name: 'phone', type: 'tel', value: c.phone || '', autocomplete: 'off' })),
      field(t('clients.email'), h('input', { name: 'email', type: 'email', value: c.email || '', autocomplete: 'off' }))),
    field(t('clients.history'), h('textarea', { name: 'history', rows: 3, value: c.history || '' })),
    h('div', { class: 'row' }, h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'consent', checked: !!c.consent }), t('clients.consent')),
      field(t('client.consent-date'), consentDate)),
    h('button', { type: 'submit', class: 'primary' }, t('client.save')));
  edit.addEventListener('submit', submitter(edit, async (v) => {
    const body = {};
    for (const k of ['name', 'birth', 'phone', 'email', 'history']) if ((v[k] || '') !== (c[k] || '')) body[k] = v[k];
    if (v.consent !== !!c.consent) body.consent = v.consent;
    if (v.consent && v.consent_date && v.consent_date !== (c.consent_date || '')) { body.consent = true; body.consent_date = v.consent_date; }
    if (!Object.keys(body).length) { showMsg(t('client.nothing-changed'), 'info'); return; }
    const res = await api('PATCH', `/api/clients/${id}`, body);
    await render();
    showMsg(t('client.saved', { fields: (res.changed || []).map((f) => t('client.field-' + f, null, human(f))).join(', ') || '—' }), 'info');
  }));

  /* contraindications: the current ones (each can be ended on a date), added with a start date, and the ended ones */
  const cur = r.contraindications || [];
  const ended = r.contraindications_ended || [];
  const where = (x) => (x.region ? ` (${labelOf(x.region)})` : '');
  const contraCard = h('section', { class: 'card', id: 'contras-card' }, h('h2', {}, t('clients.contras')),
    cur.length ? h('ul', { id: 'contras-current' }, cur.map((x) => {
      const d = h('input', { type: 'date', value: today(), 'aria-label': t('client.end-date-label', { what: contraLabel(x.id) }) });
      return h('li', { dataset: { contra: x.id } }, h('strong', {}, contraLabel(x.id)), where(x), ' ', h('span', { class: 'nowrap' }, t('client.since', { date: x.started || '—' })), ' ',
        h('span', { class: 'end-row' }, d, h('button', { type: 'button', class: 'end-contra', onclick: action(async () => {
          const e = { id: x.id, ended: d.value || today() }; if (x.region) e.region = x.region;
          await api('PATCH', `/api/clients/${id}`, { end_contraindications: [e] });
          await render();
          showMsg(t('client.contra-ended', { what: contraLabel(x.id) }), 'info');
        }) }, t('client.end-contra'))));
    })) : h('p', { class: 'muted' }, t('client.no-contras')),
    ended.length ? h('details', { id: 'contras-ended' }, h('summary', {}, t('client.contras-history', { n: ended.length })),
      h('ul', {}, ended.map((x) => h('li', {}, h('strong', {}, contraLabel(x.id)), where(x), ' ', t('client.from-to', { from: x.started || '—', to: x.ended || '—' }))))) : null);
  if (contras.length) {
    const sel = h('select', { name: 'contra', required: true }, h('option', { value: '' }, t('client.choose')), contras.map((x) => h('option', { value: x.id }, x.label || human(x.id))));
    const reg = h('select', { name: 'region' }, h('option', { value: '' }, t('clients.where')), regionIds.map((rid) => h('option', { value: rid }, labelOf(rid))));
    const add = h('form', { class: 'row', id: 'contra-add' }, field(t('client.add-contra'), sel), field(t('client.region'), reg),
      field(t('client.started'), h('input', { type: 'date', name: 'started', value: today() })), h('button', { type: 'submit' }, t('client.add')));
    add.addEventListener('submit', submitter(add, async (v) => {
      const x = contras.find((k) => k.id === v.contra);
      if (x && x.local && !v.region) throw new Error(t('clients.say-where', { what: x.label || x.id }));
      const a = { id: v.contra, started: v.started || today() }; if (v.region) a.region = v.region;
      await api('PATCH', `/api/clients/${id}`, { add_contraindications: [a] });
      await render();
      showMsg(t('client.contra-added', { what: contraLabel(v.contra) }), 'info');
    }));
    contraCard.append(add);
  }

  /* archive */
  const archive = h('button', { type: 'button', id: 'archive-client', class: c.archived ? null : 'danger', onclick: action(async () => {
    await api('PATCH', `/api/clients/${id}`, { archived: !c.archived });
    await render();
    showMsg(t(c.archived ? 'client.unarchived' : 'client.archived-msg', { name: c.name }), 'info');
  }) }, t(c.archived ? 'client.unarchive' : 'client.archive'));

  /* the visit history, newest first */
  const visits = vr.visits || [];
  const visitsList = visits.length ? h('ul', { class: 'visits', id: 'visits' }, visits.map((v) => {
    const box = h('div', { class: 'visit-detail' }, h('p', { class: 'muted' }, t('app.loading')));
    const det = h('details', { class: 'visit', dataset: { visit: v.id } },
      h('summary', {}, h('strong', {}, `${v.date || ''} ${timeOf(v.started)}`), ' — ',
        (v.points || []).map((p) => p.name || `${human(p.muscle)}${sideName(p.side) ? ', ' + sideName(p.side) : ''}`).join('; ') || t('client.no-points'),
        ' · ', t('client.pain', { pre: v.pain_pre ?? '—', post: v.pain_post ?? '—' }),
        ' · ', v.therapist || '', ' · ',
        h('span', { class: 'note-state ' + v.note }, v.note === 'signed' ? t('client.note-signed') : t('client.note-draft'))),
      h('p', {}, h('a', { class: 'button', href: '#/notes/' + v.id }, t('client.open-note', { n: v.id }))), box);
    let loaded = false;
    det.addEventListener('toggle', () => { if (det.open && !loaded) { loaded = true; visitDetail(v.id, box).catch((e) => box.replaceChildren(h('p', {}, e.message))); } });
    return h('li', {}, det);
  })) : h('p', { class: 'empty' }, t('client.no-visits'));

  /* the plan of care and its status */
  const plan = cp.plan, prog = cp.progress;
  const tg = (plan && plan.target) || {};
  const status = prog ? h('div', { class: 'banner ' + (prog.status === 'met' ? 'clear' : prog.status === 'on-track' ? 'notdx' : 'caution'), id: 'care-status', dataset: { status: prog.status } },
    h('strong', {}, t('care.status-' + prog.status, null, human(prog.status))),
    h('p', {}, t('care.progress', { used: prog.visits_used ?? 0, planned: prog.visits_planned ?? '—',
      relief: prog.relief_percent === null || prog.relief_percent === undefined ? '—' : Math.round(prog.relief_percent) })),
    prog.advice ? h('p', {}, prog.advice) : null) : null;
  const measure = h('select', { name: 'measure' }, h('option', { value: 'nprs', selected: tg.measure !== 'psfs' }, t('care.nprs')), h('option', { value: 'psfs', selected: tg.measure === 'psfs' }, t('care.psfs')));
  const careForm = h('form', { class: 'card', id: 'care-form' }, h('h3', {}, plan ? t('care.new') : t('care.set')),
    field(t('care.goals'), h('textarea', { name: 'goals', rows: 2, value: (plan && plan.goals) || '' }), t('care.goals-hint')),
    h('div', { class: 'grid2' },
      field(t('care.measure'), measure),
      field(t('care.activity'), h('input', { name: 'activity', value: tg.activity || '' }), t('care.activity-hint')),
      field(t('care.value'), h('input', { type: 'number', name: 'value', min: 0, max: 10, required: true, value: tg.value ?? '' })),
      field(t('care.visits'), h('input', { type: 'number', name: 'visits', min: 1, max: 100, required: true, value: (plan && plan.visits) || 6 })),
      field(t('care.frequency'), h('select', { name: 'frequency' }, FREQS.map((f) => h('option', { value: f, selected: (plan ? plan.frequency : 'weekly') === f }, t('care.freq-' + f))))),
      field(t('care.start'), h('input', { type: 'date', name: 'start', value: (plan && plan.start) || today() })),
      field(t('care.reassess'), h('input', { type: 'date', name: 'reassess', required: true, value: (plan && plan.reassess) || '' }))),
    h('button', { type: 'submit', class: 'primary' }, t('care.save')));
  careForm.addEventListener('submit', submitter(careForm, async (v) => {
    const target = { measure: v.measure, value: Number(v.value) };
    if (v.measure === 'psfs') { if (!v.activity) throw new Error(t('care.need-activity')); target.activity = v.activity; }
    const body = { target, visits: Number(v.visits), frequency: v.frequency, reassess: v.reassess };
    if (v.goals) body.goals = v.goals;
    if (v.start) body.start = v.start;
    await api('PUT', `/api/clients/${id}/care-plan`, body);
    await render();
    showMsg(t('care.saved'), 'info');
  }));
  const careCard = h('section', { class: 'card', id: 'care-card' }, h('h2', {}, t('care.title')),
    plan ? h('p', { id: 'care-summary' }, t('care.summary', {
      target: tg.measure === 'psfs' ? t('care.target-psfs', { activity: tg.activity || '', value: tg.value }) : t('care.target-nprs', { value: tg.value }),
      visits: plan.visits, frequency: t('care.freq-' + plan.frequency, null, human(plan.frequency)), start: plan.start, reassess: plan.reassess || '—' }),
    plan.goals ? [h('br'), t('care.goals-are', { goals: plan.goals })] : null) : h('p', { class: 'muted' }, t('care.none')),
    status, careForm);

  return [
    h('h1', {}, c.name, c.archived ? h('span', { class: 'muted small' }, ' ' + t('client.is-archived')) : null),
    h('p', { class: 'muted' }, t('client.born', { date: c.birth || '—' }), c.phone ? ' · ' + c.phone : '', c.email ? ' · ' + c.email : '',
      ' · ', c.consent ? t('client.consent-on', { date: c.consent_date || '—' }) : h('strong', {}, t('client.no-consent'))),
    h('div', { class: 'row no-print client-actions' },
      h('a', { class: 'button primary', href: '#/intake/' + id }, t('clients.intake')),
      h('a', { class: 'button', href: '#/progress/' + id }, t('clients.progress')),
      h('a', { class: 'button', href: '#/home/' + id }, t('clients.home')), archive),
    h('section', { class: 'card', id: 'visits-card' }, h('h2', {}, t('client.visits', { n: visits.length })), visitsList),
    careCard, record, edit, contraCard,
  ];
}
