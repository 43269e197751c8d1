/* clients.js: the client list and the form to add one. */

import { api } from '../lib/api.js';
import { ensureLabels, labelOf, regionLabels } from '../lib/chart.js';
import { field, h, showError, showMsg, submitter } from '../lib/dom.js';
import { human } from '../lib/format.js';
import { go, setClient } from '../lib/state.js';
import { openSessionsCard } from './sessions.js';

export default async function view() {
  const r = await api('GET', '/api/clients');
  const list = Array.isArray(r) ? r : (r.clients || []);
  const table = list.length ? h('table', { id: 'clients-table' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Born'), h('th', {}, 'Visits'), h('th', {}, 'Last visit'), h('th', {}, ''))),
    h('tbody', {}, list.map((c) => h('tr', { dataset: { client: c.id } },
      h('td', {}, h('strong', {}, c.name)), h('td', {}, c.birth || ''), h('td', {}, c.visits ?? ''),
      h('td', {}, c.last_visit || '—'),
      h('td', { class: 'actions' },
        h('button', { type: 'button', class: 'primary', onclick: () => { setClient(c); go('intake/' + c.id); } }, 'Intake'),
        h('button', { type: 'button', onclick: () => { setClient(c); go('progress/' + c.id); } }, 'Progress'),
        h('button', { type: 'button', onclick: () => { setClient(c); go('home/' + c.id); } }, 'Home program'))))))
    : h('p', { class: 'empty' }, 'No clients yet. Add the first one below.');

  let contras = [];
  try { contras = (await api('GET', '/api/contraindications')).contraindications || []; } catch (e) { if (e.status === 401) throw e; showError(e); }
  await ensureLabels();
  const regionIds = Array.from(regionLabels.keys()).sort((a, b) => labelOf(a).localeCompare(labelOf(b)));
  const form = h('form', { class: 'card', id: 'client-form' },
    h('h2', {}, 'Add a client'),
    h('div', { class: 'grid2' },
      field('Name', h('input', { name: 'name', required: true, autocomplete: 'off' })),
      field('Birth date', h('input', { name: 'birth', type: 'date', required: true })),
      field('Phone (optional)', h('input', { name: 'phone', type: 'tel', autocomplete: 'off' })),
      field('Email (optional)', h('input', { name: 'email', type: 'email', autocomplete: 'off' }))),
    field('Health history (optional)', h('textarea', { name: 'history', rows: 2 })),
    contras.length ? h('details', { class: 'contras' }, h('summary', {}, h('strong', {}, 'Contraindications'), ' — they shape every plan (optional)'),
      h('div', { class: 'checks' }, contras.map((c) => h('div', { class: 'contra' },
        h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'contra:' + c.id }), c.label || human(c.id),
          c.scope === 'session' ? h('span', { class: 'small muted' }, ' (no treatment that day)') : null),
        c.local ? h('select', { name: 'contra-region:' + c.id, 'aria-label': `Where: ${c.label || c.id}` },
          h('option', { value: '' }, 'where?'), regionIds.map((id) => h('option', { value: id }, labelOf(id)))) : null)))) : null,
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'consent' }),
      'The client has given informed consent to assessment and treatment'),
    h('button', { class: 'primary', type: 'submit' }, 'Add client'));
  form.addEventListener('submit', submitter(form, async (v) => {
    const body = { name: v.name, birth: v.birth, consent: v.consent };
    for (const k of ['phone', 'email', 'history']) if (v[k]) body[k] = v[k];
    const cs = [];
    for (const c of contras) {
      if (!v['contra:' + c.id]) continue;
      if (c.local) {
        if (!v['contra-region:' + c.id]) throw new Error(`Say where: ${c.label || c.id}.`);
        cs.push({ id: c.id, region: v['contra-region:' + c.id] });
      } else cs.push(c.id);
    }
    if (cs.length) body.contraindications = cs;
    const r2 = await api('POST', '/api/clients', body);
    setClient({ id: r2.id, name: v.name });
    if (!v.consent) showMsg('Client added. Note: no consent recorded yet — get it before treatment.', 'info');
    go('intake/' + r2.id);
  }));
  return [h('h1', {}, 'Clients'), await openSessionsCard(), table, form];
}
