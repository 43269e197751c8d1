/* app.js: the therapist's single-page app: login, clients, intake on the body chart, ranked
** sources with their palpation findings, plan, the live session room, SOAP note, progress and
** home program (hash routes).
** Talks only to the JSON API of docs/api.md; builds every node with h() so no text is ever
** parsed as HTML. */
'use strict';
(() => {

/* ---------- small helpers ---------- */

const SVGNS = 'http://www.w3.org/2000/svg';
const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

/* h('button', {class: 'primary', onclick: fn}, 'Save'): an element with attributes, properties
** (on* as listeners, a `dataset` object) and children (strings, nodes, arrays, null). */
function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, kids);
  return el;
}
function append(el, kids) {
  for (const k of kids.flat(Infinity)) {
    if (k === null || k === undefined || k === false) continue;
    el.append(k instanceof Node ? k : String(k));
  }
  return el;
}
function svgEl(tag, attrs) {
  const el = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  return el;
}
const sideName = (s) => (s === 'l' ? 'left' : s === 'r' ? 'right' : '');
const human = (id) => String(id || '').replace(/-/g, ' ');
const today = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
const num = (v) => (v === '' || v === null || v === undefined ? undefined : Number(v));
const range = (a) => (Array.isArray(a) ? (a[0] === a[1] ? `${a[0]}` : `${a[0]}–${a[1]}`) : '');

/* ---------- state (kept across reloads in sessionStorage) ---------- */

let user = null, csrf = '';
const state = (() => {
  try { return JSON.parse(sessionStorage.getItem('myomap') || '{}'); } catch { return {}; }
})();
/* client {id,name}; drawing [{region,intensity,quality}]; answers {...}; intake {id,date,screen,where};
** ticked ["tp:side"]; plan; session {id,join,client}; visit N */
function save() {
  try { sessionStorage.setItem('myomap', JSON.stringify(state)); } catch { /* private mode: fine */ }
}
function setClient(c) {
  if (!state.client || state.client.id !== c.id) {
    for (const k of ['drawing', 'answers', 'intake', 'ticked', 'plan', 'session', 'visit']) delete state[k];
  }
  state.client = { id: c.id, name: c.name };
  save();
}

/* ---------- messages ---------- */

function showMsg(text, kind = 'error') {
  const box = $('#msg');
  box.className = 'msg ' + kind;
  box.replaceChildren(h('span', {}, text),
    h('button', { type: 'button', onclick: clearMsg, 'aria-label': 'Dismiss message' }, 'Dismiss'));
  box.hidden = false;
}
function clearMsg() { const box = $('#msg'); box.hidden = true; box.replaceChildren(); }
function showError(err) {
  if (err && err.handled) return;
  console.warn(err);
  const m = err instanceof ApiError ? `${err.message} (${err.code})` : String(err && err.message || err);
  showMsg(m, 'error');
}

/* ---------- the API ---------- */

class ApiError extends Error {
  constructor(status, code, message, data) { super(message); this.status = status; this.code = code; this.data = data || {}; }
}

/* api('POST', '/api/x', body): the parsed JSON answer (or text for other types); throws ApiError
** with the server's {"error":{code,message}}.  A 401 outside login returns to the login screen. */
async function api(method, path, body, opts = {}) {
  const init = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
  if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
  if (method !== 'GET' && csrf) init.headers['X-CSRF-Token'] = csrf;
  let res;
  try { res = await fetch(path, init); } catch (e) {
    throw new ApiError(0, 'network', `Cannot reach the myomap server (${e.message}).`);
  }
  const type = res.headers.get('content-type') || '';
  let data = null;
  if (type.includes('json')) { try { data = await res.json(); } catch { data = null; } }
  else { data = await res.text(); }
  if (!res.ok) {
    const e = data && data.error ? data.error : {};
    const err = new ApiError(res.status, e.code || `http-${res.status}`,
      e.message || `${method} ${path} failed: ${res.status} ${res.statusText}`, e);
    if (res.status === 401 && !opts.quiet && !/^\/api\/(login|setup)$/.test(path)) {
      user = null; csrf = '';
      err.handled = true;
      sessionStorage.setItem('myomap-after-login', location.hash);
      go('login');
      setTimeout(() => showMsg('Please log in: ' + err.message, 'error'), 0);
    }
    throw err;
  }
  return data;
}
function keepLogin(r) { user = r.user; csrf = r.csrf || ''; renderWho(); }

/* ---------- routing ---------- */

