/* clients.js: the client list and the form to add one. */

import { api } from '../lib/api.js';
import { ensureLabels, labelOf, regionLabels } from '../lib/chart.js';
import { field, h, showError, showMsg, submitter, tableWrap } from '../lib/dom.js';
import { human } from '../lib/format.js';
import { go, setClient } from '../lib/state.js';
import { openSessionsCard } from './sessions.js';
import { t } from '../lib/i18n.js';

/* The list of clients matching the search box (GET /api/clients?q=&archived=1). */
async function clientTable(q, archived) {
  const qs = new URLSearchParams();
  if (q) qs.set('q', q);
  if (archived) qs.set('archived', '1');
  const r = await api('GET', '/api/clients' + (qs.toString() ? '?' + qs : ''));
  const list = Array.isArray(r) ? r : (r.clients || []);
  /* on a phone the rows stack (app.css): each cell then says what it is (data-label); the
  ** roles keep the table's meaning when its rows are not laid out as a table */
  const cell = (label, ...kids) => h('td', { role: 'cell', dataset: { label } }, ...kids);
  return list.length ? tableWrap(t('clients.title'), h('table', { id: 'clients-table', role: 'table' },
    h('thead', { role: 'rowgroup' }, h('tr', { role: 'row' }, [t('clients.name'), t('clients.born'), t('clients.visits'), t('clients.last-visit')].map((x) => h('th', { role: 'columnheader' }, x)),
      h('th', { role: 'columnheader' }, h('span', { class: 'visually-hidden' }, t('clients.actions'))))),
    h('tbody', { role: 'rowgroup' }, list.map((c) => h('tr', { role: 'row', dataset: { client: c.id } },
      cell(t('clients.name'), h('a', { href: '#/client/' + c.id, class: 'client-link' }, h('strong', {}, c.name)), c.archived ? h('span', { class: 'muted small' }, ' ' + t('client.is-archived')) : null),
      cell(t('clients.born'), h('span', { class: 'nowrap' }, c.birth || '')), cell(t('clients.visits'), String(c.visits ?? '')),
      cell(t('clients.last-visit'), h('span', { class: 'nowrap' }, c.last_visit || '—')),
      h('td', { class: 'actions', role: 'cell' },
        h('button', { type: 'button', class: 'primary', onclick: () => { setClient(c); go('intake/' + c.id); } }, t('clients.intake')),
        h('button', { type: 'button', onclick: () => { setClient(c); go('progress/' + c.id); } }, t('clients.progress')),
        h('button', { type: 'button', onclick: () => { setClient(c); go('home/' + c.id); } }, t('clients.home'))))))))
    : h('p', { class: 'empty' }, t(q || archived ? 'clients.none-found' : 'clients.empty'));
}

export default async function view() {
  let table = h('div', { id: 'clients-list' }, await clientTable('', false));
  const qIn = h('input', { type: 'search', id: 'clients-q', name: 'q', autocomplete: 'off', maxlength: 100 });
  const arch = h('input', { type: 'checkbox', id: 'clients-archived' });
  let timer = null;
  const refresh = () => { clearTimeout(timer); timer = setTimeout(async () => {
    try { table.replaceChildren(await clientTable(qIn.value.trim(), arch.checked)); } catch (e) { showError(e); }
  }, 200); };
  qIn.addEventListener('input', refresh); arch.addEventListener('change', refresh);
  const search = h('form', { class: 'row no-print', id: 'clients-search', role: 'search', onsubmit: (e) => { e.preventDefault(); refresh(); } },
    field(t('clients.search'), qIn, t('clients.search-hint')),
    h('label', { class: 'check' }, arch, t('clients.show-archived')));

  let contras = [];
  try { contras = (await api('GET', '/api/contraindications')).contraindications || []; } catch (e) { if (e.status === 401) throw e; showError(e); }
  await ensureLabels();
  const regionIds = Array.from(regionLabels.keys()).sort((a, b) => labelOf(a).localeCompare(labelOf(b)));
  const form = h('form', { class: 'card', id: 'client-form' },
    h('h2', {}, t('clients.add-title')),
    h('div', { class: 'grid2' },
      field(t('clients.name'), h('input', { name: 'name', required: true, autocomplete: 'off' })),
      field(t('clients.birth'), h('input', { name: 'birth', type: 'date', required: true })),
      field(t('clients.phone'), h('input', { name: 'phone', type: 'tel', autocomplete: 'off' })),
      field(t('clients.email'), h('input', { name: 'email', type: 'email', autocomplete: 'off' }))),
    field(t('clients.history'), h('textarea', { name: 'history', rows: 2 })),
    contras.length ? h('details', { class: 'contras' }, h('summary', {}, h('strong', {}, t('clients.contras')), t('clients.contras-why')),
      h('div', { class: 'checks' }, contras.map((c) => h('div', { class: 'contra' },
        h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'contra:' + c.id }), h('span', { class: 'contra-name' }, c.label || human(c.id)),
          c.scope === 'session' ? h('span', { class: 'small muted' }, t('clients.no-treatment')) : null),
        c.local ? h('select', { name: 'contra-region:' + c.id, 'aria-label': t('clients.where-label', { what: c.label || c.id }) },
          h('option', { value: '' }, t('clients.where')), regionIds.map((id) => h('option', { value: id }, labelOf(id)))) : null)))) : null,
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'consent' }),
      t('clients.consent')),
    h('button', { class: 'primary', type: 'submit' }, t('clients.add')));
  form.addEventListener('submit', submitter(form, async (v) => {
    const body = { name: v.name, birth: v.birth, consent: v.consent };
    for (const k of ['phone', 'email', 'history']) if (v[k]) body[k] = v[k];
    const cs = [];
    for (const c of contras) {
      if (!v['contra:' + c.id]) continue;
      if (c.local) {
        if (!v['contra-region:' + c.id]) throw new Error(t('clients.say-where', { what: c.label || c.id }));
        cs.push({ id: c.id, region: v['contra-region:' + c.id] });
      } else cs.push(c.id);
    }
    if (cs.length) body.contraindications = cs;
    const r2 = await api('POST', '/api/clients', body);
    setClient({ id: r2.id, name: v.name });
    if (!v.consent) showMsg(t('clients.no-consent'), 'info');
    go('intake/' + r2.id);
  }));
  return [h('h1', {}, t('clients.title')), await openSessionsCard(), search, table, form];
}
