/* accounts.js: the admin's list of accounts: add, disable, enable, set a password. */

import { api, auth } from '../lib/api.js';
import { action, field, h, showMsg, submitter } from '../lib/dom.js';
import { render } from '../lib/state.js';
import { passwordField } from './account.js';

export default async function view() {
  const r = await api('GET', '/api/users');
  const status = (u) => (u.disabled ? 'Disabled' : u.can_log_in ? 'Active' : 'No password yet');
  const rows = (r.users || []).map((u) => {
    const reset = h('form', { class: 'inline reset-form', dataset: { user: u.id } },
      h('input', { name: 'new', type: 'password', required: true, minlength: 10, maxlength: 200, autocomplete: 'new-password',
        'aria-label': `New password for ${u.name}` }),
      h('button', { type: 'submit' }, 'Set password'));
    reset.addEventListener('submit', submitter(reset, async (v) => {
      await api('POST', `/api/users/${u.id}/password`, { new: v.new });
      reset.reset();
      showMsg(`New password set for ${u.name}; their logins were ended.`, 'info');
      render();
    }));
    const toggle = u.id === auth.user.id ? null : h('button', {
      type: 'button', class: u.disabled ? 'enable' : 'disable',
      onclick: action(async () => {
        await api('POST', `/api/users/${u.id}/${u.disabled ? 'enable' : 'disable'}`, {});
        showMsg(u.disabled ? `${u.name} can log in again.` : `${u.name} is disabled and logged out.`, 'info');
        render();
      }),
    }, u.disabled ? 'Enable' : 'Disable');
    return h('tr', { dataset: { user: u.id } },
      h('td', {}, h('strong', {}, u.name)), h('td', {}, u.email || '—'), h('td', {}, u.role),
      h('td', { class: 'status' }, status(u)), h('td', { class: 'actions' }, toggle, reset));
  });
  const table = h('table', { id: 'accounts-table' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Email'), h('th', {}, 'Role'), h('th', {}, 'Status'), h('th', {}, ''))),
    h('tbody', {}, rows));
  const add = h('form', { class: 'card', id: 'account-form' },
    h('h2', {}, 'Add an account'),
    h('div', { class: 'grid2' },
      field('Name', h('input', { name: 'name', required: true, autocomplete: 'off' })),
      field('Email', h('input', { name: 'email', type: 'email', required: true, autocomplete: 'off' })),
      field('Role', h('select', { name: 'role' }, h('option', { value: 'therapist' }, 'therapist'), h('option', { value: 'admin' }, 'admin'))),
      passwordField('Password', 'password')),
    h('button', { class: 'primary', type: 'submit' }, 'Add account'));
  add.addEventListener('submit', submitter(add, async (v) => {
    await api('POST', '/api/users', { name: v.name, email: v.email, role: v.role, password: v.password });
    showMsg(`Account added for ${v.name}.`, 'info');
    render();
  }));
  return [h('h1', {}, 'Accounts'), table, add];
}
