/* login.js: the login screen, and the first account on a new clinic. */

import { api } from '../lib/api.js';
import { field, h, showError, submitter } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { keepLogin } from '../lib/state.js';
import { passwordField } from './account.js';

export default async function view() {
  let needed = false, needCode = false;
  try {
    const st = await api('GET', '/api/setup');
    needed = !!st.needed; needCode = !!st.code;
  } catch (e) { showError(e); }
  const after = () => {
    const back = sessionStorage.getItem('myomap-after-login');
    sessionStorage.removeItem('myomap-after-login');
    location.hash = back && !back.startsWith('#/login') && back !== '#' && back !== '' ? back : '#/clients';
  };
  if (needed) {
    const form = h('form', { class: 'card narrow', id: 'setup-form' },
      h('p', {}, t('setup.welcome')),
      needCode ? field(t('setup.code'), h('input', { name: 'code', required: true, autocomplete: 'off', spellcheck: 'false' }),
        t('setup.code-hint')) : null,
      field(t('setup.name'), h('input', { name: 'name', required: true, autocomplete: 'name' })),
      field(t('login.email'), h('input', { name: 'email', type: 'email', required: true, autocomplete: 'username' })),
      passwordField(t('login.password'), 'password'),
      h('button', { class: 'primary', type: 'submit' }, t('setup.create')));
    form.addEventListener('submit', submitter(form, async (v) => {
      const body = { name: v.name, email: v.email, password: v.password };
      if (needCode) body.code = v.code;
      keepLogin(await api('POST', '/api/setup', body));
      after();
    }));
    return [h('h1', {}, t('setup.title')), form];
  }
  const form = h('form', { class: 'card narrow', id: 'login-form' },
    field(t('login.email'), h('input', { name: 'email', type: 'email', required: true, autocomplete: 'username' })),
    field(t('login.password'), h('input', { name: 'password', type: 'password', required: true, autocomplete: 'current-password' })),
    h('button', { class: 'primary', type: 'submit' }, t('login.submit')));
  form.addEventListener('submit', submitter(form, async (v) => {
    keepLogin(await api('POST', '/api/login', { email: v.email, password: v.password }));
    after();
  }));
  return [h('h1', {}, t('login.title')), form];
}
