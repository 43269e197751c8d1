/* account.js: one's own password. */

import { api, auth } from '../lib/api.js';
import { field, h, showMsg, submitter } from '../lib/dom.js';

export const PASSWORD_HINT = 'At least 10 characters and not a common password: a few unrelated words make a good one';
export function passwordField(label, name) {
  return field(label, h('input', { name, type: 'password', required: true, minlength: 10, maxlength: 200, autocomplete: 'new-password' }),
    PASSWORD_HINT);
}

export default async function view() {
  const form = h('form', { class: 'card narrow', id: 'password-form' },
    field('Current password', h('input', { name: 'current', type: 'password', required: true, autocomplete: 'current-password' })),
    passwordField('New password', 'new'),
    field('New password again', h('input', { name: 'again', type: 'password', required: true, autocomplete: 'new-password' })),
    h('button', { class: 'primary', type: 'submit' }, 'Change password'));
  form.addEventListener('submit', submitter(form, async (v) => {
    if (v.new !== v.again) throw new Error('The two new passwords differ.');
    await api('POST', '/api/me/password', { current: v.current, new: v.new });
    form.reset();
    showMsg('Password changed. Your logins on other devices were ended.', 'info');
  }));
  return [h('h1', {}, 'Change password'), h('p', {}, `Logged in as ${auth.user.name} (${auth.user.email}).`), form];
}