let teardowns = [];
/* Run fn when the screen is left; at once if the screen (render generation gen) is gone already. */
function onLeave(fn, gen) { if (gen !== undefined && gen !== rendering) fn(); else teardowns.push(fn); }
function go(route) {
  const hash = '#/' + route;
  if (location.hash === hash) render(); else location.hash = hash;
}
function parseHash() {
  const parts = location.hash.replace(/^#\/?/, '').split('/');
  return { name: parts[0] || '', arg: parts[1] ? decodeURIComponent(parts[1]) : null };
}

const NAV = [
  ['clients', 'Clients', () => ''],
  ['intake', 'Intake', () => state.client && state.client.id],
  ['sources', 'Sources', () => state.intake && state.client && state.client.id],
  ['plan', 'Plan', () => state.ticked && state.ticked.length && state.client && state.client.id],
  ['session', 'Session', () => state.session && state.session.id],
  ['notes', 'Notes', () => state.visit],
  ['progress', 'Progress', () => state.client && state.client.id],
  ['home', 'Home program', () => state.client && state.client.id],
];
function renderNav(current) {
  const nav = $('#nav');
  if (!user) { nav.replaceChildren(); return; }
  nav.replaceChildren(...NAV.map(([name, label, arg]) => {
    const a = arg();
    const ok = name === 'clients' || !!a;
    return h('a', {
      href: ok ? `#/${name}${name === 'clients' ? '' : '/' + a}` : '#',
      'aria-current': current === name ? 'page' : null,
      'aria-disabled': ok ? null : 'true',
      tabindex: ok ? null : '-1',
    }, label);
  }));
}
function renderWho() {
  const who = $('#who');
  if (!user) { who.replaceChildren(); return; }
  who.replaceChildren(h('span', {}, `${user.name} (${user.role})`),
    h('button', { type: 'button', id: 'account-link', onclick: () => go('account') }, 'Password'),
    user.role === 'admin' ? h('button', { type: 'button', id: 'accounts-link', onclick: () => go('accounts') }, 'Accounts') : null,
    h('button', { type: 'button', id: 'logout', onclick: logout }, 'Log out'));
}
async function logout() {
  try { await api('POST', '/api/logout', {}); } catch (e) { if (e.status !== 401) showError(e); }
  user = null; csrf = '';
  renderWho();
  go('login');
}

const views = {};
let rendering = 0;
async function render() {
  const my = ++rendering;
  for (const fn of teardowns.splice(0)) { try { fn(); } catch { /* gone */ } }
  let { name, arg } = parseHash();
  if (!user && name !== 'login') {
    try { keepLogin(await api('GET', '/api/me', undefined, { quiet: true })); } catch (e) {
      if (e.status !== 401) showError(e);
      if (my !== rendering) return;
      sessionStorage.setItem('myomap-after-login', location.hash);
      name = 'login';
      history.replaceState(null, '', '#/login');
    }
  }
  if (my !== rendering) return;
  if (!views[name]) { name = user ? 'clients' : 'login'; arg = null; history.replaceState(null, '', '#/' + name); }
  renderNav(name);
  const main = $('#view');
  main.replaceChildren(h('p', { class: 'loading' }, 'Loading…'));
  try {
    const nodes = await views[name](arg);
    if (my !== rendering) return;
    if (nodes) main.replaceChildren(...[nodes].flat(Infinity).filter((n) => n !== null && n !== undefined && n !== false));
    renderNav(name);
    const h1 = $('h1', main);
    if (h1) { h1.tabIndex = -1; h1.focus({ preventScroll: true }); }
    window.scrollTo(0, 0);
  } catch (e) {
    if (my !== rendering) return;
    main.replaceChildren(h('h1', {}, 'Something went wrong'), h('p', {}, 'The screen could not be shown. ',
      h('a', { href: '#/clients' }, 'Back to clients')));
    showError(e);
  }
}
window.addEventListener('hashchange', () => { clearMsg(); render(); });

/* ---------- login / first run ---------- */

views.login = async () => {
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
};

/* ---------- accounts: one's own password; the admin's list ---------- */

const PASSWORD_HINT = 'At least 10 characters and not a common password: a few unrelated words make a good one';
function passwordField(label, name) {
  return field(label, h('input', { name, type: 'password', required: true, minlength: 10, maxlength: 200, autocomplete: 'new-password' }),
    PASSWORD_HINT);
}

views.account = async () => {
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
  return [h('h1', {}, 'Change password'), h('p', {}, `Logged in as ${user.name} (${user.email}).`), form];
};

views.accounts = async () => {
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
    const toggle = u.id === user.id ? null : h('button', {
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
};

function field(label, input, hint) {
  const id = input.id || (input.id = 'f-' + Math.random().toString(36).slice(2, 9));
  return h('div', { class: 'field' }, h('label', { for: id }, label), input,
    hint ? h('span', { class: 'hint' }, hint) : null);
}
/* A submit listener: collects the form's named values, disables its buttons while fn runs,
** shows an error without touching what was typed. */
function submitter(form, fn) {
  return async (ev) => {
    ev.preventDefault();
    const v = {};
    for (const el of form.elements) {
      if (!el.name) continue;
      if (el.type === 'checkbox') v[el.name] = el.checked;
      else if (el.type === 'radio') { if (el.checked) v[el.name] = el.value; }
      else v[el.name] = el.value.trim();
    }
    const buttons = $$('button', form);
    buttons.forEach((b) => { b.disabled = true; });
    clearMsg();
    try { await fn(v); } catch (e) { showError(e); } finally { buttons.forEach((b) => { b.disabled = false; }); }
  };
}
/* A click listener with the same error handling. */
function action(fn) {
  return async (ev) => {
    const b = ev && ev.currentTarget;
    if (b && b.tagName === 'BUTTON') b.disabled = true;
    try { await fn(ev); } catch (e) { showError(e); } finally { if (b && b.tagName === 'BUTTON') b.disabled = false; }
  };
}

/* ---------- open sessions ---------- */

const clock = (iso) => { const d = new Date(iso); return isNaN(d) ? iso : d.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' }); };

/* The caller's open sessions (the store keeps them across restarts and devices), each with
** Resume and Cancel; only those of `clientId` when given.  Null when there are none. */
async function openSessionsCard(clientId) {
  let list = [];
  try { list = (await api('GET', '/api/sessions')).sessions || []; } catch (e) { if (e.status === 401) throw e; return null; }
  if (clientId) list = list.filter((s) => s.client === clientId);
  if (!list.length) return null;
  return h('section', { class: 'card', id: 'open-sessions' }, h('h2', {}, 'Sessions in progress'),
    h('ul', { class: 'plain' }, list.map((s) => h('li', { dataset: { session: s.id } },
      h('strong', {}, s.client_name), ` — started ${clock(s.started)}`, s.step ? `, at step ${s.step}` : ', not begun',
      s.phone ? ' (phone joined)' : '', ' ',
      h('button', { type: 'button', class: 'primary', onclick: () => {
        setClient({ id: s.client, name: s.client_name });
        state.session = { id: s.id, client: s.client }; save();
        go('session/' + encodeURIComponent(s.id));
      } }, 'Resume'), ' ',
      h('button', { type: 'button', onclick: action(async (ev) => {
        const li = ev.currentTarget.closest('li');
        if ($('form', li)) return;
        const reason = h('input', { name: 'reason', required: true, maxlength: 500, placeholder: 'why (kept in the audit log)', 'aria-label': 'Why cancel this session' });
        const f = h('form', { class: 'row' }, reason, h('button', { type: 'submit' }, 'Cancel without storing a visit'));
        f.addEventListener('submit', submitter(f, async () => {
          await api('POST', `/api/sessions/${encodeURIComponent(s.id)}/cancel`, { reason: reason.value.trim() });
          if (state.session && state.session.id === s.id) { delete state.session; save(); }
          li.remove();
          showMsg('Session cancelled; no visit was stored.', 'info');
        }));
        li.append(f);
        reason.focus();
      }) }, 'Cancel…')))));
}

/* ---------- clients ---------- */

views.clients = async () => {
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
};

async function ensureClient(id) {
  id = Number(id);
  if (!id) throw new Error('No client chosen: pick one on the Clients screen.');
  if (state.client && state.client.id === id && state.client.name) return state.client;
  const r = await api('GET', '/api/clients/' + id);
  const c = r.client || r;
  setClient({ id, name: c.name });
  return state.client;
}

/* ---------- the body chart ---------- */

let chartText = null;
const regionLabels = new Map();   // "temple-l" -> "left temple"

function labelOf(id) { return regionLabels.get(id) || human(id); }
/* "temple, left (temple-l)" -> "left temple" */
function labelFromTitle(title, id) {
  let t = String(title || '').replace(/\s*\([^()]*\)\s*$/, '').trim();
  const m = t.match(/^(.*),\s*(left|right)$/i);
  if (m) t = `${m[2].toLowerCase()} ${m[1]}`;
  return t || human(id);
}

/* A fresh copy of /api/chart.svg in a box with the side captions.  opts.onPick(id) makes every
** region a button (click, touch, Enter/Space).  Returns an object to mark pain and draw zones. */
async function chartDoc() {
  if (!chartText) chartText = await api('GET', '/api/chart.svg');
  return new DOMParser().parseFromString(String(chartText), 'image/svg+xml');
}
/* Region names ("left temple") for screens without a chart; a failure leaves the ids. */
async function ensureLabels() {
  if (regionLabels.size) return;
  try {
    for (const el of (await chartDoc()).querySelectorAll('ellipse.region')) {
      const t = el.querySelector('title'), id = el.getAttribute('data-region');
      regionLabels.set(id, labelFromTitle(t && t.textContent, id));
    }
  } catch (e) { if (e.status === 401) throw e; }
}
async function makeChart(opts = {}) {
  const doc = await chartDoc();
  if (doc.querySelector('parsererror') || doc.documentElement.nodeName !== 'svg') throw new Error('The body chart from the server could not be read.');
  const svg = document.importNode(doc.documentElement, true);
  svg.removeAttribute('width'); svg.removeAttribute('height');
  svg.setAttribute('role', 'group');
  svg.setAttribute('aria-label', 'Body chart, front and back views');
  let defs = svg.querySelector('defs');
  if (!defs) { defs = svgEl('defs'); svg.insertBefore(defs, svg.firstChild); }
  const pat = svgEl('pattern', { id: 'mm-stipple', width: 3, height: 3, patternUnits: 'userSpaceOnUse' });
  pat.append(svgEl('rect', { width: 3, height: 3, fill: '#ffffff' }), svgEl('circle', { cx: 1.5, cy: 1.5, r: 0.8, fill: '#dc2626' }));
  defs.append(pat);

  /* the R and L beside each view: larger and dark, so the side is read at a glance */
  for (const t of $$('[data-view] > text', svg)) {
    const v = t.textContent.trim();
    if (v === 'R' || v === 'L') {
      t.classList.add('side-letter');
      t.setAttribute('aria-label', v === 'R' ? "patient's right" : "patient's left");
    }
  }
  const byId = new Map();
  const all = $$('ellipse.region', svg);
  for (const el of all) {
    const id = el.getAttribute('data-region');
    const t = el.querySelector('title');
    const view = el.closest('[data-view]');
    const label = labelFromTitle(t && t.textContent, id);
    regionLabels.set(id, label);
    el.dataset.label = label;
    el.dataset.viewName = view ? view.getAttribute('data-view') : '';
    if (!byId.has(id)) byId.set(id, []);
    byId.get(id).push(el);
    if (opts.onPick) {
      el.setAttribute('tabindex', '0');
      el.setAttribute('role', 'button');
      el.setAttribute('aria-label', `${label}${el.dataset.viewName ? ' (' + el.dataset.viewName + ' view)' : ''}`);
    } else {
      el.setAttribute('aria-label', label);
    }
  }

  const box = h('div', { class: 'chart-svg' + (opts.onPick ? ' interactive' : '') });
  box.append(svg);
  if (opts.onPick) {
    svg.addEventListener('click', (ev) => {
      let el = ev.target.closest && ev.target.closest('ellipse.region');
      if (!el) el = nearest(ev.clientX, ev.clientY, 26);
      if (el) { opts.onPick(el.getAttribute('data-region'), el); }
    });
    svg.addEventListener('keydown', (ev) => {
      const el = ev.target.closest && ev.target.closest('ellipse.region');
      if (el && (ev.key === 'Enter' || ev.key === ' ' || ev.key === 'Spacebar')) {
        ev.preventDefault();
        opts.onPick(el.getAttribute('data-region'), el);
      }
    });
  }
  /* The region nearest the pointer, within tolPx of its edge: a finger need not land exactly on
  ** a small region (the ankle is a few pixels wide). */
  function nearest(cx, cy, tolPx) {
    let best = null, bestD = Infinity;
    for (const el of all) {
      const m = el.getScreenCTM();
      if (!m) continue;
      const p = new DOMPoint(cx, cy).matrixTransform(m.inverse());
      const ex = +el.getAttribute('cx'), ey = +el.getAttribute('cy');
      const rx = +el.getAttribute('rx') || 1, ry = +el.getAttribute('ry') || 1;
      const dx = p.x - ex, dy = p.y - ey, th = Math.atan2(dy, dx);
      const r = (rx * ry) / Math.hypot(ry * Math.cos(th), rx * Math.sin(th));
      const d = (Math.hypot(dx, dy) - r) * Math.abs(m.a || 1);
      if (d < bestD) { bestD = d; best = el; }
    }
    return bestD <= tolPx ? best : null;
  }

  const wrap = h('div', { class: 'chart-box' },
    h('div', { class: 'chart-captions' },
      h('div', { class: 'cap-front' }, 'FRONT — patient facing you: ', h('span', { class: 'side' }, 'their RIGHT is on your LEFT')),
      h('div', { class: 'cap-back' }, 'BACK — seen from behind: ', h('span', { class: 'side' }, 'their LEFT is on your left'))),
    box,
    opts.legend || null);

  const chart = {
    el: wrap, svg, byId,
    /* marks [{region,intensity}]: filled red, more opaque when stronger; outline: dashed ring */
    setPain(marks, outline = false) {
      for (const el of all) {
        el.classList.remove('pain', 'pain-outline');
        el.style.fillOpacity = '';
        el.removeAttribute('aria-pressed');
        if (opts.onPick) el.setAttribute('aria-label', `${el.dataset.label}${el.dataset.viewName ? ' (' + el.dataset.viewName + ' view)' : ''}`);
      }
      for (const m of marks || []) {
        for (const el of byId.get(m.region) || []) {
          if (outline) { el.classList.add('pain-outline'); continue; }
          el.classList.add('pain');
          const i = m.intensity === undefined || m.intensity === null || m.intensity < 0 ? 5 : m.intensity;
          el.style.fillOpacity = String(0.15 + 0.075 * i);
          if (opts.onPick) {
            el.setAttribute('aria-pressed', 'true');
            el.setAttribute('aria-label', `${el.dataset.label} (${el.dataset.viewName} view): pain ${i}/10`);
          }
        }
      }
    },
    select(id) {
      for (const el of all) el.classList.toggle('selected', el.getAttribute('data-region') === id);
    },
    /* z {at, essential[], spillover[]}: the point as an X, essential zone solid, spillover stippled */
    showZones(z) {
      chart.clearZones();
      if (!z) return;
      for (const id of z.spillover || []) for (const el of byId.get(id) || []) el.classList.add('zone-spillover');
      for (const id of z.essential || []) for (const el of byId.get(id) || []) { el.classList.remove('zone-spillover'); el.classList.add('zone-essential'); }
      for (const el of byId.get(z.at) || []) {
        const x = +el.getAttribute('cx'), y = +el.getAttribute('cy'), s = 4.5;
        const g = svgEl('g', { class: 'tp-x', 'pointer-events': 'none', 'data-at': z.at });
        for (const cls of ['halo', '']) {
          g.append(svgEl('line', { class: cls, x1: x - s, y1: y - s, x2: x + s, y2: y + s }),
            svgEl('line', { class: cls, x1: x - s, y1: y + s, x2: x + s, y2: y - s }));
        }
        el.parentNode.append(g);
      }
    },
    clearZones() {
      for (const el of all) el.classList.remove('zone-essential', 'zone-spillover');
      $$('.tp-x', svg).forEach((g) => g.remove());
    },
  };
  return chart;
}

function regionPicker(onPick) {
  const ids = Array.from(regionLabels.keys()).sort((a, b) => labelOf(a).localeCompare(labelOf(b)));
  const sel = h('select', { 'aria-label': 'Mark a region by name' },
    h('option', { value: '' }, 'Mark a region by name…'),
    ids.map((id) => h('option', { value: id }, `${labelOf(id)} (${id})`)));
  return h('div', { class: 'region-pick no-print' }, sel,
    h('button', { type: 'button', onclick: () => { if (sel.value) { onPick(sel.value); sel.value = ''; } } }, 'Mark'));
}

/* ---------- intake ---------- */

const QUALITIES = ['ache', 'burning', 'sharp', 'tingling', 'numbness'];
const ONSETS = [['gradual', 'gradual'], ['sudden', 'sudden'], ['after-exercise', 'after exercise'], ['injury', 'after an injury']];
const FLAGS = [
  ['numbness', 'Numbness, or pins and needles that do not go away?'],
  ['weakness', 'Weakness in an arm or leg, dropping things, tripping?'],
  ['shooting', 'Pain shooting down an arm or leg, like an electric shock?'],
  ['fever', 'Fever, chills or feeling generally unwell?'],
  ['weight-loss', 'Weight loss they cannot explain?'],
  ['night-pain', 'Pain at night that rest and changing position do not ease?'],
  ['bowel-bladder', 'Changes in bowel or bladder control, or numbness around the groin?'],
  ['trauma', 'A recent fall, accident or blow to the painful area?'],
];
const ACTIVITIES = [["desk-work","long hours at a desk or computer"],["mouse-use","mouse and keyboard use with the arm held out"],["phone-cradling","holding a phone between ear and shoulder"],["forward-head","forward head posture"],["slouching","slumped sitting posture"],["reading-in-bed","reading or watching screens propped up in bed"],["clenching","jaw clenching or tooth grinding"],["gum-chewing","chewing gum or tough food"],["mouth-breathing","mouth breathing"],["stress","emotional stress and tension"],["shallow-breathing","shallow upper-chest or paradoxical breathing"],["chronic-cough","chronic coughing"],["shoulder-bag","a heavy bag or purse on one shoulder"],["heavy-backpack","a heavy backpack"],["tight-bra-strap","tight bra straps or tight collar"],["overhead-work","working with the arms overhead"],["lifting","lifting heavy loads"],["lifting-twisting","lifting while bending and twisting"],["carrying-child","carrying a child on one arm or hip"],["heavy-gripping","forceful or prolonged gripping"],["repetitive-gripping","repetitive gripping, wringing or twisting with the hand"],["typing","typing and keyboard work"],["racquet-sports","tennis and other racquet sports"],["throwing","throwing"],["swimming","swimming"],["rowing","rowing and pulling"],["weight-training","weight training"],["push-ups","push-ups and pressing"],["pull-ups","pull-ups and climbing"],["crutches","walking with crutches or a cane"],["musical-instrument","playing a musical instrument"],["driving","long drives"],["sleeping-position","a sleeping position that shortens or compresses the muscle"],["prolonged-sitting","prolonged sitting"],["prolonged-standing","prolonged standing"],["sitting-crossed-legs","sitting with the legs crossed"],["wallet-sitting","sitting on a wallet in the back pocket"],["sit-ups","sit-ups and crunches"],["running","running and jogging"],["hill-walking","walking or running uphill, downhill or on slopes"],["stairs","climbing stairs"],["cycling","cycling"],["jumping","jumping and landing"],["kicking","kicking sports"],["squatting","deep squatting or kneeling"],["gardening","gardening and bending work"],["high-heels","wearing high heels"],["tight-shoes","tight or stiff shoes"],["flat-feet","flat feet, over-pronation or a long second metatarsal"],["leg-length","a leg length difference or small hemipelvis"],["immobilization","a cast, brace or immobilisation"],["fall","a fall"],["whiplash","a whiplash or car accident"],["sudden-overload","a sudden overload or awkward movement"],["cold-draft","chilling of the muscle, cold drafts"],["pregnancy","pregnancy"],["surgery","surgery or scar in the area"],["side-sleeping","sleeping on one side: on the painful side, or with the top arm or knee falling across the body"],["carrying","carrying heavy loads in the hands or on the forearm (shopping, a suitcase, a briefcase)"],["writing","writing by hand, especially with a tight grip or at a desk of the wrong height"],["pinch-grip","a sustained pinch grip: sewing, knitting, painting, fine handwork"],["skiing","skiing, and catching a fall or a slip on skis"],["horse-riding","horse riding"],["kneeling","kneeling work (floors, tiling, gardening on the knees)"],["dental-work","the jaw held wide open for long dental work"],["looking-up","looking up for long periods (ceilings, high screens, reading through bifocals)"],["eye-strain","eye strain, squinting or frowning, poor vision or ill-fitting glasses"],["uneven-ground","walking or running on rough, uneven, sloping or soft ground (sand)"],["tight-socks","tight elastic socks or garters round the calf"],["ironing","ironing"],["soft-mattress","sleeping on a soft, sagging mattress"]];
const ACTIVITY_LABEL = new Map(ACTIVITIES);

views.intake = async (arg) => {
  const client = await ensureClient(arg);
  state.drawing = state.drawing || [];
  state.answers = state.answers || { date: today(), context: [], flags: [] };
  const drawing = state.drawing;
  let selected = null;

  const legend = h('div', { class: 'chart-legend' },
    h('span', {}, h('i', { class: 'sw pain' }), 'pain (darker: stronger)'),
    h('span', { class: 'muted' }, 'Tap a region to mark it; tap again to select it.'));
  const chart = await makeChart({ onPick: pick, legend });
  const list = h('ul', { class: 'marks', id: 'marks', 'aria-label': 'Marked regions' });

  function pick(id) {
    if (!drawing.find((m) => m.region === id)) drawing.push({ region: id, intensity: 5, quality: '' });
    selected = id;
    refresh();
    const li = list.querySelector(`li[data-region="${CSS.escape(id)}"]`);
    if (li) li.scrollIntoView({ block: 'nearest' });
  }
  function refresh() {
    save();
    chart.setPain(drawing);
    chart.select(selected);
    list.replaceChildren(...(drawing.length ? drawing.map(markItem)
      : [h('li', { class: 'empty' }, 'No pain marked yet. Tap the regions where the client feels pain, on the front or the back.')]));
  }
  function markItem(m) {
    const n = h('input', { type: 'number', min: 0, max: 10, step: 1, value: m.intensity, 'aria-label': `Intensity 0-10, ${labelOf(m.region)}`, class: 'intensity' });
    const set = (v) => { v = Math.max(0, Math.min(10, Math.round(Number(v)))); if (!Number.isFinite(v)) return; m.intensity = v; n.value = v; save(); chart.setPain(drawing); };
    n.addEventListener('input', () => { if (n.value !== '') set(n.value); });
    n.addEventListener('change', () => set(n.value === '' ? 0 : n.value));
    const q = h('select', { 'aria-label': `Quality, ${labelOf(m.region)}`, class: 'quality' },
      h('option', { value: '' }, 'quality…'), QUALITIES.map((x) => h('option', { value: x }, x)));
    q.value = m.quality || '';
    q.addEventListener('change', () => { m.quality = q.value; save(); });
    return h('li', { dataset: { region: m.region }, class: m.region === selected ? 'selected' : null },
      h('div', { class: 'name' }, labelOf(m.region), ' ', h('span', { class: 'muted small' }, m.region)),
      h('div', { class: 'controls' },
        h('button', { type: 'button', 'aria-label': `Less intense, ${labelOf(m.region)}`, onclick: () => set(m.intensity - 1) }, '−'),
        n,
        h('button', { type: 'button', 'aria-label': `More intense, ${labelOf(m.region)}`, onclick: () => set(m.intensity + 1) }, '+'),
        h('span', { class: 'muted' }, '/10'),
        q,
        h('button', { type: 'button', class: 'danger', onclick: () => {
          const i = drawing.indexOf(m); if (i >= 0) drawing.splice(i, 1);
          if (selected === m.region) selected = null;
          refresh();
        } }, 'Remove')));
  }
  refresh();

  const a = state.answers;
  const radios = (name, items, cur) => h('div', { class: 'row', role: 'radiogroup', 'aria-label': name },
    [['', 'not asked'], ...items].map(([v, l]) => h('label', { class: 'check' },
      h('input', { type: 'radio', name, value: v, checked: (cur || '') === v }), l)));
  const form = h('form', { id: 'intake-form', class: 'card' },
    h('h2', {}, 'Questions'),
    h('div', { class: 'grid2' },
      field('Date', h('input', { type: 'date', name: 'date', value: a.date || today() })),
      field('Pain now, 0-10 (NPRS)', h('input', { type: 'number', name: 'nprs', min: 0, max: 10, value: a.nprs ?? '' })),
      field('Hours since the pain began', h('input', { type: 'number', name: 'onset_hours', min: 0, step: 1, value: a.onset_hours ?? '' }), 'e.g. 72 for three days'),
      field('Stress, 0-10', h('input', { type: 'number', name: 'stress', min: 0, max: 10, value: a.stress ?? '' })),
      field('Desk hours a day', h('input', { type: 'number', name: 'desk_hours', min: 0, max: 24, step: 0.5, value: a.desk_hours ?? '' })),
      field('Training hours a week', h('input', { type: 'number', name: 'training_hours', min: 0, step: 0.5, value: a.training_hours ?? '' })),
      field('Sleep hours a night', h('input', { type: 'number', name: 'sleep_hours', min: 0, max: 24, step: 0.5, value: a.sleep_hours ?? '' }))),
    h('fieldset', {}, h('legend', {}, 'How did it start?'), radios('onset', ONSETS, a.onset)),
    h('fieldset', {}, h('legend', {}, 'Where is it tender?'), radios('tender', [['spot', 'a tender spot (knot)'], ['diffuse', 'the whole muscle']], a.tender)),
    field('Goals', h('textarea', { name: 'goals', rows: 2, value: a.goals || '' }), 'what the client wants to be able to do again'),
    field('Other factors', h('input', { name: 'factors', value: a.factors || '' })),
    h('details', { open: true }, h('summary', {}, h('strong', {}, 'Activities and postures (perpetuating factors)')),
      h('div', { class: 'checks' }, ACTIVITIES.map(([id, label]) => h('label', { class: 'check' },
        h('input', { type: 'checkbox', name: 'ctx:' + id, checked: (a.context || []).includes(id) }), label)))),
    h('fieldset', { class: 'card', id: 'flags' }, h('legend', {}, h('strong', {}, 'Red-flag screen — ask every client')),
      FLAGS.map(([id, q]) => h('label', { class: 'check' },
        h('input', { type: 'checkbox', name: 'flag:' + id, checked: (a.flags || []).includes(id) }), q))),
    h('div', { class: 'row' }, h('button', { class: 'primary', type: 'submit' }, 'Screen and rank the sources')));

  form.addEventListener('input', () => { collect(); save(); });
  function collect() {
    const v = { context: [], flags: [] };
    for (const el of form.elements) {
      if (!el.name) continue;
      if (el.name.startsWith('ctx:')) { if (el.checked) v.context.push(el.name.slice(4)); }
      else if (el.name.startsWith('flag:')) { if (el.checked) v.flags.push(el.name.slice(5)); }
      else if (el.type === 'radio') { if (el.checked) v[el.name] = el.value; }
      else v[el.name] = el.value.trim();
    }
    state.answers = v;
    return v;
  }
  form.addEventListener('submit', submitter(form, async () => {
    const v = collect();
    if (!drawing.length) throw new Error('Mark at least one painful region on the chart first.');
    const body = {
      pain: drawing.map((m) => {
        const p = { region: m.region, intensity: m.intensity };
        if (m.quality) p.quality = m.quality;
        return p;
      }),
      context: v.context, flags: v.flags, date: v.date || today(),
    };
    if (v.onset) body.onset = v.onset;
    if (v.tender) body.tender = v.tender;
    for (const k of ['onset_hours', 'nprs', 'stress', 'desk_hours', 'training_hours', 'sleep_hours']) {
      const x = num(v[k]);
      if (x !== undefined) {
        if (!Number.isFinite(x)) throw new Error(`${human(k)}: not a number`);
        body[k] = x;
      }
    }
    if (v.goals) body.goals = v.goals;
    if (v.factors) body.factors = v.factors;
    const r = await api('POST', `/api/clients/${client.id}/intakes`, body);
    state.intake = { id: r.id, date: body.date, screen: r.screen || (r.where && r.where.screen), where: r.where || {}, drawing: drawing.map((m) => ({ ...m })) };
    state.ticked = [];
    delete state.plan;
    save();
    go('sources/' + client.id);
  }));

  return [
    h('h1', {}, 'Intake — ', client.name),
    await openSessionsCard(client.id),
    state.intake ? h('p', { class: 'muted' }, 'An intake was sent for this client; ', h('a', { href: '#/sources/' + client.id }, 'see its sources'), '.') : null,
    h('div', { class: 'chart-layout' },
      h('div', {}, chart.el, regionPicker(pick)),
      h('div', {}, h('h2', {}, 'Pain drawing'), list)),
    form,
  ];
};

/* ---------- the screen result ---------- */

function screenBanner(screen) {
  if (!screen) return null;
  const flags = screen.flags || [];
  const level = screen.level || (screen.refer ? 'refer' : 'none');
  const out = [];
  if (screen.refer || level === 'refer' || level === 'urgent' || level === 'emergency') {
    out.push(h('div', { class: 'banner refer', id: 'screen-result', role: 'alert' },
      h('strong', { class: 'big' }, level === 'urgent' || level === 'emergency' ? 'URGENT — send to a doctor now' : 'REFER — a doctor first'),
      h('p', {}, 'The red-flag screen says this client needs a medical assessment before any trigger point treatment.'),
      h('ul', {}, flags.map((f) => h('li', {}, h('strong', {}, human(f.id)), ': ', f.reason || '', ' ', f.advice ? h('em', {}, f.advice) : null)))));
  } else if (flags.length) {
    out.push(h('div', { class: 'banner caution', id: 'screen-result' },
      h('strong', {}, 'Screen: take care'), h('ul', {}, flags.map((f) => h('li', {}, h('strong', {}, human(f.id)), ': ', f.reason || '', ' ', f.advice || '')))));
  } else {
    out.push(h('div', { class: 'banner clear', id: 'screen-result' }, h('strong', {}, 'Red-flag screen: nothing found.'), ' No answer asks for a doctor first.'));
  }
  const s = screen.soreness;
  if (s) {
    const verdict = { 'trigger-point': 'the picture fits trigger point pain better than muscle soreness',
      soreness: 'the picture fits ordinary post-exercise muscle soreness better: trigger point treatment may not be needed',
      unclear: 'trigger point pain or ordinary muscle soreness: unclear' }[s.verdict] || human(s.verdict);
    out.push(h('details', { class: 'card' }, h('summary', {}, h('strong', {}, 'Trigger point or soreness? '), verdict),
      h('table', {}, h('tbody', {}, (s.comparison || []).map((c) => h('tr', {},
        h('th', {}, human(c.characteristic)), h('td', {}, c.finding), h('td', {}, 'favours ' + human(c.favours))))))));
  }
  return out;
}

/* ---------- sources ---------- */

const candKey = (c) => `${c.trigger_point}:${c.side}`;
const regionList = (ids) => (ids && ids.length ? ids.map(labelOf).join(', ') : '—');
const candName = (c) => `${c.muscle_name || human(c.muscle)}${sideName(c.side) ? ', ' + sideName(c.side) : ''}`;

/* Palpation: the states `myomap assess` and POST /api/clients/ID/findings accept (src/record.c
** record_finding_parse), and "" for a candidate not palpated, which is never sent. */
const PALP_STATES = [['', 'not checked'], ['active', 'active: their familiar pain'], ['latent', 'latent: not their pain']];
/* A finding as the API words it: "upper-trapezius-tp1:l:active:referral:ppt=2.5" (no side on
** the midline). */
function findingWord(tp, side, f) {
  return [tp, side === 'mid' ? null : side, f.state, f.referral ? 'referral' : null,
    f.ppt !== null ? `ppt=${f.ppt}` : null].filter(Boolean).join(':');
}
const sameFinding = (a, b) => !!a && !!b && a.state === b.state && !!a.referral === !!b.referral && (a.ppt ?? null) === (b.ppt ?? null);
function findingText(f) {
  return [f.state, f.referral ? 'referral reproduced' : 'referral not reproduced',
    f.ppt !== null && f.ppt !== undefined ? `PPT ${f.ppt} kg/cm²` : null].filter(Boolean).join(', ');
}
/* The client's stored findings of `date`: "tp:side" -> its latest finding (the list is newest
** first, so the first row of a point is the one that counts). */
async function storedFindings(clientId, date) {
  const r = await api('GET', `/api/clients/${clientId}/findings`);
  const out = new Map();
  for (const f of r.findings || []) {
    const key = `${f.tp}:${f.side}`;
    if (f.date === date && !out.has(key)) out.set(key, f);
  }
  return out;
}

views.sources = async (arg) => {
  const client = await ensureClient(arg);
  if (!state.intake) return [h('h1', {}, 'Sources'), h('p', {}, 'No intake yet. ', h('a', { href: '#/intake/' + client.id }, 'Draw the pain first'), '.')];
  const where = state.intake.where || {};
  const cands = where.candidates || [];
  const zones = where.zones || {};
  state.ticked = state.ticked || [];
  /* findings are recorded on the intake's day; what is stored for it is shown again */
  const date = state.intake.date || (state.answers && state.answers.date) || today();
  let stored = new Map();
  try { stored = await storedFindings(client.id, date); } catch (e) { if (e.status === 401) throw e; showError(e); }
  /* points found active go to the plan, unless the therapist has chosen points already */
  if (!state.ticked.length) {
    for (const c of cands) { const f = stored.get(candKey(c)); if (f && f.state === 'active') state.ticked.push(candKey(c)); }
    save();
  }
  const legend = h('div', { class: 'chart-legend' },
    h('span', {}, h('i', { class: 'sw x' }, '✕'), 'trigger point'),
    h('span', {}, h('i', { class: 'sw ess' }), 'essential zone'),
    h('span', {}, h('i', { class: 'sw spill' }), 'spillover zone'),
    h('span', {}, h('i', { class: 'sw painline' }), 'the client\'s pain'));
  const chart = await makeChart({ legend });
  chart.setPain(state.intake.drawing || state.drawing || [], true);
  const top = cands.length ? Math.max(...cands.map((c) => c.score || 0)) || 1 : 1;
  let active = null;
  const zoneFor = (c) => zones[candKey(c)] || { at: null, essential: c.essential || [], spillover: c.spillover || [] };
  const caption = h('p', { class: 'muted', id: 'zone-caption', 'aria-live': 'polite' }, 'Hover, tap or focus a candidate to draw its referral zones.');
  function show(c, li) {
    chart.showZones(c ? zoneFor(c) : null);
    $$('.cand', ul).forEach((x) => x.classList.toggle('active', x === li));
    caption.textContent = c ? `${c.muscle_name || human(c.muscle)}, ${sideName(c.side)}: X = the trigger point${zoneFor(c).at ? ' (' + labelOf(zoneFor(c).at) + ')' : ''}, solid = essential zone, dots = spillover zone.` : 'Hover, tap or focus a candidate to draw its referral zones.';
  }
  const palps = [];   // per candidate: {c, key, box, sel, ref, ppt, shown, li}
  const palpStatus = h('span', { class: 'palp-status', id: 'palp-status', role: 'status' },
    stored.size ? `Findings stored for ${date} are shown.` : '');
  const setTick = (key, on) => {
    state.ticked = state.ticked.filter((k) => k !== key);
    if (on) state.ticked.push(key);
    save(); renderNav('sources'); planBtn.disabled = !state.ticked.length;
  };
  /* the stored finding of a candidate, beside its controls */
  const showStored = (p) => {
    const f = stored.get(p.key);
    p.shown.textContent = f ? `Stored for ${date}: ${findingText(f)}.` : '';
    if (f) p.li.dataset.palp = f.state; else delete p.li.dataset.palp;
  };
  function palpControls(c, key, i, box) {
    const f = stored.get(key);
    const name = candName(c);
    const sel = h('select', { id: `palp-state-${i}`, class: 'palp-state' },
      PALP_STATES.map(([v, l]) => h('option', { value: v }, l)));
    sel.value = f ? f.state : '';
    const ref = h('input', { type: 'checkbox', id: `palp-ref-${i}`, class: 'palp-referral', checked: f && f.referral });
    const ppt = h('input', { type: 'number', id: `palp-ppt-${i}`, class: 'palp-ppt', min: 0, max: 20, step: 0.1,
      inputmode: 'decimal', value: f && f.ppt !== null ? f.ppt : '' });
    const shown = h('p', { class: 'palp-stored small', id: `palp-stored-${i}` });
    const fs = h('fieldset', { class: 'palp', 'aria-describedby': shown.id },
      h('legend', {}, 'Palpation — what you felt: ', h('span', { class: 'visually-hidden' }, name)),
      h('div', { class: 'palp-row' },
        h('div', { class: 'palp-field' }, h('label', { for: sel.id }, 'Finding'), sel),
        h('label', { class: 'check palp-check', for: ref.id }, ref, 'referral reproduced'),
        h('div', { class: 'palp-field' }, h('label', { for: ppt.id }, 'PPT, kg/cm² (optional)'), ppt)),
      shown);
    const p = { c, key, box, sel, ref, ppt, shown, li: null };
    fs.addEventListener('input', () => { palpStatus.textContent = 'Findings changed: not saved yet.'; });
    palps.push(p);
    return [fs, p];
  }
  async function saveFindings() {
    const words = [], sent = [];
    let checked = 0;
    for (const p of palps) {
      const raw = p.ppt.value.trim();
      if (p.ppt.validity.badInput) throw new Error(`${candName(p.c)}: the pressure pain threshold is not a number.`);
      if (!p.sel.value) {
        if (p.ref.checked || raw) throw new Error(`${candName(p.c)}: choose active or latent to record the referral or the threshold, or clear them.`);
        continue;
      }
      const ppt = raw === '' ? null : Number(raw);
      if (ppt !== null && !(ppt > 0 && ppt <= 20)) throw new Error(`${candName(p.c)}: the pressure pain threshold is in kg/cm², above 0 and at most 20.`);
      const f = { state: p.sel.value, referral: p.ref.checked, ppt };
      checked++;
      if (sameFinding(f, stored.get(p.key))) continue;   // stored already: a second row would repeat it
      words.push(findingWord(p.c.trigger_point, p.c.side, f));
      sent.push([p, f]);
    }
    if (!checked) throw new Error('Choose active or latent for each candidate you palpated, then save.');
    if (!words.length) { showMsg(`Nothing new to save: these findings are stored already for ${date}.`, 'info'); return; }
    await api('POST', `/api/clients/${client.id}/findings`, { date, findings: words });
    for (const [p, f] of sent) {
      stored.set(p.key, { ...f, date, tp: p.c.trigger_point, side: p.c.side });
      showStored(p);
      if (f.state === 'active' && !p.box.checked) { p.box.checked = true; setTick(p.key, true); }
    }
    const n = (st) => sent.filter(([, f]) => f.state === st).length;
    palpStatus.textContent = `Saved for ${date}.`;
    showMsg(`Palpation findings saved for ${date}: ${n('active')} active, ${n('latent')} latent. ` +
      'They record what you felt, not a diagnosis.' + (n('active') ? ' Active points are ticked for the plan.' : ''), 'info');
  }

  const ul = h('ul', { class: 'candidates', id: 'candidates' }, cands.map((c, i) => {
    const key = candKey(c);
    const box = h('input', { type: 'checkbox', checked: state.ticked.includes(key), 'aria-label': `Treat ${c.muscle_name || human(c.muscle)}, ${sideName(c.side)}, ${c.trigger_point_name || ''}` });
    box.addEventListener('change', () => setTick(key, box.checked));
    const [palp, p] = palpControls(c, key, i, box);
    const z = zoneFor(c);
    const li = h('li', { class: 'cand', tabindex: 0, dataset: { key }, 'aria-label': `Candidate ${c.rank}: ${c.muscle_name || human(c.muscle)}, ${sideName(c.side)}` },
      h('div', { class: 'head' },
        h('span', { class: 'rank' }, `${c.rank ?? ''}.`),
        h('div', { style: 'flex:1' },
          h('div', { class: 'title' }, `${c.muscle_name || human(c.muscle)}, ${sideName(c.side)}`),
          h('div', {}, c.trigger_point_name || c.trigger_point),
          h('div', { class: 'bar', role: 'img', 'aria-label': `score ${c.score}` }, h('span', { style: `width:${Math.max(2, Math.round(100 * (c.score || 0) / top))}%` })),
          h('div', { class: 'small muted' }, `score ${c.score}`)),
        h('label', { class: 'treat' }, box, 'Treat')),
      h('dl', {},
        h('dt', {}, 'trigger point at'), h('dd', {}, z.at ? labelOf(z.at) : '—'),
        h('dt', {}, 'essential zone covers'), h('dd', {}, regionList(c.essential)),
        h('dt', {}, 'spillover zone covers'), h('dd', {}, regionList(c.spillover)),
        c.local && c.local.length ? [h('dt', {}, 'local pain'), h('dd', {}, regionList(c.local))] : null,
        h('dt', {}, 'not explained'), h('dd', {}, regionList(c.unexplained)),
        c.context && c.context.length ? [h('dt', {}, 'perpetuated by'), h('dd', {}, c.context.map((x) => ACTIVITY_LABEL.get(x) || human(x)).join('; '))] : null,
        h('dt', {}, 'sources'), h('dd', {}, (c.sources || []).join('; ') || '—')),
      palp);
    p.li = li;
    showStored(p);
    li.addEventListener('pointerenter', (ev) => { if (ev.pointerType === 'mouse') show(c, li); });
    li.addEventListener('pointerleave', (ev) => { if (ev.pointerType === 'mouse') show(active, active ? ul.querySelector(`[data-key="${CSS.escape(candKey(active))}"]`) : null); });
    li.addEventListener('focusin', () => { active = c; show(c, li); });
    li.addEventListener('click', () => { active = c; show(c, li); });
    li.addEventListener('keydown', (ev) => { if ((ev.key === ' ' || ev.key === 'Enter') && ev.target === li) { ev.preventDefault(); box.click(); } });
    return li;
  }));
  /* the differential: the parts of the drawing and the candidates that explain each (where.groups) */
  const groups = where.groups || [];
  const pct = (x) => `${Math.round(100 * (x || 0))}%`;
  const partsBox = groups.length > 1 || (cands.length > 1 && where.explained_best !== undefined && where.explained_best < 0.999)
    ? h('div', { class: 'banner parts', id: 'parts', role: 'note' },
      h('p', {}, h('strong', {}, 'No one candidate explains the whole drawing. '),
        `The first explains ${pct(where.explained_best)} of it; the ${cands.length} below together explain ${pct(where.explained)}.`),
      h('ul', { class: 'parts-list' }, groups.map((g, gi) => h('li', { class: 'part', dataset: { group: gi } },
        h('strong', {}, g.part.charAt(0).toUpperCase() + g.part.slice(1)),
        ` (${regionList(g.regions)}): `,
        g.candidates.map((rank, j) => {
          const c = cands[rank - 1];
          if (!c) return null;
          const a = h('a', { href: '#', class: 'part-cand', onclick: (ev) => {
            ev.preventDefault();
            const li = ul.querySelector(`[data-key="${CSS.escape(candKey(c))}"]`);
            if (li) { li.focus(); active = c; show(c, li); }
          } }, `${rank}. ${candName(c)}`);
          return [j ? '; ' : '', a];
        })))))
    : null;
  const planBtn = h('button', { type: 'button', class: 'primary', id: 'to-plan', disabled: !state.ticked.length,
    onclick: () => { if (state.ticked.length) go('plan/' + client.id); } }, 'Plan the ticked points →');
  const saveBtn = h('button', { type: 'button', id: 'save-findings', onclick: action(saveFindings) }, 'Save findings');

  return [
    h('h1', {}, 'Sources — ', client.name),
    screenBanner(state.intake.screen),
    h('div', { class: 'banner notdx' }, where.note || 'Candidates to assess by palpation, not a diagnosis.',
      ' Confirm each one by finding the taut band and reproducing the client\'s familiar pain.'),
    h('div', { class: 'chart-layout' },
      h('div', { class: 'sticky' }, chart.el, caption),
      h('div', {},
        h('h2', {}, 'Ranked candidates'),
        partsBox,
        cands.length ? ul : h('p', { class: 'empty' }, 'No trigger point in the knowledge base refers pain to these regions.'),
        cands.length ? h('div', { class: 'palp-save no-print' },
          h('p', { class: 'small' }, `Record for ${date} what you felt on palpation: a taut band and a tender spot that reproduces `,
            'the client\'s familiar pain is active, one that does not is latent. Candidates left “not checked” are not saved.'),
          h('div', { class: 'row' }, saveBtn, palpStatus)) : null,
        h('div', { class: 'row no-print' }, planBtn, h('span', { class: 'muted' }, 'Tick the points you found on palpation (saved active ones are ticked for you).')),
        state.intake.screen && state.intake.screen.refer ? h('p', { class: 'banner refer' }, h('strong', {}, 'The screen says refer: '), 'treat only once a doctor has cleared the client.') : null)),
  ];
};

/* ---------- plan ---------- */

const PHASES = ['assess', 'prepare', 'release', 'stretch', 'integrate', 'recheck'];
const tickedPoints = () => (state.ticked || []).map((k) => { const i = k.lastIndexOf(':'); return { tp: k.slice(0, i), side: k.slice(i + 1) }; });

/* "upper-trapezius-tp1" -> "TrP1, upper border, vertical anterior fibres" where the ranking named it */
function tpName(tp) {
  const c = ((state.intake && state.intake.where && state.intake.where.candidates) || []).find((x) => x.trigger_point === tp);
  return c && c.trigger_point_name ? c.trigger_point_name : human(tp);
}
function stepTitle(s) {
  if (!s.muscle) return `${s.n}. ${s.phase}`;
  return `${s.n}. ${human(s.muscle)}${sideName(s.side) ? ', ' + sideName(s.side) : ''}${s.tp ? ' — ' + tpName(s.tp) : ''}`;
}
function dangers(list) {
  return (list || []).map((d) => h('div', { class: 'danger-zone' }, h('strong', {}, '⚠ Danger zone: '), d.label, d.why ? h('div', { class: 'small' }, d.why) : null));
}
function renderPlan(plan) {
  const out = [];
  if (plan.refer) out.push(h('div', { class: 'banner refer', role: 'alert' }, h('strong', { class: 'big' }, 'REFER — a doctor first'), plan.refer_why ? h('p', {}, plan.refer_why) : null));
  if (plan.modifications && plan.modifications.length) {
    out.push(h('div', { class: 'banner caution' }, h('strong', {}, 'Modified for the client\'s contraindications'),
      plan.limits && (plan.limits.band_max !== null || plan.limits.hold_max !== null)
        ? h('p', {}, `Limits: target at most ${plan.limits.band_max ?? '—'}/10, holds at most ${plan.limits.hold_max ?? '—'} s.`) : null,
      h('ul', {}, plan.modifications.map((m) => h('li', {}, h('strong', {}, m.label || human(m.id)), ': ', m.advice || '')))));
  }
  if (plan.blocked && plan.blocked.length) {
    out.push(h('h2', {}, 'Blocked by contraindications'));
    out.push(plan.blocked.map((b) => h('div', { class: 'blocked' },
      h('strong', {}, [b.phase, b.muscle && human(b.muscle), b.side && sideName(b.side), b.tp && human(b.tp), b.technique && human(b.technique), b.movement && human(b.movement)].filter(Boolean).join(' · ') || 'Treatment'),
      ': ', b.why || '', b.contraindication ? ` (${human(b.contraindication)}${b.region ? ' at ' + labelOf(b.region) : ''})` : '',
      b.advice ? h('div', {}, h('em', {}, b.advice)) : null)));
  }
  const steps = plan.steps || [];
  for (const ph of PHASES.concat(Array.from(new Set(steps.map((s) => s.phase))).filter((p) => !PHASES.includes(p)))) {
    const ss = steps.filter((s) => s.phase === ph);
    if (!ss.length) continue;
    out.push(h('section', { class: 'phase', dataset: { phase: ph } }, h('h2', {}, ph),
      ss.map((s) => h('div', { class: 'step' + (s.timed ? ' timed' : ''), dataset: { step: s.n } },
        h('h3', {}, stepTitle(s)),
        s.timed ? h('div', { class: 'meta' },
          s.technique ? h('span', {}, s.technique.label || human(s.technique.id || s.technique)) : null,
          s.hold ? h('span', {}, `hold ${range(s.hold)} s`) : null,
          s.band ? h('span', {}, `target ${range(s.band)}/10`) : null,
          s.modified ? h('span', { class: 'small' }, '(modified)') : null) : null,
        s.location ? h('div', {}, h('strong', {}, 'Find it: '), s.location) : null,
        s.position ? h('div', {}, h('strong', {}, 'Position: '), s.position) : null,
        s.how ? h('div', {}, h('strong', {}, 'How: '), s.how) : null,
        h('div', {}, s.text || ''),
        s.alternatives && s.alternatives.length ? h('div', { class: 'small' }, 'Or: ', s.alternatives.map(human).join(', ')) : null,
        dangers(s.dangers),
        (s.cautions || []).map((c) => h('div', { class: 'danger-zone caution' }, h('strong', {}, `⚠ Caution (${human(c.contraindication)}): `), c.text)),
        s.sources && s.sources.length ? h('div', { class: 'small muted' }, 'Sources: ', s.sources.map((x) => (typeof x === 'string' ? x : `${x.key}${x.locator ? ' ' + x.locator : ''}`)).join('; ')) : null))));
  }
  if (!steps.length) out.push(h('p', { class: 'empty' }, 'No steps: nothing can be treated today.'));
  if (plan.note) out.push(h('p', { class: 'muted' }, plan.note));
  return out;
}

views.plan = async (arg) => {
  const client = await ensureClient(arg);
  await ensureLabels();
  const points = tickedPoints();
  if (!points.length) return [h('h1', {}, 'Plan'), h('p', {}, 'No points ticked. ', h('a', { href: '#/sources/' + client.id }, 'Choose them on the Sources screen'), '.')];
  const fascial = !!state.fascial;   /* myofascial release: sustained fascial holds and fascial stretches */
  const plan = await api('POST', '/api/plan', { points, client: client.id, fascial });
  state.plan = plan; save();
  const fascialBox = h('label', { class: 'check no-print' }, h('input', { type: 'checkbox', id: 'fascial', checked: fascial,
    onchange: (e) => { state.fascial = e.target.checked; save(); go('plan/' + client.id); } }),
    'Add myofascial release (a sustained fascial hold per muscle before the pressure work, a fascial stretch after its stretch)');
  const start = h('button', { type: 'button', class: 'primary', id: 'start-session', disabled: plan.refer && !(plan.steps || []).length,
    onclick: action(async () => {
      const begin = async (another) => {
        const r = await api('POST', '/api/sessions', { client: client.id, points, fascial, another });
        state.session = { id: r.id, join: r.join, client: client.id, plan: r.plan || (r.state && r.state.plan) };
        delete state.visit;
        save();
        go('session/' + encodeURIComponent(r.id));
      };
      try { await begin(false); } catch (e) {
        if (e.code !== 'open-session') throw e;
        /* ask first: this client has a session open (on this or another device) */
        const q = $('#open-question');
        if (q) q.remove();
        start.after(h('div', { class: 'banner caution', id: 'open-question', role: 'alert' },
          `${client.name} has a session open already. `,
          h('button', { type: 'button', class: 'primary', onclick: () => go('session/' + encodeURIComponent(e.data.session)) }, 'Resume it'), ' ',
          h('button', { type: 'button', onclick: action(() => begin(true)) }, 'Start another')));
      }
    }) }, 'Start session');
  return [
    h('h1', {}, 'Plan — ', client.name),
    h('p', {}, 'Points: ', points.map((p) => {
      const c = ((state.intake && state.intake.where && state.intake.where.candidates) || []).find((x) => x.trigger_point === p.tp);
      return c ? `${c.muscle_name || human(c.muscle)}, ${sideName(p.side)} (${c.trigger_point_name || human(p.tp)})` : `${human(p.tp)}, ${sideName(p.side)}`;
    }).join('; ')),
    fascialBox,
    renderPlan(plan),
    h('div', { class: 'row no-print' }, start, h('a', { class: 'button', href: '#/sources/' + client.id }, '← Change the points')),
  ];
};

/* ---------- the session room ---------- */

const EVENT_BUTTONS = [['more', 'More'], ['less', 'Less'], ['good', 'Good'], ['released', 'Released'], ['stop', 'Stop'],
  ['sharp', 'Sharp'], ['tingling', 'Tingling'], ['referral', 'Referral'], ['bracing', 'Bracing'], ['numb', 'Numb'], ['shooting', 'Shooting']];
const ADVICE_KIND = (a) => (/^(stop|too-sensitive|max|client-stop)/.test(a || '') ? 'stop' : /^ease|less/.test(a || '') ? 'warn' : '');

views.session = async (arg) => {
  const gen = rendering;
  const sid = arg || (state.session && state.session.id);
  if (!sid) return [h('h1', {}, 'Session'), (await openSessionsCard()) || h('p', {}, 'No session running. Start one from a plan.')];
  let st = await api('GET', `/api/sessions/${encodeURIComponent(sid)}`);
  const base = `/api/sessions/${encodeURIComponent(sid)}`;
  /* a new tab, another device or a reload: the client first (choosing one clears the session) */
  if (st.client && (!state.client || state.client.id !== st.client)) { try { await ensureClient(st.client); } catch { /* name only */ } }
  if (!state.session || state.session.id !== sid) { state.session = { id: sid, client: st.client }; save(); }
  if (st.ended && st.cancelled) return [h('h1', {}, 'Session'), h('div', { class: 'banner caution' }, 'This session was cancelled; no visit was stored.')];
  if (st.ended) {
    const v = st.visit || state.visit;
    if (v) { state.visit = v; save(); }
    return [h('h1', {}, 'Session'), h('div', { class: 'banner caution' }, 'This session has ended and is stored',
      v ? [' as visit ', String(v), '. ', h('a', { href: '#/notes/' + v }, 'Open its SOAP note')] : '', '.')];
  }
  const plan = st.plan || state.session.plan || state.plan || { steps: [] };
  const join = state.session.join || st.join || {};
  const stepBy = new Map((plan.steps || []).map((s) => [s.n, s]));

  /* phone */
  const phoneStatus = h('span', { class: 'status', id: 'phone-status' });
  const setPhone = (on) => { phoneStatus.classList.toggle('on', !!on); phoneStatus.textContent = on ? 'Phone connected' : 'Phone not connected yet'; };
  setPhone(st.phone);
  const joinUrl = join.url || (join.token ? `${location.origin}/p/${join.token}` : '');
  const phoneCard = h('section', { class: 'card' }, h('h2', {}, 'Client\'s phone'),
    h('div', { class: 'qr' }, h('img', { src: `${base}/qr.svg`, alt: 'QR code of the join link', width: 200, height: 200 })),
    joinUrl ? h('p', {}, 'Scan, or open: ', h('a', { href: joinUrl, class: 'joinurl', id: 'join-url', target: '_blank', rel: 'noopener' }, joinUrl))
      : h('p', {}, 'Scan the code with the client\'s phone.'),
    /^https?:\/\/(127\.|localhost|\[::1\])/.test(joinUrl)
      ? h('p', { class: 'small muted', id: 'join-local' }, 'This link points at this computer only. For a phone on the clinic\'s network, start the server with ',
          h('code', {}, 'myomap serve --listen 0.0.0.0:8080 --public-url http://ADDRESS:8080'), ' (ADDRESS: this computer\'s address on that network).')
      : null,
    phoneStatus);

  /* pain before / after */
  const scaleRow = (name, cur, fn) => h('div', { class: 'scale', role: 'group', 'aria-label': name },
    Array.from({ length: 11 }, (_, i) => h('button', { type: 'button', 'aria-pressed': cur === i ? 'true' : 'false', dataset: { value: i },
      onclick: action(async (ev) => { const row = ev.currentTarget.parentNode; await fn(i); $$('button', row).forEach((b) => b.setAttribute('aria-pressed', String(+b.dataset.value === i))); }) }, String(i))));
  const preCard = h('section', { class: 'card', id: 'pain-pre' }, h('h2', {}, 'Pain before (0-10)'),
    scaleRow('Pain before', st.pain_pre, async (i) => { st = await api('POST', `${base}/pre`, { pain: i }); }));

  /* steps */
  const stepsList = h('ul', { class: 'steps-list', id: 'steps' }, (plan.steps || []).map((s) => h('li', { dataset: { step: s.n } },
    h('div', {}, h('strong', {}, `${s.n}. ${s.phase}`), ' ', human(s.muscle), s.side ? ', ' + sideName(s.side) : '',
      s.timed ? h('div', { class: 'small muted' }, `${s.technique ? (s.technique.label || human(s.technique.id)) + ' · ' : ''}hold ${range(s.hold)} s · target ${range(s.band)}/10`) : null),
    s.timed ? h('button', { type: 'button', class: 'primary start-hold', onclick: action(async () => {
      st = await api('POST', `${base}/hold`, { step: s.n });
      setHold(st.hold);
      feedItem('you', `hold started: step ${s.n}`, 'mine');
    }) }, 'Start hold') : null)));

  /* the hold */
  const holdTitle = h('h2', { id: 'hold-title' }, 'No hold running');
  const timer = h('span', { class: 'timer', id: 'hold-timer', role: 'timer', 'aria-live': 'off' }, '0');
  const timerOf = h('span', { class: 'timer-of' }, '');
  const holdInfo = h('div', { id: 'hold-info', class: 'muted' }, 'Start a hold from the steps list.');
  const track = h('div', { class: 'track', 'aria-hidden': 'true' }, h('div', { class: 'win' }), h('div', { class: 'now' }));
  const lastFb = h('div', { id: 'hold-last' });
  const outcome = h('div', { class: 'outcome', id: 'hold-outcome', 'aria-live': 'polite' });
  const advice = h('div', { class: 'advice', id: 'advice', 'aria-live': 'assertive' }, 'Advice appears here during a hold.');
  const feed = h('ul', { class: 'feed', id: 'feed', 'aria-live': 'polite', 'aria-label': 'Live feed' });
  let hold = null, t0 = 0, tickTimer = null;

  const running = (x) => x && (!x.outcome || x.outcome === 'open');
  function setHold(x) {
    hold = x || null;
    if (!hold) {
      holdTitle.textContent = 'No hold running';
      holdInfo.textContent = 'Start a hold from the steps list.';
      timer.textContent = '0'; timerOf.textContent = ''; outcome.textContent = ''; lastFb.textContent = '';
      return;
    }
    const s = stepBy.get(hold.step) || {};
    const tech = s.technique ? (s.technique.label || human(s.technique.id)) : human(hold.technique);
    holdTitle.textContent = `Step ${hold.step}: ${human(hold.muscle || s.muscle)}${hold.side || s.side ? ', ' + sideName(hold.side || s.side) : ''}`;
    holdInfo.textContent = `${tech} · hold ${range(hold.hold)} s · target band ${range(hold.band)}/10`;
    t0 = performance.now() - (Number(hold.t) || 0) * 1000;
    lastFb.textContent = hold.last !== undefined && hold.last !== null && hold.last >= 0 ? `Last rating: ${hold.last}/10` : 'No rating yet';
    outcome.textContent = running(hold) ? '' : `Hold ended: ${human(hold.outcome)}${hold.reason ? ' (' + human(hold.reason) + ')' : ''} after ${Math.round(hold.t || 0)} s`;
    $$('li', stepsList).forEach((li) => li.classList.toggle('current', +li.dataset.step === hold.step));
    const adv = Array.isArray(hold.advice) ? hold.advice[hold.advice.length - 1] : hold.advice;
    if (adv && typeof adv === 'object' && adv.text) setAdvice(adv.advice || '', adv.text);
    tick();
  }
  function tick() {
    if (!hold) return;
    const [mn, mx] = hold.hold || [0, 0];
    const t = running(hold) ? (performance.now() - t0) / 1000 : Number(hold.t) || 0;
    const shown = Math.min(Math.floor(t), mx || Infinity);
    timer.textContent = String(shown);
    timer.classList.toggle('inrange', t >= mn && t < mx);
    timer.classList.toggle('over', mx > 0 && t >= mx);
    timer.setAttribute('aria-label', `${shown} seconds of ${mn} to ${mx}`);
    timerOf.textContent = `s  ·  shortest ${mn} s, longest ${mx} s${t < mn ? '' : t < mx ? '  ·  release when it softens' : ''}`;
    if (mx > 0) {
      track.querySelector('.win').style.cssText = `left:${100 * mn / mx}%;right:0`;
      track.querySelector('.now').style.left = `${Math.min(100, 100 * t / mx)}%`;
    }
  }
  tickTimer = setInterval(tick, 250);
  onLeave(() => clearInterval(tickTimer), gen);

  function setAdvice(name, text) {
    advice.textContent = text;
    advice.className = 'advice ' + ADVICE_KIND(name);
    advice.dataset.advice = name || '';
  }
  function feedItem(src, text, cls) {
    const time = new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
    feed.prepend(h('li', { class: cls || null }, h('span', { class: 'src' }, src), ' ', text, ' ', h('span', { class: 'muted small' }, time)));
    while (feed.children.length > 80) feed.lastChild.remove();
  }
  const evText = (d) => (d.event === 'feedback' || d.value !== undefined && !d.event ? `${d.value}/10` : human(d.event || ''));

  async function sendEvent(ev) {
    const r = await api('POST', `${base}/event`, ev);
    if (r && r.advice && (r.advice.text || r.advice.advice)) setAdvice(r.advice.advice, r.advice.text || human(r.advice.advice));
    if (r && r.hold !== undefined) setHold(r.hold);
    feedItem('you', evText(ev), 'mine');
  }
  const fbRow = h('div', { class: 'scale', role: 'group', 'aria-label': 'Client rating 0-10', id: 'fb-scale' },
    Array.from({ length: 11 }, (_, i) => h('button', { type: 'button', dataset: { value: i }, onclick: action(() => sendEvent({ event: 'feedback', value: i })) }, String(i))));
  const evRow = h('div', { class: 'evbuttons', id: 'ev-buttons' }, EVENT_BUTTONS.map(([id, label]) => h('button', {
    type: 'button', dataset: { event: id }, class: ['stop', 'sharp', 'tingling', 'numb', 'shooting'].includes(id) ? 'danger' : (id === 'released' ? 'primary' : null),
    onclick: action(() => sendEvent({ event: id })) }, label)));
  const endHold = h('button', { type: 'button', id: 'end-hold', onclick: action(async () => {
    const r = await api('POST', `${base}/stop`, {});
    if (r && r.hold !== undefined) setHold(r.hold); else if (hold) { hold.outcome = hold.outcome && hold.outcome !== 'open' ? hold.outcome : 'interrupted'; setHold(hold); }
  }) }, 'End hold (move on)');

  const holdPanel = h('section', { class: 'holdpanel', id: 'hold-panel' }, holdTitle, holdInfo, h('div', { class: 'timer-row' }, timer, timerOf), track, lastFb, outcome,
    advice, h('h3', {}, 'Client\'s rating'), fbRow, evRow, h('div', { class: 'row', style: 'margin-top:.6rem' }, endHold));

  /* after */
  const rom = h('input', { name: 'rom', value: '' }), strength = h('input', { name: 'strength', value: '' }), note = h('textarea', { name: 'note', rows: 2 });
  let painPost = st.pain_post;
  const postForm = h('form', { class: 'card', id: 'post-form' }, h('h2', {}, 'After: recheck'),
    h('p', {}, h('strong', {}, 'Pain after (0-10)')),
    scaleRow('Pain after', st.pain_post, async (i) => { painPost = i; }),
    h('div', { class: 'grid2' }, field('Range of motion', rom, 'e.g. cervical rotation left 60 -> 80'), field('Strength', strength)),
    field('Note', note),
    h('div', { class: 'row' }, h('button', { type: 'submit', id: 'save-post' }, 'Save recheck'),
      h('button', { type: 'button', class: 'primary', id: 'end-session', onclick: action(async () => {
        const typed = rom.value.trim() || strength.value.trim() || note.value.trim();
        if ((painPost !== undefined && painPost !== null) || typed) await postRecheck();
        const r = await api('POST', `${base}/end`, {});
        state.visit = r.visit; save();
        closeStream();
        go('notes/' + r.visit);
      }) }, 'End session'),
      h('button', { type: 'button', id: 'cancel-session', onclick: () => {
        if ($('#cancel-form')) return;
        const reason = h('input', { name: 'reason', required: true, maxlength: 500, placeholder: 'why (kept in the audit log)', 'aria-label': 'Why cancel this session' });
        const f = h('form', { class: 'row', id: 'cancel-form' }, reason, h('button', { type: 'submit' }, 'Cancel without storing a visit'));
        f.addEventListener('submit', submitter(f, async () => {
          await api('POST', `${base}/cancel`, { reason: reason.value.trim() });
          closeStream();
          delete state.session; save();
          showMsg('Session cancelled; no visit was stored.', 'info');
          go('clients');
        }));
        postForm.append(f);
        reason.focus();
      } }, 'Cancel session…')));
  async function postRecheck() {
    if (painPost === undefined || painPost === null) throw new Error('Choose the pain after (0-10) first: the recheck is saved with it.');
    const body = {};
    if (painPost !== undefined && painPost !== null) body.pain = painPost;
    if (rom.value.trim()) body.rom = rom.value.trim();
    if (strength.value.trim()) body.strength = strength.value.trim();
    if (note.value.trim()) body.note = note.value.trim();
    st = await api('POST', `${base}/post`, body);
    return st;
  }
  postForm.addEventListener('submit', submitter(postForm, async () => { await postRecheck(); showMsg('Recheck saved.', 'info'); }));

  /* live events */
  let es = null;
  function closeStream() { if (es) { es.close(); es = null; } }
  const parse = (e) => { try { return JSON.parse(e.data); } catch { return { text: e.data }; } };
  if (!st.ended) {
    es = new EventSource(`${base}/events?since=${Number(st.events) || 0}`);   /* what follows the state read above */
    es.addEventListener('hold', (e) => { const d = parse(e); setHold(d && d.hold !== undefined && !d.step ? d.hold : d); });
    es.addEventListener('feedback', (e) => { const d = parse(e); if (hold && d.value !== undefined) { hold.last = d.value; lastFb.textContent = `Last rating: ${d.value}/10`; } });
    es.addEventListener('advice', (e) => { const d = parse(e); const a = d.advice && typeof d.advice === 'object' ? d.advice : d; setAdvice(a.advice || '', a.text || human(a.advice)); feedItem('advice', a.text || human(a.advice), 'f-advice'); });
    es.addEventListener('phone', (e) => {
      const d = parse(e);
      setPhone(true);
      if (d && (d.event || d.value !== undefined)) feedItem('phone', evText(d), 'phone');
      else if (d && d.connected === false) setPhone(false);
    });
    es.addEventListener('end', (e) => { const d = parse(e); if (d.visit) { state.visit = d.visit; save(); renderNav('session'); } setAdvice('', 'The session has ended.'); closeStream(); });
    es.onerror = () => { /* EventSource reconnects by itself */ };
    onLeave(closeStream, gen);
  }
  /* a gentle poll keeps the phone status and the clock in step if an event is missed */
  const poll = setInterval(async () => {
    try {
      const s2 = await api('GET', base);
      setPhone(s2.phone);
      if (s2.hold && (!hold || s2.hold.step !== hold.step || s2.hold.outcome !== hold.outcome)) setHold(s2.hold);
      else if (s2.hold && running(s2.hold)) t0 = performance.now() - (Number(s2.hold.t) || 0) * 1000;
    } catch (e) { if (e.status === 404 || e.status === 410) clearInterval(poll); }
  }, 5000);
  onLeave(() => clearInterval(poll), gen);

  setHold(st.hold);
  const ended = st.ended ? h('div', { class: 'banner caution' }, 'This session has ended.', state.visit ? [' ', h('a', { href: '#/notes/' + state.visit }, 'Open the note')] : null) : null;
  return [
    h('h1', {}, 'Session', state.client ? ' — ' + state.client.name : ''),
    ended,
    h('div', { class: 'room' },
      h('div', {}, phoneCard, preCard, h('section', { class: 'card' }, h('h2', {}, 'Steps'), stepsList)),
      h('div', {}, holdPanel, h('section', { class: 'card', style: 'margin-top:1rem' }, h('h2', {}, 'Live feed'), feed), postForm)),
  ];
};

/* ---------- notes ---------- */

views.notes = async (arg) => {
  const vid = arg || state.visit;
  if (!vid) return [h('h1', {}, 'Notes'), h('p', {}, 'No visit yet: end a session first.')];
  const n = await api('GET', `/api/visits/${encodeURIComponent(vid)}/note`);
  const parts = [['s', 'S — Subjective'], ['o', 'O — Objective'], ['a', 'A — Assessment'], ['p', 'P — Plan']];
  const form = h('form', { class: 'card soap', id: 'note-form' },
    parts.map(([k, label]) => field(label, h('textarea', { name: k, rows: 8, value: n[k] || '', id: 'soap-' + k }))),
    h('button', { type: 'submit', class: 'primary' }, 'Save note'));
  /* each section as tall as its text, on screen and on paper */
  const fit = (t) => { t.style.height = 'auto'; t.style.height = `${t.scrollHeight + 4}px`; };
  form.addEventListener('input', (ev) => { if (ev.target.tagName === 'TEXTAREA') fit(ev.target); });
  requestAnimationFrame(() => $$('textarea', form).forEach(fit));
  form.addEventListener('submit', submitter(form, async (v) => {
    await api('POST', `/api/visits/${encodeURIComponent(vid)}/note`, { s: v.s, o: v.o, a: v.a, p: v.p });
    showMsg('Note saved.', 'info');
  }));
  const cid = state.client && state.client.id;
  return [h('h1', {}, `SOAP note — visit ${n.visit ?? vid}`), form,
    cid ? h('div', { class: 'row no-print' }, h('a', { class: 'button', href: '#/progress/' + cid }, 'Progress →'), h('a', { class: 'button', href: '#/home/' + cid }, 'Home program →')) : null];
};

/* ---------- progress ---------- */

views.progress = async (arg) => {
  const client = await ensureClient(arg);
  let data = null;
  try { data = await api('GET', `/api/clients/${client.id}/progress`); } catch (e) { if (e.status !== 404) throw e; }
  const visits = (data && data.visits) || [];
  const cell = (x) => (x === null || x === undefined ? '—' : x);
  const table = visits.length ? h('table', { id: 'progress-table' },
    h('thead', {}, h('tr', {}, ['Date', 'Visit', 'Pain before', 'Pain after', 'Change from first', 'Painful regions', 'PSFS', 'NDI'].map((t) => h('th', {}, t)))),
    h('tbody', {}, visits.map((v) => {
      const n = v.nprs || {};
      return h('tr', {}, h('td', {}, cell(v.date)), h('td', {}, cell(v.visit)), h('td', {}, cell(n.value)), h('td', {}, cell(n.post)),
        h('td', {}, n.change === undefined || n.change === null ? '—' : `${n.change > 0 ? '+' : ''}${n.change}${n.percent !== undefined && n.percent !== null ? ` (${n.percent}%)` : ''}${(n.flags || []).length ? ' ' + n.flags.map(human).join(', ') : ''}`),
        h('td', {}, v.drawing ? `${cell(v.drawing.count)} (total ${cell(v.drawing.total)})` : '—'),
        h('td', {}, v.psfs && typeof v.psfs === 'object' ? cell(v.psfs.value) : cell(v.psfs)),
        h('td', {}, v.ndi && typeof v.ndi === 'object' ? cell(v.ndi.value) : cell(v.ndi)));
    }))) : h('p', { class: 'empty' }, 'No visits with measures yet.');
  const mform = h('form', { class: 'card no-print', id: 'measure-form' }, h('h2', {}, 'Record a measure'),
    h('div', { class: 'grid2' },
      field('Date', h('input', { type: 'date', name: 'date', value: today() })),
      field('Pain now, 0-10 (NPRS)', h('input', { type: 'number', name: 'nprs', min: 0, max: 10 })),
      field('Neck disability (NDI, 0-50)', h('input', { type: 'number', name: 'ndi', min: 0, max: 50 })),
      field('PSFS activity = score', h('input', { name: 'psfs', placeholder: 'reach overhead=4' }), 'one activity, scored 0-10')),
    h('button', { type: 'submit', class: 'primary' }, 'Save measure'));
  mform.addEventListener('submit', submitter(mform, async (v) => {
    const measures = [];
    if (v.nprs !== '') measures.push({ kind: 'nprs', value: v.nprs });
    if (v.ndi !== '') measures.push({ kind: 'ndi', value: v.ndi });
    if (v.psfs !== '') measures.push({ kind: 'psfs', value: v.psfs });
    if (!measures.length) throw new Error('Fill in at least one measure.');
    await api('POST', `/api/clients/${client.id}/measures`, { date: v.date || today(), measures });
    await render();
    showMsg('Measure saved.', 'info');
  }));
  return [h('h1', {}, 'Progress — ', client.name),
    h('img', { class: 'progress-img', id: 'progress-svg', src: `/api/clients/${client.id}/progress.svg?t=${Date.now()}`, alt: 'Progress charts: pain and other measures over visits, and a heat map of the pain drawings' }),
    h('h2', {}, 'Visits'), table,
    data && data.thresholds ? h('details', {}, h('summary', {}, 'What counts as a clinically important change'),
      h('ul', {}, data.thresholds.map((t) => h('li', {}, `${t.measure}: ${t.test} — ${t.meaning}`)))) : null,
    mform];
};

/* ---------- home program ---------- */

views.home = async (arg) => {
  const client = await ensureClient(arg);
  await ensureLabels();
  let r;
  try { r = await api('GET', `/api/clients/${client.id}/home`); } catch (e) {
    if (e.status === 404) return [h('h1', {}, 'Home program — ', client.name), h('p', { class: 'empty' }, 'No home program yet: it is made from the first stored session.')];
    throw e;
  }
  const p = r.program || r;
  const url = `/api/clients/${client.id}/home.html`;
  const items = (list) => h('ul', {}, (list || []).map((x) => h('li', {}, typeof x === 'string' ? x : (x.text || x.label || ''))));
  /* What keeps it coming back: the corrective advice, the reported activities first. */
  const perpetuating = (pp) => {
    const advice = (pp && pp.advice) || [];
    if (!advice.length) return null;
    const why = (a) => {
      const w = [];
      if ((a.why || []).includes('reported')) w.push('reported at intake');
      if ((a.why || []).includes('hours')) w.push('from the intake\'s hours');
      if ((a.muscles || []).length) w.push('keeps ' + a.muscles.map(human).join(', ') + ' going');
      return w.length ? ` (${w.join('; ')})` : '';
    };
    const cite = (a) => (a.sources || []).map((c) => c.key + (c.locator ? ' ' + c.locator : '')).join('; ');
    const li = (a) => h('li', { 'data-activity': a.activity },
      h('strong', {}, a.label || human(a.activity)), why(a), ': ', a.advice || '',
      h('span', { class: 'muted small' }, ` [${cite(a)}]`));
    const reported = advice.filter((a) => (a.why || []).some((w) => w === 'reported' || w === 'hours'));
    const others = advice.filter((a) => !reported.includes(a));
    const hours = pp.intake ? [pp.intake.desk_hours != null ? `${pp.intake.desk_hours} h a day at a desk` : null,
                               pp.intake.sleep_hours != null ? `${pp.intake.sleep_hours} h of sleep` : null].filter(Boolean) : [];
    return h('div', { id: 'perpetuating' },
      h('h2', {}, 'What keeps it coming back'),
      pp.intake ? (hours.length ? h('p', { class: 'muted' }, 'From the intake: ', hours.join(', '), '.') : null)
                : h('p', { class: 'muted' }, 'No intake before this visit: the advice comes from the treated points.'),
      reported.length ? h('ul', {}, reported.map(li)) : null,
      others.length ? [h('p', {}, 'If the client does any of these:'), h('ul', {}, others.map(li))] : null);
  };
  const printHandout = () => {
    const w = window.open(url, '_blank');
    if (w) w.addEventListener('load', () => { try { w.focus(); w.print(); } catch { /* the user prints it */ } });
    else showMsg('The handout could not be opened (pop-ups blocked?): use the link instead.', 'error');
  };
  return [
    h('h1', {}, 'Home program — ', client.name),
    h('p', { class: 'muted' }, `From visit ${r.visit ?? ''}${r.date ? ', ' + r.date : ''}.`),
    h('div', { class: 'row no-print' },
      h('button', { type: 'button', class: 'primary', id: 'print-handout', onclick: printHandout }, 'Print handout'),
      h('button', { type: 'button', id: 'print-page', onclick: () => window.print() }, 'Print this page'),
      h('a', { class: 'button', href: url, target: '_blank', rel: 'noopener', id: 'handout-link' }, 'Open the printable handout')),
    p.refer ? h('div', { class: 'banner refer' }, h('strong', { class: 'big' }, 'See a doctor before self-treatment')) : null,
    h('section', { class: 'program', id: 'program' },
      h('h2', {}, 'Exercises'),
      (p.exercises || []).map((ex) => h('div', { class: 'ex' + (ex.skip ? ' skip' : '') },
        h('h3', {}, `${ex.name || human(ex.muscle)}, ${sideName(ex.side)}`, ex.press_region ? h('span', { class: 'muted small' }, ` — at the ${labelOf(ex.press_region)}`) : null),
        ex.skip ? h('p', {}, h('strong', {}, 'Leave it for now: '), ex.skip) : null,
        (ex.selfcare || []).map((s) => h('div', { class: 'sc' },
          h('strong', {}, human(s.id)), ' — ', s.tool_label || human(s.tool),
          h('div', {}, h('em', {}, 'Position: '), s.position || ''),
          h('div', {}, h('em', {}, 'How: '), s.steps || ''),
          h('div', {}, h('em', {}, 'Hold: '), `${range(s.hold)} s, ${s.frequency || ''}`),
          s.feel ? h('div', {}, h('em', {}, 'What you should feel: '), s.feel) : null,
          s.avoid ? h('div', {}, h('em', {}, 'Avoid: '), s.avoid) : null)))),
      p.do_not_press && p.do_not_press.length ? [h('h2', {}, 'Do not press'), items(p.do_not_press)] : null,
      perpetuating(p.perpetuating),
      p.expect && p.expect.length ? [h('h2', {}, 'What to expect'), items(p.expect)] : null,
      p.aftercare && p.aftercare.length ? [h('h2', {}, 'Aftercare'), items(p.aftercare)] : null,
      p.safety && p.safety.length ? [h('h2', {}, 'Safety'), items(p.safety)] : null,
      p['seek-care'] && p['seek-care'].length ? [h('h2', {}, 'When to seek care'), items(p['seek-care'])] : null),
  ];
};

/* ---------- start ---------- */

render();
})();
