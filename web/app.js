/* app.js: the therapist's single-page app: the shell (hash routes, the nav, the login state).
** Each screen is a module under screens/ (login, clients, intake on the body chart, ranked
** sources with their palpation findings, plan, the live session room, SOAP note, progress,
** home program, accounts); lib/ holds the API calls, element building and the body chart.
** Talks only to the JSON API of docs/api.md; builds every node with h() so no text is ever
** parsed as HTML. */
import { api, auth, onUnauthorized } from './lib/api.js';
import { $, h, replace, showMsg, clearMsg, showError } from './lib/dom.js';
import { state, router, go, leaving, keepLogin } from './lib/state.js';
import { loadLanguage, t, lang, LANGUAGES, LANGUAGE_NAMES, setLanguage } from './lib/i18n.js';
import login from './screens/login.js';
import account from './screens/account.js';
import accounts from './screens/accounts.js';
import clients from './screens/clients.js';
import client from './screens/client.js';
import intake from './screens/intake.js';
import sources from './screens/sources.js';
import plan from './screens/plan.js';
import session from './screens/session.js';
import notes from './screens/notes.js';
import progress from './screens/progress.js';
import home from './screens/home.js';
import atlas from './screens/atlas.js';
import audit from './screens/audit.js';

const views = { login, account, accounts, clients, client, intake, sources, plan, session, notes, progress, home, atlas, audit };

function parseHash() {
  const parts = location.hash.replace(/^#\/?/, '').split('/');
  return { name: parts[0] || '', arg: parts[1] ? decodeURIComponent(parts[1]) : null };
}

/* The nav: each screen with the argument it opens with, or none while it cannot be opened yet. */
const NAV = [
  ['clients', () => ''],
  ['intake', () => state.client && state.client.id],
  ['sources', () => state.intake && state.client && state.client.id],
  ['plan', () => state.ticked && state.ticked.length && state.client && state.client.id],
  ['session', () => state.session && state.session.id],
  ['notes', () => state.visit],
  ['progress', () => state.client && state.client.id],
  ['home', () => state.client && state.client.id],
  ['atlas', () => ''],
];
const NO_ARG = ['clients', 'atlas'];
function renderNav(current) {
  const nav = $('#nav');
  if (!auth.user) { nav.replaceChildren(); return; }
  nav.replaceChildren(...NAV.map(([name, arg]) => {
    const a = arg();
    const ok = NO_ARG.includes(name) || !!a;
    return h('a', {
      href: ok ? `#/${name}${NO_ARG.includes(name) ? '' : '/' + a}` : '#',
      'aria-current': current === name ? 'page' : null,
      'aria-disabled': ok ? null : 'true',
      tabindex: ok ? null : '-1',
    }, t('nav.' + name));
  }));
  const cur = nav.querySelector('[aria-current="page"]');   /* in view when the row scrolls (a phone) */
  if (cur && nav.scrollWidth > nav.clientWidth) nav.scrollLeft = Math.max(0, cur.offsetLeft - nav.offsetLeft - (nav.clientWidth - cur.offsetWidth) / 2);
}
function renderWho() {
  const who = $('#who');
  const user = auth.user;
  if (!user) { who.replaceChildren(); return; }
  who.replaceChildren(h('span', { class: 'who-name' }, t('who.user', { name: user.name, role: t('role.' + user.role, null, user.role) })),
    h('button', { type: 'button', id: 'account-link', onclick: () => go('account') }, t('who.password')),
    user.role === 'admin' ? h('button', { type: 'button', id: 'accounts-link', onclick: () => go('accounts') }, t('who.accounts')) : null,
    h('button', { type: 'button', id: 'logout', onclick: logout }, t('who.logout')));
}
/* The language chooser: with two languages, one button naming the other in itself (English on
** a French page, Français on an English one, as bilingual Canadian sites do); the choice is kept
** in this browser (localStorage, i18n.js), the browser's languages choosing until then. */
function renderLang() {
  const other = LANGUAGES.find((c) => c !== lang) || 'en';
  const name = LANGUAGE_NAMES[other] || other;   /* the code alone on a narrow screen (app.css) */
  $('#lang').replaceChildren(h('button', { type: 'button', id: 'lang-switch', lang: other, title: t('client.language'),
    onclick: () => setLanguage(other) }, h('span', { class: 'lang-long' }, name), h('span', { class: 'lang-short', 'aria-hidden': 'true' }, other.toUpperCase())));
}
async function logout() {
  try { await api('POST', '/api/logout', {}); } catch (e) { if (e.status !== 401) showError(e); }
  auth.user = null; auth.csrf = '';
  renderWho();
  go('login');
}

async function render() {
  const my = ++router.gen;
  for (const fn of leaving()) { try { fn(); } catch { /* gone */ } }
  let { name, arg } = parseHash();
  if (!auth.user && name !== 'login') {
    try { keepLogin(await api('GET', '/api/me', undefined, { quiet: true })); } catch (e) {
      if (e.status !== 401) showError(e);
      if (my !== router.gen) return;
      sessionStorage.setItem('myomap-after-login', location.hash);
      name = 'login';
      history.replaceState(null, '', '#/login');
    }
  }
  if (my !== router.gen) return;
  if (!views[name]) { name = auth.user ? 'clients' : 'login'; arg = null; history.replaceState(null, '', '#/' + name); }
  renderNav(name);
  const main = $('#view');
  main.replaceChildren(h('p', { class: 'loading' }, t('app.loading')));
  try {
    const nodes = await views[name](arg);
    if (my !== router.gen) return;
    if (nodes) replace(main, nodes);
    renderNav(name);
    const h1 = $('h1', main);
    if (h1) { h1.tabIndex = -1; h1.focus({ preventScroll: true }); }
    window.scrollTo(0, 0);
  } catch (e) {
    if (my !== router.gen) return;
    main.replaceChildren(h('h1', {}, t('app.error-title')), h('p', {}, t('app.error-text'),
      h('a', { href: '#/clients' }, t('app.back-to-clients'))));
    showError(e);
  }
}

router.render = render;
router.nav = renderNav;
router.who = renderWho;
onUnauthorized(() => {
  sessionStorage.setItem('myomap-after-login', location.hash);
  go('login');
  setTimeout(() => showMsg(t('app.please-log-in'), 'error'), 0);
});
window.addEventListener('hashchange', () => { clearMsg(); render(); });
loadLanguage().catch((e) => console.warn('translations', e)).then(() => {
  $('#nav').setAttribute('aria-label', t('nav.label'));
  renderLang();
  render();
});
