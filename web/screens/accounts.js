/* accounts.js: the admin's list of accounts: add, disable, enable, set a password. */

import { api, auth } from '../lib/api.js';
import { action, field, h, showMsg, submitter, tableWrap } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { render } from '../lib/state.js';
import { passwordField } from './account.js';

export default async function view() {
  const r = await api('GET', '/api/users');
  const status = (u) => (u.disabled ? t('accounts.disabled') : u.can_log_in ? t('accounts.active') : t('accounts.no-password'));
  const rows = (r.users || []).map((u) => {
    const reset = h('form', { class: 'inline reset-form', dataset: { user: u.id } },
      h('input', { name: 'new', type: 'password', required: true, minlength: 10, maxlength: 200, autocomplete: 'new-password',
        'aria-label': t('accounts.new-password-for', { name: u.name }) }),
      h('button', { type: 'submit' }, t('accounts.set-password')));
    reset.addEventListener('submit', submitter(reset, async (v) => {
      await api('POST', `/api/users/${u.id}/password`, { new: v.new });
      reset.reset();
      showMsg(t('accounts.password-set', { name: u.name }), 'info');
      render();
    }));
    const toggle = u.id === auth.user.id ? null : h('button', {
      type: 'button', class: u.disabled ? 'enable' : 'disable',
      onclick: action(async () => {
        await api('POST', `/api/users/${u.id}/${u.disabled ? 'enable' : 'disable'}`, {});
        showMsg(u.disabled ? t('accounts.enabled-msg', { name: u.name }) : t('accounts.disabled-msg', { name: u.name }), 'info');
        render();
      }),
    }, u.disabled ? t('accounts.enable') : t('accounts.disable'));
    return h('tr', { dataset: { user: u.id } },
      h('td', {}, h('strong', {}, u.name)), h('td', {}, u.email || '—'), h('td', {}, t('role.' + u.role)),
      h('td', { class: 'status' }, status(u)), h('td', { class: 'actions' }, toggle, reset));
  });
  const table = tableWrap(t('accounts.title'), h('table', { id: 'accounts-table' },
    h('thead', {}, h('tr', {}, h('th', {}, t('accounts.name')), h('th', {}, t('accounts.email')), h('th', {}, t('accounts.role')),
      h('th', {}, t('accounts.status')), h('th', {}, h('span', { class: 'visually-hidden' }, t('accounts.actions'))))),
    h('tbody', {}, rows)));
  const add = h('form', { class: 'card', id: 'account-form' },
    h('h2', {}, t('accounts.add-title')),
    h('div', { class: 'grid2' },
      field(t('accounts.name'), h('input', { name: 'name', required: true, autocomplete: 'off' })),
      field(t('accounts.email'), h('input', { name: 'email', type: 'email', required: true, autocomplete: 'off' })),
      field(t('accounts.role'), h('select', { name: 'role' }, h('option', { value: 'therapist' }, t('role.therapist')), h('option', { value: 'admin' }, t('role.admin')))),
      passwordField(t('login.password'), 'password')),
    h('button', { class: 'primary', type: 'submit' }, t('accounts.add')));
  add.addEventListener('submit', submitter(add, async (v) => {
    await api('POST', '/api/users', { name: v.name, email: v.email, role: v.role, password: v.password });
    showMsg(t('accounts.added', { name: v.name }), 'info');
    render();
  }));
  return [h('h1', {}, t('accounts.title')), h('p', {}, h('a', { href: '#/audit' }, t('accounts.to-audit'))), table, add];
}
