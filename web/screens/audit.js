/* audit.js: the admin's audit log: who read or changed what, filtered by account, client,
** action and dates, a page at a time (GET /api/audit with `before` = the previous `next`). */

import { api, auth } from '../lib/api.js';
import { field, h, submitter, tableWrap } from '../lib/dom.js';
import { clock, human } from '../lib/format.js';
import { t } from '../lib/i18n.js';

/* the actions offered as the filter is typed (any other the server writes can be typed too) */
const ACTIONS = ['read', 'list', 'create', 'update', 'export', 'login', 'login-failed', 'login-limited', 'login-disabled', 'logout', 'setup',
  'password-change', 'password-reset', 'disable-user', 'enable-user', 'create-user', 'session-cancel', 'denied'];
const PAGE = 50;

export default async function view() {
  if (!auth.user || auth.user.role !== 'admin') return [h('h1', {}, t('audit.title')), h('p', { class: 'empty' }, t('audit.admin-only'))];
  const [users, clients] = await Promise.all([
    api('GET', '/api/users').then((r) => r.users || []),
    api('GET', '/api/clients').then((r) => (Array.isArray(r) ? r : r.clients || [])),
  ]);
  const clientName = new Map(clients.map((c) => [c.id, c.name]));
  const opt = (v, label) => h('option', { value: v }, label);
  const form = h('form', { class: 'card', id: 'audit-form', role: 'search' },
    h('div', { class: 'grid3' },
      field(t('audit.user'), h('select', { name: 'user' }, opt('', t('audit.anyone')), users.map((u) => opt(u.id, `${u.name} (${u.email})`)))),
      field(t('audit.client'), h('select', { name: 'client' }, opt('', t('audit.any-client')), clients.map((c) => opt(c.id, c.name)))),
      field(t('audit.action'), h('input', { name: 'action', list: 'audit-actions', autocomplete: 'off', spellcheck: 'false', pattern: '[a-z\\-]*' }), t('audit.action-hint')),
      field(t('audit.from'), h('input', { type: 'date', name: 'from' })),
      field(t('audit.to'), h('input', { type: 'date', name: 'to' }))),
    h('datalist', { id: 'audit-actions' }, ACTIONS.map((x) => opt(x, t('audit.action-' + x, null, human(x))))),
    h('button', { type: 'submit', class: 'primary' }, t('audit.show')));
  const tbody = h('tbody', {});
  const status = h('p', { class: 'muted', id: 'audit-status', role: 'status' });
  const more = h('button', { type: 'button', id: 'audit-more', hidden: true }, t('audit.more'));
  let query = '', next = null;
  const row = (e) => h('tr', { dataset: { id: e.id } },
    h('td', {}, h('time', { datetime: e.at }, clock(e.at))),
    h('td', {}, e.user || '—'),
    h('td', {}, t('audit.action-' + e.action, null, human(e.action))),
    h('td', {}, e.client ? clientName.get(e.client) || t('audit.client-n', { n: e.client }) : '—'),
    h('td', { class: 'detail' }, e.detail || ''));
  async function load(reset) {
    const r = await api('GET', `/api/audit?limit=${PAGE}${query}${!reset && next ? '&before=' + next : ''}`);
    if (reset) tbody.replaceChildren();
    tbody.append(...(r.audit || []).map(row));
    next = r.next;
    more.hidden = !next;
    status.textContent = tbody.children.length ? t('audit.shown', { n: tbody.children.length }) + (next ? '' : t('audit.all-shown')) : t('audit.none');
  }
  form.addEventListener('submit', submitter(form, async (v) => {
    const p = new URLSearchParams();
    for (const k of ['user', 'client', 'action', 'from', 'to']) if (v[k]) p.set(k, v[k]);
    query = p.toString() ? '&' + p.toString() : '';
    await load(true);
  }));
  more.addEventListener('click', submitter(form, async () => load(false)));
  await load(true);
  return [h('h1', {}, t('audit.title')), h('p', {}, t('audit.intro')), form, status,
    tableWrap(t('audit.title'), h('table', { id: 'audit-table' },
      h('thead', {}, h('tr', {}, ['when', 'who', 'what', 'client', 'detail'].map((k) => h('th', { scope: 'col' }, t('audit.col-' + k))))),
      tbody)),
    h('div', { class: 'row' }, more)];
}
