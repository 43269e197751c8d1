/* login.js: the login screen, and the first account on a new clinic. */

import { api } from '../lib/api.js';
import { field, h, showError, submitter } from '../lib/dom.js';
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
      h('p', {}, 'Welcome to myomap. No account can log in yet: create the first one. It will be the clinic\'s administrator.'),
      needCode ? field('Setup code', h('input', { name: 'code', required: true, autocomplete: 'off', spellcheck: 'false' }),
        'Therapists exist already: give the code that "myomap serve" printed on the server\'s console') : null,
      field('Your name', h('input', { name: 'name', required: true, autocomplete: 'name' })),
      field('Email', h('input', { name: 'email', type: 'email', required: true, autocomplete: 'username' })),
      passwordField('Password', 'password'),
      h('button', { class: 'primary', type: 'submit' }, 'Create the account'));
    form.addEventListener('submit', submitter(form, async (v) => {
      const body = { name: v.name, email: v.email, password: v.password };
      if (needCode) body.code = v.code;
      keepLogin(await api('POST', '/api/setup', body));
      after();
    }));
    return [h('h1', {}, 'Create the first account'), form];
  }
  const form = h('form', { class: 'card narrow', id: 'login-form' },
    field('Email', h('input', { name: 'email', type: 'email', required: true, autocomplete: 'username' })),
    field('Password', h('input', { name: 'password', type: 'password', required: true, autocomplete: 'current-password' })),
    h('button', { class: 'primary', type: 'submit' }, 'Log in'));
  form.addEventListener('submit', submitter(form, async (v) => {
    keepLogin(await api('POST', '/api/login', { email: v.email, password: v.password }));
    after();
  }));
  return [h('h1', {}, 'Log in'), form];
}
