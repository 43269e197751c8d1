/* account.js: one's own password. */

import { api, auth } from '../lib/api.js';
import { field, h, showMsg, submitter } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

/* A new password's field, with the rules as its hint. */
export function passwordField(label, name) {
  return field(label, h('input', { name, type: 'password', required: true, minlength: 10, maxlength: 200, autocomplete: 'new-password' }),
    t('password.hint'));
}

export default async function view() {
  const form = h('form', { class: 'card narrow', id: 'password-form' },
    field(t('password.current'), h('input', { name: 'current', type: 'password', required: true, autocomplete: 'current-password' })),
    passwordField(t('password.new'), 'new'),
    field(t('password.again'), h('input', { name: 'again', type: 'password', required: true, autocomplete: 'new-password' })),
    h('button', { class: 'primary', type: 'submit' }, t('password.submit')));
  form.addEventListener('submit', submitter(form, async (v) => {
    if (v.new !== v.again) throw new Error(t('password.differ'));
    await api('POST', '/api/me/password', { current: v.current, new: v.new });
    form.reset();
    showMsg(t('password.changed'), 'info');
  }));
  return [h('h1', {}, t('password.title')), h('p', {}, t('password.logged-in-as', { name: auth.user.name, email: auth.user.email })), form];
}
